package dev.plasticity.inference.scoring;

import dev.plasticity.inference.AliasPredictors;
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
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams topology of the scoring app, built by one static method that the app and the
 * tests ({@code TopologyTestDriver}) share. Two independent sub-topologies:
 *
 * <pre>
 * events.unlabelled ─► [unlabelled-events] ─► [score] (store: pending-events) ─┬─► [predictions]  ─► predictions (key: event id)
 *                                                                               └─► [dead-letters] ─► events.dlq  (key: the record's key)
 * labels ─► [labels] ─► [record-label] (store: recent-labels) ─► [label-dead-letters] ─► events.dlq
 * </pre>
 *
 * <p><b>Scoring.</b> A record larger than {@value #MAX_RECORD_BYTES} bytes is dead-lettered unread
 * ({@link DeadLetterRule#TOO_LARGE}). Each other record is read as bytes and decoded with {@link AvroCodec} (bounded: a
 * record costs at most its own size) and checked (a model served here, finite features). The events
 * that pass wait in the {@value #PENDING_EVENTS_STORE} store and are scored in batches, since a
 * forward pass costs about the same for one event as for hundreds: when {@code maxBatch} events wait
 * (inside the processing of the last one), and every {@code maxDelay} of wall-clock time for those
 * left. A batch is scored with one {@link HotSwapPredictor#predictBatch} call per model, so one
 * version scores the whole batch of a model; a swap between two batches stamps each with its own
 * version. Each {@link Prediction} carries that version, its alias and whether it is the answer
 * ({@code served}), the event's time, the scoring time from the clock, and the event's features;
 * predictions and dead letters are forwarded in arrival order and the events removed from the store.
 *
 * <p><b>Aliases.</b> {@link EventScorer} says which version answers (the champion, or the challenger
 * for the canary share of events) and which score beside it (the shadow; the champion a swap just
 * replaced, during its verification watch). An event's answer ({@code served = true}) is written
 * first, then its other predictions ({@code served = false}), all keyed by the event id; {@link
 * ScoringCounts} counts each per model, alias and version.
 *
 * <p><b>Exactly once.</b> With {@code exactly_once_v2} an event's input offset may be committed
 * before its batch is scored; the pending store is backed by a changelog topic written in the same
 * transaction, so a committed offset always comes with the event either pending in the store or
 * scored, never neither. The store is cached: an event put and removed between two commits (the
 * usual case, since a batch waits at most {@code maxDelay} and a commit comes every {@code
 * commit.interval.ms}) never reaches the changelog; only what still waits at a commit is written.
 * The processor also keeps the decoded events it put in memory, so a batch is not read back from
 * the store nor decoded twice. After a crash or a hand-over the task's next owner restores the
 * pending events and scores them at its first punctuation, at most {@code maxDelay} after it starts.
 *
 * <p>A record that breaks a {@link DeadLetterRule} is written to {@link Topics#EVENTS_DLQ} as a {@link
 * DeadLetter} (built by {@link DeadLetters#of}) with its original bytes, where it was read, and a
 * reason starting with the rule's id, and counted; the app goes on. A batch that fails as a whole (a
 * feature the served version needs is missing from one event, no version served yet) is scored event
 * by event, so only the events at fault are dead-lettered, each with its rule. Record headers are not
 * kept on the predictions of batched events.
 *
 * <p><b>Labels.</b> Each {@link Label} is handed to its model's predictors ({@link
 * AliasPredictors#recordLabel}), where versions whose networks take label lags read it. A label
 * for a model not served here is counted and skipped. The newest {@value #RECENT_LABELS_KEPT}
 * labels of each model are also kept in the {@value #RECENT_LABELS_STORE} key-value store (backed
 * by a changelog topic, and cached, so a model's history reaches the changelog once per commit
 * rather than once per label) and handed to the predictor again, oldest first, when a task starts, so a
 * restarted app reads the same lags as before. Limits: labels are recorded in the order their task
 * reads them, so with several partitions that order is per partition, not stream-wide, and an
 * instance hears only the labels of its own partitions; the predictor's history sits outside Kafka's
 * transactions, so a task that is retried after an aborted transaction, or handed back to an
 * instance, records its labels there again (the store itself stays exact).
 *
 * <p>Stateful only through these two stores; the returned topology is new on each call.
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
  /**
   * Key-value store of the events read and checked but not yet scored, by arrival number (in
   * memory, backed by a changelog topic, so pending events survive a crash or a hand-over).
   */
  public static final String PENDING_EVENTS_STORE = "pending-events";
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
   * The scoring topology scoring each event as soon as it is read (batches of one); see {@link
   * #build(Scorers, Clock, ScoringCounts, int, Duration)}.
   */
  public static Topology build(Scorers scorers, Clock clock, ScoringCounts counts) {
    return build(scorers, clock, counts, 1, ScoringConfig.DEFAULT_MAX_DELAY);
  }

  /**
   * The scoring topology.
   *
   * @param scorers the predictor of each model served
   * @param clock stamps each prediction's scoring time and each dead letter's failure time
   * @param counts counts what becomes of each record
   * @param maxBatch the most events scored in one batch: a task's pending events are scored as soon
   *     as this many wait (1: each event as it is read)
   * @param maxDelay how often (wall-clock time) a task scores the events still pending
   * @throws IllegalArgumentException when {@code maxBatch} is below 1 or {@code maxDelay} not positive
   */
  public static Topology build(Scorers scorers, Clock clock, ScoringCounts counts, int maxBatch, Duration maxDelay) {
    Objects.requireNonNull(scorers, "scorers");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(counts, "counts");
    ScoringConfig.checkBatching(maxBatch, maxDelay);
    EventScorer scorer = new EventScorer(scorers, clock, counts);
    Topology topology = new Topology();
    topology.addSource(EVENTS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.EVENTS_UNLABELLED);
    topology.addProcessor(SCORE, () -> new ScoreProcessor(scorer, clock, counts, maxBatch, maxDelay), EVENTS_SOURCE);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PENDING_EVENTS_STORE),
        Serdes.Long(), PendingEvent.serde()).withCachingEnabled(), SCORE);
    topology.addSink(PREDICTIONS_SINK, Topics.PREDICTIONS, new StringSerializer(), AvroSerde.of(Prediction.class), SCORE);
    topology.addSink(DEAD_LETTERS_SINK, Topics.EVENTS_DLQ, new ByteArraySerializer(), AvroSerde.of(DeadLetter.class), SCORE);

    topology.addSource(LABELS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.LABELS);
    topology.addProcessor(RECORD_LABEL, () -> new LabelProcessor(scorers, clock, counts), LABELS_SOURCE);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RECENT_LABELS_STORE),
        Serdes.String(), new LabelHistorySerde()).withCachingEnabled(), RECORD_LABEL);
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

  /**
   * Decodes and checks each event, keeps it in the pending store, and scores the pending events in
   * batches: when {@code maxBatch} wait, and every {@code maxDelay} of wall-clock time. A batch
   * forwards a prediction or a dead letter per event, in arrival order, and removes them from the
   * store in the same transaction.
   */
  private static final class ScoreProcessor implements Processor<byte[], byte[], Object, Object> {
    private static final AvroCodec<UnlabelledEvent> EVENTS = AvroCodec.of(UnlabelledEvent.class);
    private final EventScorer scorer;
    private final Clock clock;
    private final ScoringCounts counts;
    private final int maxBatch;
    private final Duration maxDelay;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Long, PendingEvent> pending;
    /** What the store holds, in arrival order, decoded (null: bytes that did not decode). */
    private final List<Waiting> waiting = new ArrayList<>();
    private long nextNumber;

    ScoreProcessor(EventScorer scorer, Clock clock, ScoringCounts counts, int maxBatch, Duration maxDelay) {
      this.scorer = scorer;
      this.clock = clock;
      this.counts = counts;
      this.maxBatch = maxBatch;
      this.maxDelay = maxDelay;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
      this.context = context;
      this.pending = context.getStateStore(PENDING_EVENTS_STORE);
      nextNumber = 0;
      waiting.clear();
      try (KeyValueIterator<Long, PendingEvent> all = pending.all()) {
        while (all.hasNext()) {
          KeyValue<Long, PendingEvent> next = all.next();
          nextNumber = next.key + 1; // keys iterate in increasing order
          waiting.add(new Waiting(next.key, next.value, decodedOrNull(next.value.value())));
        }
      }
      counts.pending(waiting.size());
      if (!waiting.isEmpty()) { // scored by the first punctuation, at most maxDelay from now
        log.info("{} events left pending by the task's previous run are scored next (task {})", waiting.size(),
            context.taskId());
      }
      context.schedule(maxDelay, PunctuationType.WALL_CLOCK_TIME, now -> scorePending());
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
      Optional<EventScorer.Refused> refused = scorer.check(event);
      if (refused.isPresent()) {
        deadLetter(record, refused.get().rule(), refused.get().reason());
        return;
      }
      Optional<RecordMetadata> from = context.recordMetadata();
      PendingEvent kept = new PendingEvent(record.key(), record.value(), record.timestamp(),
          from.map(RecordMetadata::topic).orElse(Topics.EVENTS_UNLABELLED), from.map(RecordMetadata::partition).orElse(-1),
          from.map(RecordMetadata::offset).orElse(-1L));
      pending.put(nextNumber, kept);
      waiting.add(new Waiting(nextNumber++, kept, event));
      counts.pending(1);
      if (waiting.size() >= maxBatch) {
        scorePending();
      }
    }

    /** Scores every pending event (one batch per model), forwards the outcomes in arrival order. */
    private void scorePending() {
      if (waiting.isEmpty()) {
        return;
      }
      List<Waiting> batch = List.copyOf(waiting);
      waiting.clear();
      EventScorer.Outcome[] outcomes = new EventScorer.Outcome[batch.size()];
      Map<String, List<Integer>> byModel = new LinkedHashMap<>();
      List<UnlabelledEvent> events = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        UnlabelledEvent event = batch.get(i).event();
        if (event == null) { // checked when read; only bytes restored from a store written otherwise get here
          outcomes[i] = new EventScorer.Refused(DeadLetterRule.UNDECODABLE,
              DeadLetterRule.UNDECODABLE.reason("the pending event's bytes do not decode as an UnlabelledEvent"));
        } else {
          byModel.computeIfAbsent(event.getModel(), m -> new ArrayList<>()).add(i);
        }
        events.add(event);
      }
      for (Map.Entry<String, List<Integer>> model : byModel.entrySet()) {
        List<Integer> at = model.getValue();
        List<EventScorer.Outcome> scored;
        try {
          scored = scorer.scoreBatch(at.stream().map(events::get).toList());
        } catch (RuntimeException e) { // unforeseen: the batch is dead-lettered, the app goes on
          log.error("scoring a batch of {} events of model {} failed", at.size(), model.getKey(), e);
          scored = at.stream().map(i -> (EventScorer.Outcome) new EventScorer.Refused(DeadLetterRule.PREDICTION_FAILED,
              DeadLetterRule.PREDICTION_FAILED.reason("event " + events.get(i).getEventId() + ": " + e))).toList();
        }
        for (int j = 0; j < at.size(); j++) {
          outcomes[at.get(j)] = scored.get(j);
        }
      }
      int predicted = 0;
      for (int i = 0; i < batch.size(); i++) {
        PendingEvent event = batch.get(i).pending();
        if (outcomes[i] instanceof EventScorer.Scored scored) {
          Prediction prediction = scored.prediction();
          context.forward(new Record<>((Object) prediction.getEventId(), (Object) prediction, event.timestamp()),
              PREDICTIONS_SINK);
          for (Prediction beside : scored.alongside()) { // after the answer: a reader meets the answer first
            context.forward(new Record<>((Object) beside.getEventId(), (Object) beside, event.timestamp()),
                PREDICTIONS_SINK);
          }
          predicted++;
        } else if (outcomes[i] instanceof EventScorer.Refused refused) {
          deadLetter(event, refused.rule(), refused.reason());
        }
        pending.put(batch.get(i).number(), null); // a delete that does not read the old value back
      }
      counts.scored(predicted);
      counts.batchScored(batch.size());
      counts.pending(-batch.size());
    }

    @Override
    public void close() {
      counts.pending(-waiting.size()); // still in the store (and its changelog): the task's next owner scores them
      waiting.clear();
    }

    private static UnlabelledEvent decodedOrNull(byte[] value) {
      try {
        return EVENTS.decode(value);
      } catch (AvroCodec.InvalidPayloadException e) {
        return null;
      }
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetterRule rule, String reason) {
      DeadLetter letter = letter(context, Topics.EVENTS_UNLABELLED, record, reason, clock);
      log.warn("dead-lettered the record at {}-{} offset {}: {}", letter.getSourceTopic(), letter.getPartition(),
          letter.getOffset(), reason);
      context.forward(record.withValue((Object) letter).withKey((Object) keptKey(record)), DEAD_LETTERS_SINK);
      counts.deadLettered(rule, 1);
    }

    private void deadLetter(PendingEvent event, DeadLetterRule rule, String reason) {
      DeadLetter letter = DeadLetters.of(event.topic(), event.partition(), event.offset(), event.key(), event.value(),
          reason, clock.millis());
      log.warn("dead-lettered the record at {}-{} offset {}: {}", event.topic(), event.partition(), event.offset(),
          reason);
      context.forward(new Record<>((Object) event.key(), (Object) letter, event.timestamp()), DEAD_LETTERS_SINK);
      counts.deadLettered(rule, 1);
    }
  }

  /** An event kept in the pending store under {@code number}, and its decoded form (null: undecodable). */
  private record Waiting(long number, PendingEvent pending, UnlabelledEvent event) {}

  /** Decodes a label, hands it to its model's predictor and keeps it in the store. */
  private static final class LabelProcessor implements Processor<byte[], byte[], byte[], DeadLetter> {
    private static final AvroCodec<Label> LABELS = AvroCodec.of(Label.class);
    private final Scorers scorers;
    private final Clock clock;
    private final ScoringCounts counts;
    private ProcessorContext<byte[], DeadLetter> context;
    private KeyValueStore<String, List<Integer>> recent;
    /** What the store holds per model, kept here so that a label costs no read of the store. */
    private final Map<String, ArrayDeque<Integer>> history = new HashMap<>();

    LabelProcessor(Scorers scorers, Clock clock, ScoringCounts counts) {
      this.scorers = scorers;
      this.clock = clock;
      this.counts = counts;
    }

    @Override
    public void init(ProcessorContext<byte[], DeadLetter> context) {
      this.context = context;
      this.recent = context.getStateStore(RECENT_LABELS_STORE);
      history.clear();
      for (String model : scorers.models()) {
        List<Integer> kept = recent.get(model);
        history.put(model, new ArrayDeque<>(kept == null ? List.of() : kept));
        if (kept != null && !kept.isEmpty()) {
          AliasPredictors predictors = scorers.aliases(model).orElseThrow();
          kept.forEach(predictors::recordLabel);
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
      Optional<AliasPredictors> predictor = scorers.aliases(label.getModel());
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
      ArrayDeque<Integer> kept = history.computeIfAbsent(label.getModel(), m -> new ArrayDeque<>());
      kept.addLast(label.getLabel());
      if (kept.size() > RECENT_LABELS_KEPT) {
        kept.removeFirst();
      }
      recent.put(label.getModel(), new ArrayList<>(kept)); // cached: reaches the changelog once per commit
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
