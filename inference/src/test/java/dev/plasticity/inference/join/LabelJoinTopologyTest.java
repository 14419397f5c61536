package dev.plasticity.inference.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.LiveOutcome;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import dev.plasticity.schemas.VersionOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The join's rules through its real topology and stores, driven record by record in stream time. */
class LabelJoinTopologyTest {
  private static final String MODEL = "churn";
  private static final long T0 = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();
  private static final Duration WINDOW = Duration.ofHours(24);
  private static final Duration GRACE = Duration.ofMinutes(5);
  private static final long WAIT = WINDOW.plus(GRACE).toMillis();
  private static final Duration PREDICTION_WAIT = Duration.ofSeconds(30);
  /**
   * Both stores cache; the driver commits (and flushes the caches) after every record, so the
   * cache holds what that record and its sweep wrote, while older states lie in RocksDB: a sweep
   * ranges over both merged.
   */
  private static final long CACHE_BYTES = 1 << 20;
  private static final Instant NOW = Instant.parse("2026-03-05T00:00:00Z");

  @TempDir Path stateDir;

  private final JoinCounters counters = new JoinCounters();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> events;
  private TestInputTopic<String, byte[]> predictions;
  private TestInputTopic<String, byte[]> labels;
  private TestOutputTopic<byte[], byte[]> labelled;
  private TestOutputTopic<byte[], byte[]> deadLetters;
  private TestOutputTopic<byte[], byte[]> liveOutcomes;

  @BeforeEach
  void startDriver() {
    startDriver(CACHE_BYTES);
  }

  private void startDriver(long cacheBytes) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "label-join-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, cacheBytes);
    driver = new TopologyTestDriver(LabelJoinTopology.build(new JoinSettings(WINDOW, GRACE, PREDICTION_WAIT), counters,
        Clock.fixed(NOW, ZoneOffset.UTC)), props);
    StringSerializer keys = new StringSerializer();
    ByteArraySerializer values = new ByteArraySerializer();
    events = driver.createInputTopic(Topics.EVENTS_UNLABELLED, keys, values);
    predictions = driver.createInputTopic(Topics.PREDICTIONS, keys, values);
    labels = driver.createInputTopic(Topics.LABELS, keys, values);
    labelled = driver.createOutputTopic(Topics.EVENTS_LABELLED, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    deadLetters = driver.createOutputTopic(Topics.EVENTS_DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    liveOutcomes = driver.createOutputTopic(Topics.LIVE_OUTCOMES, new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void joinsAnEventItsPredictionAndItsLabelIntoOneLabelledEventWithThePredictionAndItsVersion() {
    sendEvent("e-1", T0, 1.5);
    sendPrediction("e-1", T0, 3, "champion", 1);
    sendLabel("e-1", T0 + Duration.ofHours(20).toMillis(), 0);

    TestRecord<byte[], byte[]> out = labelled.readRecord();
    LabelledEvent event = decode(out.value());
    assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("e-1");
    assertThat(out.timestamp()).as("stamped with the event time the drift job windows on").isEqualTo(T0);
    assertThat(event.getEventId()).isEqualTo("e-1");
    assertThat(event.getModel()).isEqualTo(MODEL);
    assertThat(event.getEventTime()).isEqualTo(T0);
    assertThat(event.getFeatures()).isEqualTo(Map.of("x", 1.5));
    assertThat(event.getCategorical()).isEqualTo(Map.of("plan", "basic"));
    assertThat(event.getLabel()).isZero();
    assertThat(event.getPrediction()).isEqualTo(1);
    assertThat(event.getPredictionVersion()).isEqualTo(3);
    assertThat(labelled.isEmpty()).isTrue();
    assertThat(counters.joined()).isEqualTo(1);
    assertThat(counters.joinedWithPrediction()).isEqualTo(1);
    assertThat(counters.labelsAwaitingPrediction()).as("the prediction was there first").isZero();
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void aLabelThatMeetsItsEventBeforeThePredictionIsJoinedWithThePredictionWhenItComes() {
    sendEvent("e-1", T0, 2.0);
    sendLabel("e-1", T0 + 200, 1);
    assertThat(labelled.isEmpty()).as("the label waits for the scoring app's answer").isTrue();
    assertThat(counters.labelsAwaitingPrediction()).isEqualTo(1);

    sendPrediction("e-1", T0, 3, "champion", 0);

    TestRecord<byte[], byte[]> out = labelled.readRecord();
    LabelledEvent event = decode(out.value());
    assertThat(out.timestamp()).isEqualTo(T0);
    assertThat(event.getFeatures()).as("the event's own features").isEqualTo(Map.of("x", 2.0));
    assertThat(event.getLabel()).isEqualTo(1);
    assertThat(event.getPrediction()).isZero();
    assertThat(event.getPredictionVersion()).isEqualTo(3);
    assertThat(counters.joinedWithPrediction()).isEqualTo(1);
    assertThat(counters.joinedWithoutPrediction()).isZero();
    assertThat(counters.predictionWaitsExpired()).isZero();

    sendEvent("other", T0 + 200 + PREDICTION_WAIT.toMillis(), 0.0);
    assertThat(labelled.isEmpty()).as("nothing is left to join when the wait would have passed").isTrue();
  }

  @Test
  void labelsAnEventThatWasNeverScoredWithoutAPredictionOnceThePredictionWaitHasPassed() {
    sendEvent("e-1", T0, 2.0);
    sendLabel("e-1", T0 + 1_000, 1);
    sendEvent("other", T0 + 1_000 + PREDICTION_WAIT.toMillis() - 1, 0.0);
    assertThat(labelled.isEmpty()).as("the label still waits one millisecond").isTrue();

    sendEvent("other", T0 + 1_000 + PREDICTION_WAIT.toMillis(), 0.0);

    TestRecord<byte[], byte[]> out = labelled.readRecord();
    LabelledEvent event = decode(out.value());
    assertThat(out.timestamp()).as("stamped with the event time, not the time the wait ended").isEqualTo(T0);
    assertThat(event.getFeatures()).isEqualTo(Map.of("x", 2.0));
    assertThat(event.getLabel()).isEqualTo(1);
    assertThat(event.getPrediction()).isNull();
    assertThat(event.getPredictionVersion()).isNull();
    assertThat(counters.predictionWaitsExpired()).isEqualTo(1);
    assertThat(counters.joinedWithoutPrediction()).isEqualTo(1);
    assertThat(counters.joinedWithPrediction()).isZero();
    assertThat(deadLetters.isEmpty()).as("an event never scored is labelled, not an error").isTrue();

    sendPrediction("e-1", T0, 3, "champion", 0);
    sendLabel("e-1", T0 + 2_000 + PREDICTION_WAIT.toMillis(), 1);
    assertThat(labelled.isEmpty()).as("its labelled event is written; a late prediction or label changes nothing")
        .isTrue();
    assertThat(counters.duplicateLabels()).isEqualTo(1);
  }

  @Test
  void aRecordForTheEventOnceItsPredictionWaitHasPassedFindsTheLabelJoinedWithoutThePrediction() {
    sendEvent("e-1", T0, 2.0);
    sendLabel("e-1", T0 + 1_000, 1);

    sendLabel("e-1", T0 + 1_000 + PREDICTION_WAIT.toMillis(), 0); // reaches the wait's end before any sweep

    LabelledEvent event = decode(labelled.readValue());
    assertThat(event.getLabel()).as("the first label stands").isEqualTo(1);
    assertThat(event.getPredictionVersion()).isNull();
    assertThat(labelled.isEmpty()).isTrue();
    assertThat(counters.predictionWaitsExpired()).isEqualTo(1);
    assertThat(counters.duplicateLabels()).isEqualTo(1);
  }

  @Test
  void aRepeatedLabelWhileTheFirstWaitsForThePredictionIsADuplicate() {
    sendEvent("e-1", T0, 2.0);
    sendLabel("e-1", T0 + 1_000, 1);
    sendLabel("e-1", T0 + 2_000, 0);

    assertThat(counters.duplicateLabels()).isEqualTo(1);
    assertThat(counters.labelsAwaitingPrediction()).isEqualTo(1);
    assertThat(labelled.isEmpty()).isTrue();

    sendPrediction("e-1", T0, 3, "champion", 1);

    List<byte[]> written = labelled.readValuesToList();
    assertThat(written).hasSize(1);
    assertThat(decode(written.get(0)).getLabel()).as("the first label stands").isEqualTo(1);
    assertThat(decode(written.get(0)).getPredictionVersion()).isEqualTo(3);
  }

  @Test
  void aLabelWaitingForItsPredictionOutlivesARestartOfTheJoin(@TempDir Path saved) throws IOException {
    sendEvent("e-1", T0, 2.0);
    sendLabel("e-1", T0 + 1_000, 1);
    // the driver has committed, so the stores' files hold the state; it deletes them when it closes
    copyTree(stateDir, saved);
    driver.close();
    copyTree(saved, stateDir);

    startDriver(CACHE_BYTES);
    assertThat(storedState("e-1")).as("read back from the store after the restart")
        .isEqualTo(new EventState.LabelAwaitingPrediction(JoinCodecs.EVENTS.decode(encodedEvent("e-1", T0, 2.0)),
            JoinCodecs.LABELS.decode(encodedLabel("e-1", T0 + 1_000, 1)), T0 + 1_000 + PREDICTION_WAIT.toMillis()));
    sendPrediction("e-1", T0, 3, "champion", 1);

    LabelledEvent event = decode(labelled.readValue());
    assertThat(event.getLabel()).isEqualTo(1);
    assertThat(event.getFeatures()).isEqualTo(Map.of("x", 2.0));
    assertThat(event.getPredictionVersion()).isEqualTo(3);
  }

  @Test
  void writesOneLiveOutcomePerScoredEventKeyedByModelWithTheServedPredictionFirst() {
    sendEvent("e-1", T0, 1.0);
    sendPrediction("e-1", T0, 1, "previous", 1);
    sendPrediction("e-1", T0, 2, "champion", 0);
    sendPrediction("e-1", T0, 3, "shadow", 1);
    sendLabel("e-1", T0 + 1_000, 1);

    LabelledEvent event = decode(labelled.readValue());
    assertThat(event.getPredictionVersion()).as("the served prediction").isEqualTo(2);
    TestRecord<byte[], byte[]> out = liveOutcomes.readRecord();
    assertThat(new String(out.key(), StandardCharsets.UTF_8)).as("keyed by model").isEqualTo(MODEL);
    assertThat(out.timestamp()).isEqualTo(T0);
    LiveOutcome live = JoinCodecs.LIVE_OUTCOMES.decode(out.value());
    assertThat(live.getEventId()).isEqualTo("e-1");
    assertThat(live.getLabel()).isEqualTo(1);
    assertThat(live.getJoinedAt()).as("the stream time of the join").isEqualTo(T0 + 1_000);
    assertThat(live.getOutcomes()).extracting(VersionOutcome::getVersion, VersionOutcome::getAlias,
            VersionOutcome::getServed, VersionOutcome::getCorrect)
        .containsExactly(tuple(2, "champion", true, false), tuple(1, "previous", false, true),
            tuple(3, "shadow", false, true));
    assertThat(liveOutcomes.isEmpty()).isTrue();
    assertThat(counters.liveOutcomes()).isEqualTo(1);
    assertThat(counters.livePredictions(new JoinCounters.LiveVersion(MODEL, 2, "champion"), false)).isEqualTo(1);
    assertThat(counters.livePredictions(new JoinCounters.LiveVersion(MODEL, 1, "previous"), true)).isEqualTo(1);
    assertThat(counters.livePredictions(new JoinCounters.LiveVersion(MODEL, 3, "shadow"), true)).isEqualTo(1);
  }

  @Test
  void anEventScoredOnlyWithoutAnsweringIsLabelledWithoutAPredictionAndItsOutcomeStillWritten() {
    sendEvent("e-1", T0, 1.0);
    sendPrediction("e-1", T0, 1, "previous", 1);
    sendLabel("e-1", T0 + 1_000, 1);
    assertThat(labelled.isEmpty()).as("the label waits for the served prediction").isTrue();

    sendEvent("e-2", T0 + 1_000 + PREDICTION_WAIT.toMillis(), 1.0); // moves stream time past the wait

    LabelledEvent event = decode(labelled.readValue());
    assertThat(event.getPrediction()).isNull();
    assertThat(event.getPredictionVersion()).isNull();
    assertThat(JoinCodecs.LIVE_OUTCOMES.decode(liveOutcomes.readValue()).getOutcomes())
        .extracting(VersionOutcome::getVersion, VersionOutcome::getServed).containsExactly(tuple(1, false));
  }

  @Test
  void countsAPredictionAfterItsEventWasLabelledAsLateAndOneOfAVersionAgainAsDropped() {
    sendEvent("e-1", T0, 1.0);
    sendPrediction("e-1", T0, 2, "champion", 0);
    sendPrediction("e-1", T0, 2, "champion", 1);
    sendLabel("e-1", T0 + 1_000, 1);
    sendPrediction("e-1", T0, 1, "previous", 1);

    assertThat(decode(labelled.readValue()).getPrediction()).as("the first prediction of version 2").isZero();
    assertThat(liveOutcomes.readValuesToList()).hasSize(1);
    assertThat(counters.droppedPredictions()).isEqualTo(1);
    assertThat(counters.latePredictions()).isEqualTo(1);
  }

  @Test
  void anEventNeverScoredWritesNoLiveOutcome() {
    sendEvent("e-1", T0, 1.0);
    sendLabel("e-1", T0 + 1_000, 1);
    sendEvent("e-2", T0 + 1_000 + PREDICTION_WAIT.toMillis(), 1.0);

    assertThat(labelled.readValuesToList()).hasSize(1);
    assertThat(liveOutcomes.isEmpty()).isTrue();
  }

  @Test
  void labelsAnEventKnownOnlyFromItsPredictionWithThePredictionsFeatures() {
    sendPrediction("e-1", T0, 7, "champion", 2);
    sendLabel("e-1", T0 + 60_000, 2);

    LabelledEvent event = decode(labelled.readValue());
    assertThat(event.getFeatures()).isEqualTo(Map.of("x", 0.25));
    assertThat(event.getPrediction()).isEqualTo(2);
    assertThat(event.getPredictionVersion()).isEqualTo(7);
  }

  @Test
  void recordsTheChampionsPredictionRatherThanAShadowsWhicheverArrivesFirst() {
    sendEvent("e-1", T0, 1.0);
    sendPrediction("e-1", T0, 4, "shadow", 0);
    sendPrediction("e-1", T0, 3, "champion", 1);
    sendPrediction("e-1", T0, 5, "shadow", 0);
    sendLabel("e-1", T0 + 1_000, 1);

    LabelledEvent event = decode(labelled.readValue());
    assertThat(event.getPredictionVersion()).isEqualTo(3);
    assertThat(event.getPrediction()).isEqualTo(1);
  }

  @Test
  void aPredictionThatWasNotTheAnswerNeverStandsForTheServedOneInTheLabelledEvent() {
    sendUnserved("e-1", T0, 8, "shadow", 0);
    sendLabel("e-1", T0 + 1_000, 1);
    assertThat(labelled.isEmpty()).as("a shadow's prediction is no answer: the label waits for the served one").isTrue();
    assertThat(counters.labelsAwaitingPrediction()).isEqualTo(1);

    sendEvent("e-1", T0, 1.0);
    sendUnserved("e-1", T0, 2, "previous", 0);
    assertThat(labelled.isEmpty()).as("the label waits for the answer, not the previous champion's").isTrue();
    sendPrediction("e-1", T0, 3, "champion", 1);

    LabelledEvent event = decode(labelled.readValue());
    assertThat(event.getPredictionVersion()).isEqualTo(3);
    assertThat(event.getPrediction()).isEqualTo(1);
    assertThat(labelled.isEmpty()).isTrue();
  }

  @Test
  void aCanaryChallengersAnswerIsTheOneRecorded() {
    sendEvent("e-1", T0, 1.0);
    sendPrediction("e-1", T0, 9, "challenger", 0);
    sendUnserved("e-1", T0, 8, "shadow", 1);
    sendLabel("e-1", T0 + 1_000, 0);

    LabelledEvent event = decode(labelled.readValue());
    assertThat(event.getPredictionVersion()).isEqualTo(9);
  }

  @Test
  void holdsALabelThatArrivesBeforeItsEventAndJoinsItWithTheEventsPrediction() {
    sendLabel("e-1", T0, 1);
    assertThat(labelled.isEmpty()).isTrue();
    assertThat(counters.labelsHeld()).isEqualTo(1);

    sendEvent("e-1", T0 - 5_000, 3.0);
    assertThat(labelled.isEmpty()).as("having met its event, the label waits for the prediction").isTrue();
    assertThat(counters.labelsAwaitingPrediction()).isEqualTo(1);
    sendPrediction("e-1", T0 - 5_000, 3, "champion", 1);

    TestRecord<byte[], byte[]> out = labelled.readRecord();
    LabelledEvent event = decode(out.value());
    assertThat(event.getLabel()).isEqualTo(1);
    assertThat(event.getFeatures()).isEqualTo(Map.of("x", 3.0));
    assertThat(event.getPredictionVersion()).isEqualTo(3);
    assertThat(out.timestamp()).isEqualTo(T0 - 5_000);
    assertThat(counters.joinedWithPrediction()).isEqualTo(1);
    assertThat(counters.deadLettered(JoinDeadLetterRule.ORPHAN_LABEL)).isZero();

    sendPrediction("e-1", T0 - 5_000, 4, "champion", 1);
    sendEvent("e-1", T0 - 5_000, 3.0);
    assertThat(labelled.isEmpty()).as("an event already labelled is not written again").isTrue();
  }

  @Test
  void deadLettersAndCountsALabelWhoseEventDoesNotArriveWithinWindowAndGrace() {
    sendLabel("e-1", T0, 1);
    sendEvent("other", T0 + WAIT - 1, 0.0);
    assertThat(deadLetters.isEmpty()).as("the label still waits one millisecond before window + grace").isTrue();

    sendEvent("other", T0 + WAIT, 0.0);

    TestRecord<byte[], byte[]> dlq = deadLetters.readRecord();
    DeadLetter letter = AvroCodec.of(DeadLetter.class).decode(dlq.value());
    assertThat(letter.getSourceTopic()).isEqualTo(Topics.LABELS);
    assertThat(letter.getError()).startsWith("orphan-label: ").contains("e-1", "PT24H", "PT5M");
    assertThat(letter.getValue().array()).isEqualTo(encodedLabel("e-1", T0, 1));
    assertThat(new String(dlq.key(), StandardCharsets.UTF_8)).isEqualTo("e-1");
    assertThat(letter.getFailedAt()).isEqualTo(NOW.toEpochMilli());
    assertThat(counters.deadLettered(JoinDeadLetterRule.ORPHAN_LABEL)).isEqualTo(1);
    assertThat(counters.deadLettered()).isEqualTo(1);

    sendEvent("e-1", T0 + WAIT + 1, 1.0);
    assertThat(labelled.isEmpty()).as("the orphan label is gone; its event waits for a new one").isTrue();
  }

  @Test
  void aLabelAfterItsEventsWindowAndGraceDoesNotJoinAndIsDeadLetteredWhenItsOwnWaitEnds() {
    sendEvent("e-1", T0, 1.0);
    sendLabel("e-1", T0 + WAIT, 1);

    assertThat(labelled.isEmpty()).isTrue();
    assertThat(counters.expiredUnlabelled()).isEqualTo(1);
    assertThat(counters.labelsHeld()).isEqualTo(1);

    sendEvent("other", T0 + 2 * WAIT, 0.0);
    assertThat(AvroCodec.of(DeadLetter.class).decode(deadLetters.readValue()).getError()).startsWith("orphan-label: ");
    assertThat(counters.deadLettered(JoinDeadLetterRule.ORPHAN_LABEL)).isEqualTo(1);
  }

  @Test
  void aStateGivenUpAndReplacedByOneRecordReachesTheChangelogOnce() {
    TestOutputTopic<String, byte[]> changelog = driver.createOutputTopic(
        "label-join-test-" + LabelJoinTopology.STATE_STORE + "-changelog", new StringDeserializer(),
        new ByteArrayDeserializer());
    sendEvent("e-1", T0, 1.0);
    assertThat(changelog.readKeyValuesToList()).hasSize(1);

    sendLabel("e-1", T0 + WAIT, 1); // gives the event up (a delete), then holds the label (a put)

    List<KeyValue<String, byte[]>> written = changelog.readKeyValuesToList();
    assertThat(written).as("the cache merges the delete and the put").hasSize(1);
    assertThat(new EventStateSerde().deserialize("t", written.get(0).value)).isInstanceOf(EventState.HeldLabel.class);
  }

  @Test
  void publishesARepeatedLabelOnceAndCountsTheRepeat() {
    sendEvent("e-1", T0, 1.0);
    sendPrediction("e-1", T0, 3, "champion", 1);
    sendLabel("e-1", T0 + 1_000, 1);
    sendLabel("e-1", T0 + 2_000, 1);
    sendLabel("e-1", T0 + 3_000, 0);

    assertThat(labelled.readValuesToList()).hasSize(1);
    assertThat(counters.duplicateLabels()).isEqualTo(2);
    assertThat(counters.joined()).isEqualTo(1);
  }

  @Test
  void aRepeatedLabelBeforeItsEventIsHeldOnceAndJoinedOnce() {
    sendLabel("e-1", T0, 1);
    sendLabel("e-1", T0 + 1_000, 1);
    sendEvent("e-1", T0, 1.0);
    sendPrediction("e-1", T0, 3, "champion", 1);

    assertThat(labelled.readValuesToList()).hasSize(1);
    assertThat(counters.duplicateLabels()).isEqualTo(1);
    assertThat(counters.labelsHeld()).isEqualTo(1);
  }

  @Test
  void countsAndForgetsAPredictionWithNoLabelPastWindowAndGrace() {
    sendEvent("e-1", T0, 1.0);
    sendPrediction("e-1", T0, 3, "champion", 1);
    assertThat(storedKeys()).containsExactly(EventJoin.stateKey(MODEL, "e-1"));

    sendEvent("other", T0 + WAIT, 0.0);

    assertThat(counters.expiredUnlabelled()).isEqualTo(1);
    assertThat(storedKeys()).containsExactly(EventJoin.stateKey(MODEL, "other"));
    assertThat(expiryEntries()).as("the expiry index holds only what is still waiting").isEqualTo(1);
    assertThat(labelled.isEmpty()).isTrue();
    assertThat(deadLetters.isEmpty()).as("an unlabelled event is not an error").isTrue();
  }

  @Test
  void forgetsALabelledEventsMarkAfterTheWindowSoTheStoreEmpties() {
    sendEvent("e-1", T0, 1.0);
    sendLabel("e-1", T0 + 1_000, 1);
    sendEvent("other", T0 + 1_000 + WAIT, 0.0);

    assertThat(storedKeys()).containsExactly(EventJoin.stateKey(MODEL, "other"));
    assertThat(counters.expiredUnlabelled()).isZero();
  }

  @Test
  void deadLettersUndecodableBytesOnEachInputAndKeepsJoining() {
    byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
    events.pipeInput("bad-1", garbage, T0);
    predictions.pipeInput("bad-2", garbage, T0);
    labels.pipeInput("bad-3", encodedEvent("bad-3", T0, 1.0), T0); // an UnlabelledEvent where a Label belongs
    labels.pipeInput("bad-4", (byte[]) null, T0); // a tombstone

    List<DeadLetter> letters = new ArrayList<>();
    for (byte[] value : deadLetters.readValuesToList()) {
      letters.add(AvroCodec.of(DeadLetter.class).decode(value));
    }
    assertThat(letters).extracting(DeadLetter::getSourceTopic)
        .containsExactly(Topics.EVENTS_UNLABELLED, Topics.PREDICTIONS, Topics.LABELS, Topics.LABELS);
    assertThat(letters).allSatisfy(letter -> assertThat(letter.getError()).startsWith("undecodable: "));
    assertThat(letters.get(1).getError()).contains("the label join cannot decode a record on " + Topics.PREDICTIONS);
    assertThat(letters.get(0).getValue().array()).isEqualTo(garbage);
    assertThat(letters.get(3).getError()).contains("null payload is not a Label");
    assertThat(counters.deadLettered(JoinDeadLetterRule.UNDECODABLE)).isEqualTo(4);
    assertThat(counters.deadLettered()).isEqualTo(4);

    sendEvent("e-1", T0, 1.0);
    sendPrediction("e-1", T0, 3, "champion", 1);
    sendLabel("e-1", T0 + 1_000, 1);
    assertThat(labelled.readValuesToList()).hasSize(1);
  }

  @Test
  void deadLettersARecordNotKeyedByItsEventId() {
    events.pipeInput("someone-else", encodedEvent("e-1", T0, 1.0), T0);
    labels.pipeInput((String) null, encodedLabel("e-1", T0, 1), T0);

    List<KeyValue<byte[], byte[]>> letters = deadLetters.readKeyValuesToList();
    assertThat(letters).hasSize(2);
    assertThat(AvroCodec.of(DeadLetter.class).decode(letters.get(0).value).getError())
        .startsWith("wrong-key: ").contains("must be keyed by its event id 'e-1'", "someone-else");
    assertThat(AvroCodec.of(DeadLetter.class).decode(letters.get(1).value).getError()).startsWith("wrong-key: ")
        .contains("key was null");
    assertThat(counters.deadLettered(JoinDeadLetterRule.WRONG_KEY)).isEqualTo(2);
    assertThat(counters.deadLettered()).isEqualTo(2);
    assertThat(storedKeys()).isEmpty();
  }

  @Test
  void deadLettersARecordWithANegativeTime() {
    events.pipeInput("e-1", encodedEvent("e-1", -1, 1.0), T0);
    labels.pipeInput("e-2", encodedLabel("e-2", -5, 1), T0);

    List<String> reasons = deadLetters.readValuesToList().stream()
        .map(value -> AvroCodec.of(DeadLetter.class).decode(value).getError()).toList();
    assertThat(reasons).hasSize(2).allSatisfy(reason -> assertThat(reason).startsWith("negative-time: "));
    assertThat(reasons.get(0)).contains("eventTime", "'e-1'", "-1");
    assertThat(reasons.get(1)).contains("labelTime", "'e-2'", "-5");
    assertThat(counters.deadLettered(JoinDeadLetterRule.NEGATIVE_TIME)).isEqualTo(2);
    assertThat(storedKeys()).isEmpty();
  }

  @Test
  void keepsTheSameEventIdOfTwoModelsApart() {
    events.pipeInput("e-1", encodedEvent("e-1", T0, 1.0), T0);
    events.pipeInput("e-1", JoinCodecs.EVENTS.encode(UnlabelledEvent.newBuilder().setEventId("e-1").setModel("fraud")
        .setEventTime(T0).setFeatures(Map.of("y", 9.0)).build()), T0);
    labels.pipeInput("e-1", JoinCodecs.LABELS.encode(Label.newBuilder().setEventId("e-1").setModel("fraud")
        .setLabel(1).setLabelTime(T0 + 1_000).build()), T0 + 1_000);
    sendEvent("other", T0 + 1_000 + PREDICTION_WAIT.toMillis(), 0.0); // neither e-1 was scored

    LabelledEvent event = decode(labelled.readValue());
    assertThat(event.getModel()).isEqualTo("fraud");
    assertThat(event.getFeatures()).isEqualTo(Map.of("y", 9.0));
    assertThat(labelled.isEmpty()).isTrue();
  }

  private void sendEvent(String id, long eventTime, double x) {
    events.pipeInput(id, encodedEvent(id, eventTime, x), eventTime);
  }

  private void sendPrediction(String id, long eventTime, int version, String alias, int predicted) {
    Prediction prediction = Prediction.newBuilder().setEventId(id).setModel(MODEL).setVersion(version).setAlias(alias)
        .setServed(!alias.equals("shadow") && !alias.equals("previous")).setPredictedClass(predicted).setProbabilities(List.of(0.5f, 0.5f)).setEventTime(eventTime)
        .setScoringTime(eventTime + 10).setFeatures(Map.of("x", 0.25)).setCategorical(Map.of()).build();
    predictions.pipeInput(id, JoinCodecs.PREDICTIONS.encode(prediction), eventTime + 10);
  }

  /** A prediction made beside the answer ({@code served = false}): a shadow's, or the previous champion's. */
  private void sendUnserved(String id, long eventTime, int version, String alias, int predicted) {
    Prediction prediction = Prediction.newBuilder().setEventId(id).setModel(MODEL).setVersion(version).setAlias(alias)
        .setServed(false).setPredictedClass(predicted).setProbabilities(List.of(0.5f, 0.5f)).setEventTime(eventTime)
        .setScoringTime(eventTime + 10).setFeatures(Map.of("x", 0.25)).setCategorical(Map.of()).build();
    predictions.pipeInput(id, JoinCodecs.PREDICTIONS.encode(prediction), eventTime + 10);
  }

  private void sendLabel(String id, long labelTime, int label) {
    labels.pipeInput(id, encodedLabel(id, labelTime, label), labelTime);
  }

  private static byte[] encodedEvent(String id, long eventTime, double x) {
    return JoinCodecs.EVENTS.encode(UnlabelledEvent.newBuilder().setEventId(id).setModel(MODEL).setEventTime(eventTime)
        .setFeatures(Map.of("x", x)).setCategorical(Map.of("plan", "basic")).build());
  }

  private static byte[] encodedLabel(String id, long labelTime, int label) {
    return JoinCodecs.LABELS.encode(Label.newBuilder().setEventId(id).setModel(MODEL).setLabel(label)
        .setLabelTime(labelTime).build());
  }

  private static LabelledEvent decode(byte[] value) {
    return JoinCodecs.LABELLED.decode(value);
  }

  private List<String> storedKeys() {
    KeyValueStore<String, EventState> store = driver.getKeyValueStore(LabelJoinTopology.STATE_STORE);
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, EventState> all = store.all()) {
      all.forEachRemaining(entry -> keys.add(entry.key));
    }
    return keys;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private EventState storedState(String eventId) {
    KeyValueStore<String, EventState> store = driver.getKeyValueStore(LabelJoinTopology.STATE_STORE);
    return store.get(EventJoin.stateKey(MODEL, eventId));
  }

  private long expiryEntries() {
    KeyValueStore<Object, Object> store = driver.getKeyValueStore(LabelJoinTopology.EXPIRY_STORE);
    long count = 0;
    try (KeyValueIterator<Object, Object> all = store.all()) {
      while (all.hasNext()) {
        all.next();
        count++;
      }
    }
    return count;
  }
}
