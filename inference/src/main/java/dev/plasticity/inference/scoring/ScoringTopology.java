package dev.plasticity.inference.scoring;

import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.DeadLetters;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams topology of the scoring app, built by one static method that the app and the
 * tests ({@code TopologyTestDriver}) share. Two independent sub-topologies:
 *
 * <pre>
 * events.unlabelled ─► [unlabelled-events] ─► [score] ─┬─► [predictions]  ─► predictions (key: event id)
 *                                                       └─► [dead-letters] ─► events.dlq  (key: the record's key)
 * labels ─► [labels] ─► [record-label] (store: recent-labels) ─► [label-dead-letters] ─► events.dlq
 * </pre>
 *
 * <p><b>Scoring.</b> A record larger than {@value #MAX_RECORD_BYTES} bytes is dead-lettered unread
 * ({@link DeadLetterRule#TOO_LARGE}). Each other record is read as bytes and decoded with {@link AvroCodec} (bounded: a
 * record costs at most its own size), then scored by the predictor of the model it names with the
 * version served at that moment; the {@link Prediction} carries that version, the alias {@code
 * champion}, the event's time, the scoring time from the clock, and the event's features. A record
 * that breaks a {@link DeadLetterRule} is written to {@link Topics#EVENTS_DLQ} as a {@link
 * DeadLetter} (built by {@link DeadLetters#of}) with its original bytes and a reason starting with
 * the rule's id, and counted; the app goes on.
 *
 * <p><b>Labels.</b> Each {@link Label} is handed to its model's predictor ({@link
 * HotSwapPredictor#recordLabel}), where versions whose networks take label lags read it. A label
 * for a model not served here is counted and skipped. The newest {@value #RECENT_LABELS_KEPT}
 * labels of each model are also kept in the {@value #RECENT_LABELS_STORE} key-value store (backed
 * by a changelog topic) and handed to the predictor again, oldest first, when a task starts, so a
 * restarted app reads the same lags as before. Limits: labels are recorded in the order their task
 * reads them, so with several partitions that order is per partition, not stream-wide, and an
 * instance hears only the labels of its own partitions; the predictor's history sits outside Kafka's
 * transactions, so a task that is retried after an aborted transaction, or handed back to an
 * instance, records its labels there again (the store itself stays exact).
 *
 * <p>Stateless apart from that store; the returned topology is new on each call.
 */
public final class ScoringTopology {
  /** Source node reading {@link Topics#EVENTS_UNLABELLED}. */
  public static final String EVENTS_SOURCE = "unlabelled-events";
  /** Processor node scoring events. */
  public static final String SCORE = "score";
  /** Sink node writing {@link Topics#PREDICTIONS}. */
  public static final String PREDICTIONS_SINK = "predictions";
  /** Sink node writing the dead letters of events to {@link Topics#EVENTS_DLQ}. */
  public static final String DEAD_LETTERS_SINK = "dead-letters";
  /** Source node reading {@link Topics#LABELS}. */
  public static final String LABELS_SOURCE = "labels";
  /** Processor node feeding labels to predictors. */
  public static final String RECORD_LABEL = "record-label";
  /** Sink node writing the dead letters of labels to {@link Topics#EVENTS_DLQ}. */
  public static final String LABEL_DEAD_LETTERS_SINK = "label-dead-letters";
  /** Key-value store of the newest labels per model (model name to labels, oldest first). */
  public static final String RECENT_LABELS_STORE = "recent-labels";
  /**
   * The largest key plus value, in bytes, scored or dead-lettered whole: the prediction of a larger
   * event (which carries its features), or the dead letter of a larger record (which carries its
   * bytes), might not fit a Kafka request ({@code max.request.size}, 1 MiB by default) and would stop
   * the app. A larger record is dead-lettered by where it lies, without its bytes.
   */
  static final int MAX_RECORD_BYTES = 900 * 1024;
  /** Labels kept per model: the most label lags the registry accepts. */
  static final int RECENT_LABELS_KEPT = 64;

  private static final Logger log = LoggerFactory.getLogger(ScoringTopology.class);

  private ScoringTopology() {}

  /**
   * The scoring topology.
   *
   * @param scorers the predictor of each model served
   * @param clock stamps each prediction's scoring time and each dead letter's failure time
   * @param counts counts what becomes of each record
   */
  public static Topology build(Scorers scorers, Clock clock, ScoringCounts counts) {
    Objects.requireNonNull(scorers, "scorers");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(counts, "counts");
    EventScorer scorer = new EventScorer(scorers, clock);
    Topology topology = new Topology();
    topology.addSource(EVENTS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.EVENTS_UNLABELLED);
    topology.addProcessor(SCORE, () -> new ScoreProcessor(scorer, clock, counts), EVENTS_SOURCE);
    topology.addSink(PREDICTIONS_SINK, Topics.PREDICTIONS, new StringSerializer(), AvroSerde.of(Prediction.class), SCORE);
    topology.addSink(DEAD_LETTERS_SINK, Topics.EVENTS_DLQ, new ByteArraySerializer(), AvroSerde.of(DeadLetter.class), SCORE);

    topology.addSource(LABELS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.LABELS);
    topology.addProcessor(RECORD_LABEL, () -> new LabelProcessor(scorers, clock, counts), LABELS_SOURCE);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RECENT_LABELS_STORE),
        Serdes.String(), Serdes.ListSerde(ArrayList.class, Serdes.Integer())), RECORD_LABEL);
    topology.addSink(LABEL_DEAD_LETTERS_SINK, Topics.EVENTS_DLQ, new ByteArraySerializer(),
        AvroSerde.of(DeadLetter.class), RECORD_LABEL);
    return topology;
  }

  /**
   * The dead letter of {@code record} with {@code reason}: where it came from, and its key and value
   * unless it is {@link #tooLarge} (then a key of at most a quarter of the limit is kept).
   */
  private static DeadLetter letter(ProcessorContext<?, ?> context, String defaultTopic, Record<byte[], byte[]> record,
      String reason, Clock clock) {
    Optional<RecordMetadata> from = context.recordMetadata();
    return DeadLetters.of(from.map(RecordMetadata::topic).orElse(defaultTopic),
        from.map(RecordMetadata::partition).orElse(-1), from.map(RecordMetadata::offset).orElse(-1L),
        keptKey(record), tooLarge(record) ? null : record.value(), reason, clock.millis());
  }

  private static int size(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  /** Whether the record's key and value together exceed {@link #MAX_RECORD_BYTES}. */
  private static boolean tooLarge(Record<byte[], byte[]> record) {
    return (long) size(record.key()) + size(record.value()) > MAX_RECORD_BYTES;
  }

  /** The key a dead letter (and its Kafka record) keeps: the record's, unless it is oversized itself. */
  private static byte[] keptKey(Record<byte[], byte[]> record) {
    return !tooLarge(record) || size(record.key()) <= MAX_RECORD_BYTES / 4 ? record.key() : null;
  }

  /** The reason a too-large record is dead-lettered, naming where it lies. */
  private static String tooLargeReason(ProcessorContext<?, ?> context, String defaultTopic, Record<byte[], byte[]> record) {
    Optional<RecordMetadata> from = context.recordMetadata();
    return DeadLetterRule.TOO_LARGE.reason("a key of " + size(record.key()) + " bytes and a value of "
        + size(record.value()) + " bytes exceed the " + MAX_RECORD_BYTES + " bytes this app writes back; the record is"
        + " not copied here: read it at " + from.map(RecordMetadata::topic).orElse(defaultTopic) + "-"
        + from.map(RecordMetadata::partition).orElse(-1) + " offset " + from.map(RecordMetadata::offset).orElse(-1L));
  }

  /** Decodes, scores, and forwards a prediction or a dead letter. */
  private static final class ScoreProcessor implements Processor<byte[], byte[], Object, Object> {
    private static final AvroCodec<UnlabelledEvent> EVENTS = AvroCodec.of(UnlabelledEvent.class);
    private final EventScorer scorer;
    private final Clock clock;
    private final ScoringCounts counts;
    private ProcessorContext<Object, Object> context;

    ScoreProcessor(EventScorer scorer, Clock clock, ScoringCounts counts) {
      this.scorer = scorer;
      this.clock = clock;
      this.counts = counts;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
      this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      if (tooLarge(record)) {
        deadLetter(record, DeadLetterRule.TOO_LARGE, tooLargeReason(context, Topics.EVENTS_UNLABELLED, record));
        return;
      }
      UnlabelledEvent event;
      try {
        event = EVENTS.decode(record.value());
      } catch (AvroCodec.InvalidPayloadException e) {
        deadLetter(record, DeadLetterRule.UNDECODABLE, DeadLetterRule.UNDECODABLE.reason(e.getMessage()));
        return;
      }
      EventScorer.Outcome outcome;
      try {
        outcome = scorer.score(event);
      } catch (RuntimeException e) { // unforeseen: the record is dead-lettered, the app goes on
        log.error("scoring event {} of model {} failed", event.getEventId(), event.getModel(), e);
        outcome = new EventScorer.Refused(DeadLetterRule.PREDICTION_FAILED,
            DeadLetterRule.PREDICTION_FAILED.reason("event " + event.getEventId() + ": " + e));
      }
      if (outcome instanceof EventScorer.Scored scored) {
        Prediction prediction = scored.prediction();
        context.forward(record.withKey((Object) prediction.getEventId()).withValue((Object) prediction), PREDICTIONS_SINK);
        counts.scored(1);
      } else if (outcome instanceof EventScorer.Refused refused) {
        deadLetter(record, refused.rule(), refused.reason());
      }
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetterRule rule, String reason) {
      DeadLetter letter = letter(context, Topics.EVENTS_UNLABELLED, record, reason, clock);
      log.warn("dead-lettered the record at {}-{} offset {}: {}", letter.getSourceTopic(), letter.getPartition(),
          letter.getOffset(), reason);
      context.forward(record.withValue((Object) letter).withKey((Object) keptKey(record)), DEAD_LETTERS_SINK);
      counts.deadLettered(rule, 1);
    }
  }

  /** Decodes a label, hands it to its model's predictor and keeps it in the store. */
  private static final class LabelProcessor implements Processor<byte[], byte[], byte[], DeadLetter> {
    private static final AvroCodec<Label> LABELS = AvroCodec.of(Label.class);
    private final Scorers scorers;
    private final Clock clock;
    private final ScoringCounts counts;
    private ProcessorContext<byte[], DeadLetter> context;
    private KeyValueStore<String, List<Integer>> recent;

    LabelProcessor(Scorers scorers, Clock clock, ScoringCounts counts) {
      this.scorers = scorers;
      this.clock = clock;
      this.counts = counts;
    }

    @Override
    public void init(ProcessorContext<byte[], DeadLetter> context) {
      this.context = context;
      this.recent = context.getStateStore(RECENT_LABELS_STORE);
      for (String model : scorers.models()) {
        List<Integer> kept = recent.get(model);
        if (kept != null && !kept.isEmpty()) {
          HotSwapPredictor predictor = scorers.predictor(model).orElseThrow();
          kept.forEach(predictor::recordLabel);
          log.info("restored the {} newest labels of {} (task {})", kept.size(), model, context.taskId());
        }
      }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      if (tooLarge(record)) {
        deadLetterWithReason(record, DeadLetterRule.TOO_LARGE, tooLargeReason(context, Topics.LABELS, record));
        return;
      }
      Label label;
      try {
        label = LABELS.decode(record.value());
      } catch (AvroCodec.InvalidPayloadException e) {
        deadLetter(record, DeadLetterRule.UNDECODABLE, e.getMessage());
        return;
      }
      Optional<HotSwapPredictor> predictor = scorers.predictor(label.getModel());
      if (predictor.isEmpty()) {
        counts.labelForUnknownModel();
        return;
      }
      if (label.getLabel() < 0) {
        deadLetter(record, DeadLetterRule.INVALID_LABEL, "the label of event " + label.getEventId() + " for model "
            + label.getModel() + " must be a class index, at least 0; was " + label.getLabel());
        return;
      }
      predictor.get().recordLabel(label.getLabel());
      counts.labelRecorded();
      List<Integer> kept = recent.get(label.getModel());
      List<Integer> next = new ArrayList<>(kept == null ? List.of() : kept);
      next.add(label.getLabel());
      if (next.size() > RECENT_LABELS_KEPT) {
        next.subList(0, next.size() - RECENT_LABELS_KEPT).clear();
      }
      recent.put(label.getModel(), next);
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetterRule rule, String detail) {
      deadLetterWithReason(record, rule, rule.reason(detail));
    }

    private void deadLetterWithReason(Record<byte[], byte[]> record, DeadLetterRule rule, String reason) {
      DeadLetter letter = letter(context, Topics.LABELS, record, reason, clock);
      log.warn("dead-lettered the label at {}-{} offset {}: {}", letter.getSourceTopic(), letter.getPartition(),
          letter.getOffset(), reason);
      context.forward(record.withKey(keptKey(record)).withValue(letter), LABEL_DEAD_LETTERS_SINK);
      counts.deadLettered(rule, 1);
    }
  }
}
