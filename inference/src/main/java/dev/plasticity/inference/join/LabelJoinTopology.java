package dev.plasticity.inference.join;

import dev.plasticity.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The delayed-label join: reads {@link Topics#EVENTS_UNLABELLED}, {@link Topics#PREDICTIONS} and
 * {@link Topics#LABELS} (all keyed by event id, so an event's records meet in one partition) and
 * writes one {@code LabelledEvent} per labelled event to {@link Topics#EVENTS_LABELLED}, stamped
 * with the event's time, which the drift job windows on, and for each labelled event that was
 * scored one {@code LiveOutcome} to {@link Topics#LIVE_OUTCOMES} (keyed by model): every version
 * that scored it, served or not, right or wrong. The rules are {@code EventJoin}'s:
 *
 * <ul>
 *   <li>a label meets its event whether the event is known from its {@code UnlabelledEvent}, its
 *       {@code Prediction}s or both; the served prediction and its version are written when one is
 *       known, never a prediction with {@code served=false};
 *   <li>every version's prediction of an event is kept, up to {@code EventState.MAX_PREDICTIONS};
 *       a second one of the same version, one over the bound, and one after the event was labelled
 *       are dropped and counted;
 *   <li>a label that meets an event not scored yet waits for the event's prediction, up to the
 *       prediction wait, and is joined without one when none came (an event never scored, e.g.
 *       before its model's first version, is labelled all the same);
 *   <li>a label that arrives first is held for the event; if none arrives within window + grace
 *       of the label's time, the label is dead-lettered (it cannot become a labelled event without
 *       features, rule {@code orphan-label});
 *   <li>a repeated label is counted and not published again;
 *   <li>an event with no label within window + grace of its event time is counted and forgotten;
 *   <li>a record that does not decode, is not keyed by its event id or has a negative time goes
 *       to {@link Topics#EVENTS_DLQ} with the reason, which starts with the id of the {@link
 *       JoinDeadLetterRule} it broke, and is counted per rule; the join goes on.
 * </ul>
 *
 * <p>Time is stream time: the largest record timestamp read by a task. Waiting states are given
 * up by a stream-time punctuation every {@link #SWEEP_INTERVAL}, and a record for a state whose time
 * has passed sees it given up first. Stream time, not the wall clock, because the join must give
 * the same answer when it replays a backlog (after downtime, or a reset) as it gave live: with the
 * wall clock, a day of labels read in a minute would find their events already expired. The cost
 * is that a partition that receives nothing does not expire anything; nothing could join there
 * either, and the states are given up as soon as records flow again. Record timestamps must be the
 * times the contracts say (event time, label time): one stamped far in the future moves stream time
 * there and gives up everything waiting in its partition.
 *
 * <p>What is known per event lives in the persistent, changelogged store {@value #STATE_STORE},
 * and the expiry index in {@value #EXPIRY_STORE}, so the join survives restarts and moves between
 * instances; with {@code exactly_once_v2} (see {@link LabelJoinApp}) store updates and outputs
 * commit together. Both stores are cached: a state written and rewritten within one commit
 * interval (an event, its prediction and its label, read moments apart) reaches RocksDB and its
 * changelog once, at the commit, and a sweep's range over the expiry index reads the cache and
 * RocksDB merged.
 *
 * <p>Stateless; each call builds a new topology, whose processors share the counters given.
 */
public final class LabelJoinTopology {
  /** What is known per event (state key: model and event id). */
  public static final String STATE_STORE = "label-join-events";
  /** Every state's expiry, ordered by time, so that a sweep reads only what has expired. */
  public static final String EXPIRY_STORE = "label-join-expiries";
  /** How often, in stream time, waiting states are checked for expiry. */
  public static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

  static final String UNLABELLED_SOURCE = "unlabelled-events-source";
  static final String PREDICTIONS_SOURCE = "predictions-source";
  static final String LABELS_SOURCE = "labels-source";
  static final String JOIN_PROCESSOR = "label-join";
  static final String LABELLED_SINK = "labelled-events-sink";
  static final String DEAD_LETTER_SINK = "dead-letters-sink";
  static final String LIVE_OUTCOMES_SINK = "live-outcomes-sink";

  private LabelJoinTopology() {}

  /** The join with counters nobody reads; see {@link #build(JoinSettings, JoinCounters)}. */
  public static Topology build(JoinSettings settings) {
    return build(settings, new JoinCounters());
  }

  /** The join, counting what it does into {@code counters}. */
  public static Topology build(JoinSettings settings, JoinCounters counters) {
    return build(settings, counters, Clock.systemUTC());
  }

  /** @param clock stamps dead letters' {@code failedAt}; the join itself runs on stream time */
  static Topology build(JoinSettings settings, JoinCounters counters, Clock clock) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(counters, "counters");
    Objects.requireNonNull(clock, "clock");
    ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
    ByteArraySerializer bytesOut = new ByteArraySerializer();
    Topology topology = new Topology();
    topology.addSource(UNLABELLED_SOURCE, bytesIn, bytesIn, Topics.EVENTS_UNLABELLED);
    topology.addSource(PREDICTIONS_SOURCE, bytesIn, bytesIn, Topics.PREDICTIONS);
    topology.addSource(LABELS_SOURCE, bytesIn, bytesIn, Topics.LABELS);
    topology.addProcessor(JOIN_PROCESSOR, () -> new LabelJoinProcessor(settings, counters, clock),
        UNLABELLED_SOURCE, PREDICTIONS_SOURCE, LABELS_SOURCE);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE_STORE),
        Serdes.String(), new EventStateSerde()).withCachingEnabled().withLoggingEnabled(Map.of()), JOIN_PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EXPIRY_STORE),
        Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled().withLoggingEnabled(Map.of()), JOIN_PROCESSOR);
    topology.addSink(LABELLED_SINK, Topics.EVENTS_LABELLED, bytesOut, bytesOut, JOIN_PROCESSOR);
    topology.addSink(LIVE_OUTCOMES_SINK, Topics.LIVE_OUTCOMES, bytesOut, bytesOut, JOIN_PROCESSOR);
    topology.addSink(DEAD_LETTER_SINK, Topics.EVENTS_DLQ, bytesOut, bytesOut, JOIN_PROCESSOR);
    return topology;
  }
}
