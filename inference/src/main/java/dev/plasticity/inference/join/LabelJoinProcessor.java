package dev.plasticity.inference.join;

import dev.plasticity.inference.join.EventJoin.Step;
import dev.plasticity.inference.join.EventState.Awaiting;
import dev.plasticity.inference.join.EventState.HeldLabel;
import dev.plasticity.inference.join.EventState.LabelAwaitingPrediction;
import dev.plasticity.schemas.AvroCodec.InvalidPayloadException;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link EventJoin} over the three input topics: decodes each record, applies it to its
 * event's state in the {@value LabelJoinTopology#STATE_STORE} store, writes labelled events and
 * dead letters, and gives up states whose time has passed.
 *
 * <p>Expiry runs on stream time. Every state's expiry is also a key in the {@value
 * LabelJoinTopology#EXPIRY_STORE} store (expiry, then state key, ordered), so a sweep reads only
 * what has expired rather than every waiting event. A state given up is forgotten, except a label
 * whose prediction wait has passed: it is joined without the prediction then, and leaves the mark
 * of a labelled event. A record for an expired state that arrives before the next sweep sees it
 * expired all the same: the state is given up first, then the record is applied to what remains.
 *
 * <p>Every dead letter's reason starts with the id of the {@link JoinDeadLetterRule} it breaks.
 *
 * <p>One instance per stream task, used by that task's thread only.
 */
final class LabelJoinProcessor implements Processor<byte[], byte[], byte[], byte[]> {
  private static final Logger log = LoggerFactory.getLogger(LabelJoinProcessor.class);
  private static final byte[] PRESENT = new byte[0];

  private final EventJoin join;
  private final JoinCounters counters;
  private final Clock clock;
  private ProcessorContext<byte[], byte[]> context;
  private KeyValueStore<String, EventState> states;
  private KeyValueStore<Bytes, byte[]> expiries;

  LabelJoinProcessor(JoinSettings settings, JoinCounters counters, Clock clock) {
    this.join = new EventJoin(settings);
    this.counters = counters;
    this.clock = clock;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    this.states = context.getStateStore(LabelJoinTopology.STATE_STORE);
    this.expiries = context.getStateStore(LabelJoinTopology.EXPIRY_STORE);
    context.schedule(LabelJoinTopology.SWEEP_INTERVAL, PunctuationType.STREAM_TIME, this::sweep);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata metadata = context.recordMetadata()
        .orElseThrow(() -> new IllegalStateException("the label join reads only records from its input topics"));
    InputRecord input = new InputRecord(metadata.topic(), metadata.partition(), metadata.offset(), record.key(),
        record.value());
    long now = context.currentStreamTimeMs();
    try {
      switch (input.topic()) {
        case Topics.EVENTS_UNLABELLED: {
          UnlabelledEvent event = JoinCodecs.EVENTS.decode(input.value());
          check(input, event.getEventId(), "UnlabelledEvent", "eventTime", event.getEventTime());
          apply(EventJoin.stateKey(event.getModel(), event.getEventId()), current -> join.onEvent(current, event, now),
              now);
          break;
        }
        case Topics.PREDICTIONS: {
          Prediction prediction = JoinCodecs.PREDICTIONS.decode(input.value());
          check(input, prediction.getEventId(), "Prediction", "eventTime", prediction.getEventTime());
          if (!EventJoin.joins(prediction)) {
            break; // a shadow's or previous champion's prediction: the labelled event records the answer
          }
          apply(EventJoin.stateKey(prediction.getModel(), prediction.getEventId()),
              current -> join.onPrediction(current, prediction), now);
          break;
        }
        case Topics.LABELS: {
          Label label = JoinCodecs.LABELS.decode(input.value());
          check(input, label.getEventId(), "Label", "labelTime", label.getLabelTime());
          apply(EventJoin.stateKey(label.getModel(), label.getEventId()),
              current -> join.onLabel(current, label, input, now), now);
          break;
        }
        default:
          throw new IllegalStateException("the label join does not read topic " + input.topic());
      }
    } catch (InvalidPayloadException e) {
      deadLetter(input, JoinDeadLetterRule.UNDECODABLE, JoinDeadLetterRule.UNDECODABLE.reason(
          "the label join cannot decode a record on " + input.topic() + ": " + e.getMessage()), record.timestamp());
    } catch (RejectedInput e) {
      deadLetter(input, e.rule, e.getMessage(), record.timestamp());
    }
  }

  /** Input keys are event ids, so that an event, its prediction and its label meet in one partition. */
  private static void check(InputRecord input, String eventId, String type, String timeField, long time) {
    if (input.key() == null) {
      throw new RejectedInput(JoinDeadLetterRule.WRONG_KEY, "a " + type + " on " + input.topic()
          + " must be keyed by its event id '" + eventId + "'; its key was null");
    }
    if (!Arrays.equals(input.key(), eventId.getBytes(StandardCharsets.UTF_8))) {
      throw new RejectedInput(JoinDeadLetterRule.WRONG_KEY, "a " + type + " on " + input.topic()
          + " must be keyed by its event id '" + eventId + "'; its key was '"
          + new String(input.key(), StandardCharsets.UTF_8) + "'");
    }
    if (time < 0) {
      throw new RejectedInput(JoinDeadLetterRule.NEGATIVE_TIME, "a " + type + "'s " + timeField
          + " is epoch millis and cannot be negative; event '" + eventId + "' had " + time);
    }
  }

  private void apply(String key, Function<EventState, Step> rule, long now) {
    EventState current = expireAll(key, states.get(key), now);
    Step step = rule.apply(current);
    store(key, current, step.next());
    publish(step);
  }

  /** Replaces {@code current} (null: nothing stored) by {@code next} in the store and the expiry index. */
  private void store(String key, EventState current, EventState next) {
    if (next == current) {
      return;
    }
    states.put(key, next);
    if (current == null || current.expiresAt() != next.expiresAt()) {
      if (current != null) {
        expiries.delete(expiryKey(current.expiresAt(), key));
      }
      expiries.put(expiryKey(next.expiresAt(), key), PRESENT);
    }
  }

  /** Writes what a step joined, and counts what it did. */
  private void publish(Step step) {
    switch (step.outcome()) {
      case JOINED:
        LabelledEvent joined = step.joined();
        context.forward(new Record<>(joined.getEventId().getBytes(StandardCharsets.UTF_8),
            JoinCodecs.LABELLED.encode(joined), joined.getEventTime()), LabelJoinTopology.LABELLED_SINK);
        counters.countJoined(joined.getPredictionVersion() != null);
        if (joined.getPrediction() != null && joined.getPredictionVersion() != null) {
          counters.countLive(joined.getModel(), joined.getPredictionVersion(),
              joined.getPrediction() == joined.getLabel());
        }
        break;
      case HELD:
        counters.countLabelHeld();
        break;
      case AWAITING_PREDICTION:
        counters.countLabelAwaitingPrediction();
        break;
      case DUPLICATE:
        counters.countDuplicateLabel();
        break;
      case STORED:
      case IGNORED:
        break;
    }
  }

  /** Gives up every state whose expiry stream time has reached. */
  private void sweep(long now) {
    List<KeyValue<Long, String>> expired = new ArrayList<>();
    // keys before the bare prefix of now + 1 (null: no upper bound) are those expiring at or before now
    Bytes upper = now == Long.MAX_VALUE ? null : expiryKey(now + 1, "");
    try (KeyValueIterator<Bytes, byte[]> due = expiries.range(null, upper)) {
      while (due.hasNext()) {
        byte[] key = due.next().key.get();
        long expiresAt = expiresAt(key);
        if (expiresAt <= now) {
          expired.add(KeyValue.pair(expiresAt, new String(key, Long.BYTES, key.length - Long.BYTES, StandardCharsets.UTF_8)));
        }
      }
    }
    for (KeyValue<Long, String> entry : expired) {
      EventState state = states.get(entry.value);
      if (state != null && state.expiresAt() == entry.key) {
        expireAll(entry.value, state, now);
      } else {
        expiries.delete(expiryKey(entry.key, entry.value));
      }
    }
  }

  /**
   * Gives up {@code state} (null: nothing stored) as long as its time has passed, and returns what
   * remains: a label whose prediction wait passed leaves a labelled event's mark, which is given up
   * too when its own time has passed.
   */
  private EventState expireAll(String key, EventState state, long now) {
    EventState remaining = state;
    while (remaining != null && remaining.expiresAt() <= now) {
      remaining = expire(key, remaining, now);
    }
    return remaining;
  }

  /**
   * Gives up a state whose time has passed and returns what remains of it: the mark of a labelled
   * event when a label's prediction wait passed (the label is joined without a prediction), else
   * nothing.
   */
  private EventState expire(String key, EventState state, long now) {
    if (state instanceof LabelAwaitingPrediction waiting) {
      counters.countPredictionWaitExpired();
      log.debug("no prediction for event '{}' of model '{}' within the prediction wait; labelled without one",
          waiting.label().getEventId(), waiting.label().getModel());
      Step step = join.onPredictionWaitOver(waiting);
      store(key, state, step.next());
      publish(step);
      return step.next();
    }
    states.delete(key);
    expiries.delete(expiryKey(state.expiresAt(), key));
    if (state instanceof Awaiting) {
      counters.countExpiredUnlabelled();
    } else if (state instanceof HeldLabel held) {
      deadLetter(held.input(), JoinDeadLetterRule.ORPHAN_LABEL, join.orphanReason(held), now);
    }
    return null;
  }

  private void deadLetter(InputRecord input, JoinDeadLetterRule rule, String reason, long timestamp) {
    DeadLetter letter = input.deadLetter(reason, clock.millis());
    context.forward(new Record<>(input.key(), JoinCodecs.DEAD_LETTERS.encode(letter), Math.max(0, timestamp)),
        LabelJoinTopology.DEAD_LETTER_SINK);
    counters.countDeadLettered(rule);
  }

  /**
   * The expiry index key: the expiry with its sign bit flipped, big-endian, so that byte order is
   * time order, then the state key.
   */
  static Bytes expiryKey(long expiresAt, String stateKey) {
    byte[] state = stateKey.getBytes(StandardCharsets.UTF_8);
    byte[] key = new byte[Long.BYTES + state.length];
    long ordered = expiresAt ^ Long.MIN_VALUE;
    for (int i = 0; i < Long.BYTES; i++) {
      key[i] = (byte) (ordered >>> (8 * (Long.BYTES - 1 - i)));
    }
    System.arraycopy(state, 0, key, Long.BYTES, state.length);
    return Bytes.wrap(key);
  }

  static long expiresAt(byte[] expiryKey) {
    long ordered = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      ordered = (ordered << 8) | (expiryKey[i] & 0xFF);
    }
    return ordered ^ Long.MIN_VALUE;
  }

  /** A record that decoded but breaks a rule of the input topics. */
  private static final class RejectedInput extends RuntimeException {
    private final JoinDeadLetterRule rule;

    RejectedInput(JoinDeadLetterRule rule, String detail) {
      super(rule.reason(detail), null, false, false);
      this.rule = rule;
    }
  }
}
