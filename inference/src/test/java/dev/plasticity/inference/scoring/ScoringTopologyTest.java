package dev.plasticity.inference.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ServingFixtures;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoringTopologyTest {
  private static final String MODEL = "fraud";
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private static final long EVENT_TIME = NOW.minusSeconds(60).toEpochMilli();
  private static final AvroCodec<UnlabelledEvent> EVENTS = AvroCodec.of(UnlabelledEvent.class);
  private static final AvroCodec<Label> LABELS = AvroCodec.of(Label.class);

  @TempDir Path stateDir;

  private final ScoringCounts counts = new ScoringCounts();
  private HotSwapPredictor predictor;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> events;
  private TestInputTopic<byte[], byte[]> labels;
  private TestOutputTopic<String, Prediction> predictions;
  private TestOutputTopic<byte[], DeadLetter> deadLetters;

  @BeforeEach
  void start() {
    predictor = new HotSwapPredictor(MODEL);
    startDriver();
  }

  private void startDriver() {
    startDriver(ScoringTopology.build(Scorers.of(predictor), Clock.fixed(NOW, ZoneOffset.UTC), counts), stateDir);
  }

  /** Restarts the driver on a topology scoring batches of up to {@code maxBatch}, flushed every {@code maxDelay}. */
  private void startBatchedDriver(int maxBatch, Duration maxDelay) {
    driver.close();
    startDriver(ScoringTopology.build(Scorers.of(predictor), Clock.fixed(NOW, ZoneOffset.UTC), counts, maxBatch,
        maxDelay), stateDir.resolve("batched"));
  }

  private void startDriver(org.apache.kafka.streams.Topology topology, Path dir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scoring-topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    driver = new TopologyTestDriver(topology, props);
    events = driver.createInputTopic(Topics.EVENTS_UNLABELLED, new ByteArraySerializer(), new ByteArraySerializer());
    labels = driver.createInputTopic(Topics.LABELS, new ByteArraySerializer(), new ByteArraySerializer());
    predictions = driver.createOutputTopic(Topics.PREDICTIONS, new StringDeserializer(), AvroSerde.of(Prediction.class));
    deadLetters = driver.createOutputTopic(Topics.EVENTS_DLQ, new ByteArrayDeserializer(), AvroSerde.of(DeadLetter.class));
  }

  @AfterEach
  void stop() {
    driver.close();
    predictor.close();
  }

  private static UnlabelledEvent event(String id, String model, Map<String, Double> features) {
    return UnlabelledEvent.newBuilder().setEventId(id).setModel(model).setEventTime(EVENT_TIME)
        .setFeatures(features).setCategorical(Map.of("country", "NZ")).build();
  }

  private static Map<String, Double> features(double x1, double x2, double x3) {
    return Map.of("x1", x1, "x2", x2, "x3", x3);
  }

  private void send(UnlabelledEvent event) {
    events.pipeInput(key(event.getEventId()), EVENTS.encode(event), event.getEventTime());
  }

  private void label(String eventId, String model, int label) {
    labels.pipeInput(key(eventId), LABELS.encode(Label.newBuilder().setEventId(eventId).setModel(model).setLabel(label)
        .setLabelTime(NOW.toEpochMilli()).build()));
  }

  private static byte[] key(String eventId) {
    return eventId.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  /** The one dead letter written, after checking it keeps the record's key and value. */
  private DeadLetter onlyDeadLetter(byte[] key, byte[] value) {
    List<KeyValue<byte[], DeadLetter>> letters = deadLetters.readKeyValuesToList();
    assertThat(letters).hasSize(1);
    DeadLetter letter = letters.get(0).value;
    assertThat(letters.get(0).key).isEqualTo(key);
    assertThat(bytes(letter.getKey())).isEqualTo(key);
    if (value == null) {
      assertThat(letter.getValue()).isNull();
    } else {
      assertThat(bytes(letter.getValue())).isEqualTo(value);
    }
    assertThat(letter.getFailedAt()).isEqualTo(NOW.toEpochMilli());
    return letter;
  }

  @Test
  void scoresAnEventWithTheServedVersionAndKeepsItsTimesAndFeatures() {
    ServingFixtures.serve(predictor, 1);
    dev.plasticity.inference.Prediction expected = predictor.predict(features(1, 5, 9));

    send(event("e-1", MODEL, features(1, 5, 9)));

    KeyValue<String, Prediction> answer = predictions.readKeyValue();
    assertThat(answer.key).isEqualTo("e-1");
    Prediction prediction = answer.value;
    assertThat(prediction.getEventId()).isEqualTo("e-1");
    assertThat(prediction.getModel()).isEqualTo(MODEL);
    assertThat(prediction.getVersion()).isEqualTo(1);
    assertThat(prediction.getAlias()).isEqualTo("champion");
    assertThat(prediction.getPredictedClass()).isEqualTo(expected.label());
    assertThat(prediction.getProbabilities()).containsExactly(expected.probabilities()[0], expected.probabilities()[1]);
    assertThat(prediction.getEventTime()).isEqualTo(EVENT_TIME);
    assertThat(prediction.getScoringTime()).isEqualTo(NOW.toEpochMilli());
    assertThat(prediction.getFeatures()).isEqualTo(features(1, 5, 9));
    assertThat(prediction.getCategorical()).isEqualTo(Map.of("country", "NZ"));
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(counts.scored()).isEqualTo(1);
    assertThat(counts.deadLettered()).isZero();
  }

  @Test
  void aSwapBetweenTwoEventsStampsTheSecondWithTheNewVersionAndFailsNeither() {
    ServingFixtures.serve(predictor, 1);
    send(event("e-1", MODEL, features(1, 5, 9)));
    ServingFixtures.serve(predictor, 2);
    send(event("e-2", MODEL, features(1, 5, 9)));

    List<Prediction> answers = predictions.readValuesToList();
    assertThat(answers).extracting(Prediction::getEventId).containsExactly("e-1", "e-2");
    assertThat(answers).extracting(Prediction::getVersion).containsExactly(1, 2);
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(predictor.failedPredictions()).isZero();
    assertThat(counts.scored()).isEqualTo(2);
  }

  @Test
  void anEventForAModelNotServedHereIsDeadLetteredWithTheUnknownModelRule() {
    ServingFixtures.serve(predictor, 1);
    UnlabelledEvent stranger = event("e-9", "churn", features(1, 5, 9));
    byte[] value = EVENTS.encode(stranger);

    events.pipeInput(key("e-9"), value);

    DeadLetter letter = onlyDeadLetter(key("e-9"), value);
    assertThat(letter.getError()).startsWith("unknown-model: ").contains("'churn'", "[fraud]");
    assertThat(letter.getSourceTopic()).isEqualTo(Topics.EVENTS_UNLABELLED);
    assertThat(letter.getOffset()).isZero();
    assertThat(predictions.isEmpty()).isTrue();
    assertThat(counts.deadLettered(DeadLetterRule.UNKNOWN_MODEL)).isEqualTo(1);
  }

  @Test
  void anEventBeforeAnyVersionIsServedIsDeadLetteredWithTheNoVersionRule() {
    byte[] value = EVENTS.encode(event("e-1", MODEL, features(1, 5, 9)));

    events.pipeInput(key("e-1"), value);

    assertThat(onlyDeadLetter(key("e-1"), value).getError())
        .isEqualTo("no-version-served: event e-1: no model version is being served yet for model fraud");
    assertThat(counts.deadLettered(DeadLetterRule.NO_VERSION_SERVED)).isEqualTo(1);
  }

  @Test
  void anEventMissingAFeatureTheVersionReadsIsDeadLetteredAndTheNextIsScored() {
    ServingFixtures.serve(predictor, 1);
    byte[] value = EVENTS.encode(event("e-1", MODEL, Map.of("x1", 1.0, "x3", 9.0)));

    events.pipeInput(key("e-1"), value);
    send(event("e-2", MODEL, features(1, 5, 9)));

    assertThat(onlyDeadLetter(key("e-1"), value).getError())
        .startsWith("missing-feature: event e-1 for model fraud: ").contains("'x2' is missing");
    assertThat(predictions.readValuesToList()).extracting(Prediction::getEventId).containsExactly("e-2");
    assertThat(counts.deadLettered(DeadLetterRule.MISSING_FEATURE)).isEqualTo(1);
    assertThat(counts.scored()).isEqualTo(1);
  }

  @Test
  void anEventWithANonFiniteFeatureIsDeadLetteredWithTheNonFiniteRule() {
    ServingFixtures.serve(predictor, 1);
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      byte[] value = EVENTS.encode(event("e-" + bad, MODEL, features(1, bad, 9)));
      events.pipeInput(key("e-" + bad), value);

      assertThat(onlyDeadLetter(key("e-" + bad), value).getError())
          .isEqualTo("non-finite-feature: event e-" + bad + ": feature 'x2' must be a finite number, was " + bad);
    }
    assertThat(predictions.isEmpty()).isTrue();
    assertThat(counts.deadLettered(DeadLetterRule.NON_FINITE_FEATURE)).isEqualTo(3);
    assertThat(predictor.predictions()).as("nothing reached the network").isZero();
  }

  @Test
  void undecodableBytesAndATombstoneAreDeadLetteredAndTheAppGoesOn() {
    ServingFixtures.serve(predictor, 1);
    byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
    byte[] good = EVENTS.encode(event("e-3", MODEL, features(1, 5, 9)));
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 5);

    events.pipeInput(key("e-1"), garbage);
    assertThat(onlyDeadLetter(key("e-1"), garbage).getError())
        .startsWith("undecodable: not an Avro single-object payload for UnlabelledEvent");
    events.pipeInput(key("e-2"), truncated);
    assertThat(onlyDeadLetter(key("e-2"), truncated).getError()).startsWith("undecodable: corrupt UnlabelledEvent payload");
    events.pipeInput(key("e-tomb"), (byte[]) null);
    assertThat(onlyDeadLetter(key("e-tomb"), null).getError()).startsWith("undecodable: null payload");
    events.pipeInput(key("e-3"), good);

    assertThat(predictions.readValuesToList()).extracting(Prediction::getEventId).containsExactly("e-3");
    assertThat(counts.deadLettered(DeadLetterRule.UNDECODABLE)).isEqualTo(3);
    assertThat(counts.scored()).isEqualTo(1);
  }

  @Test
  void aLabelRecordedFeedsTheNextPredictionOfALaggedVersion() {
    ServingFixtures.serveLagged(predictor, 7);
    send(event("e-1", MODEL, Map.of("x1", 0.0)));
    label("e-1", MODEL, 1);
    send(event("e-2", MODEL, Map.of("x1", 0.0)));
    label("e-2", MODEL, 0);
    send(event("e-3", MODEL, Map.of("x1", 0.0)));

    List<Prediction> answers = predictions.readValuesToList();
    assertThat(answers).extracting(Prediction::getVersion).containsOnly(7);
    assertThat(answers).extracting(Prediction::getPredictedClass)
        .as("no label yet: class 0; then the previous label").containsExactly(0, 1, 0);
    assertThat(counts.labelsRecorded()).isEqualTo(2);
    KeyValueStore<String, List<Integer>> store = driver.getKeyValueStore(ScoringTopology.RECENT_LABELS_STORE);
    assertThat(store.get(MODEL)).containsExactly(1, 0);
  }

  @Test
  void aLabelForAnotherModelIsCountedAndABadLabelIsDeadLettered() {
    ServingFixtures.serveLagged(predictor, 7);
    label("e-1", "churn", 1);
    byte[] negative = LABELS.encode(Label.newBuilder().setEventId("e-2").setModel(MODEL).setLabel(-1)
        .setLabelTime(NOW.toEpochMilli()).build());
    labels.pipeInput(key("e-2"), negative);
    DeadLetter invalid = onlyDeadLetter(key("e-2"), negative);
    byte[] garbage = {1, 2, 3};
    labels.pipeInput(key("e-3"), garbage);
    DeadLetter undecodable = onlyDeadLetter(key("e-3"), garbage);
    send(event("e-4", MODEL, Map.of("x1", 0.0)));

    assertThat(counts.labelsForUnknownModels()).isEqualTo(1);
    assertThat(counts.labelsRecorded()).isZero();
    assertThat(invalid.getError()).startsWith("invalid-label: the label of event e-2 for model fraud must be a class index");
    assertThat(invalid.getSourceTopic()).isEqualTo(Topics.LABELS);
    assertThat(undecodable.getError()).startsWith("undecodable: not an Avro single-object payload for Label");
    assertThat(counts.deadLettered(DeadLetterRule.INVALID_LABEL)).isEqualTo(1);
    assertThat(counts.deadLettered(DeadLetterRule.UNDECODABLE)).isEqualTo(1);
    assertThat(predictions.readValue().getPredictedClass()).as("no label of fraud was recorded").isZero();
  }

  @Test
  void keepsOnlyTheNewestLabelsOfEachModel() {
    ServingFixtures.serveLagged(predictor, 7);
    List<Integer> sent = new ArrayList<>();
    for (int i = 0; i < ScoringTopology.RECENT_LABELS_KEPT + 5; i++) {
      label("e-" + i, MODEL, i % 3);
      sent.add(i % 3);
    }

    KeyValueStore<String, List<Integer>> store = driver.getKeyValueStore(ScoringTopology.RECENT_LABELS_STORE);
    assertThat(store.get(MODEL)).containsExactlyElementsOf(sent.subList(5, sent.size()));
  }

  @Test
  void scoresEachModelWithItsOwnPredictorInOneTopology() {
    driver.close();
    try (HotSwapPredictor churn = new HotSwapPredictor("churn")) {
      ServingFixtures.serve(predictor, 3);
      ServingFixtures.serve(churn, 5);
      Properties props = new Properties();
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scoring-topology-test-two-models");
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
      props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("two-models").toString());
      driver = new TopologyTestDriver(ScoringTopology.build(Scorers.of(predictor, churn),
          Clock.fixed(NOW, ZoneOffset.UTC), counts), props);
      events = driver.createInputTopic(Topics.EVENTS_UNLABELLED, new ByteArraySerializer(), new ByteArraySerializer());
      predictions = driver.createOutputTopic(Topics.PREDICTIONS, new StringDeserializer(), AvroSerde.of(Prediction.class));

      send(event("e-1", "churn", features(1, 5, 9)));
      send(event("e-2", MODEL, features(1, 5, 9)));

      List<Prediction> answers = predictions.readValuesToList();
      assertThat(answers).extracting(Prediction::getModel).containsExactly("churn", MODEL);
      assertThat(answers).extracting(Prediction::getVersion).containsExactly(5, 3);
      assertThat(churn.predictions()).isEqualTo(1);
      assertThat(predictor.predictions()).isEqualTo(1);
    }
  }

  @Test
  void aRecordTooLargeToWriteBackIsDeadLetteredByWhereItLiesWithoutItsBytes() {
    ServingFixtures.serve(predictor, 1);
    byte[] huge = new byte[ScoringTopology.MAX_RECORD_BYTES];

    events.pipeInput(key("e-1"), huge);
    labels.pipeInput(key("l-1"), huge);
    send(event("e-2", MODEL, features(1, 5, 9)));

    List<KeyValue<byte[], DeadLetter>> letters = deadLetters.readKeyValuesToList();
    assertThat(letters).hasSize(2).allSatisfy(letter -> {
      assertThat(letter.value.getValue()).as("the bytes stay on their topic").isNull();
      assertThat(letter.value.getError()).startsWith("too-large: a key of 3 bytes and a value of "
          + ScoringTopology.MAX_RECORD_BYTES + " bytes exceed");
    });
    assertThat(letters.get(0).key).isEqualTo(key("e-1"));
    assertThat(letters.get(0).value.getError()).endsWith("read it at " + Topics.EVENTS_UNLABELLED + "-0 offset 0");
    assertThat(letters.get(1).value.getSourceTopic()).isEqualTo(Topics.LABELS);
    assertThat(counts.deadLettered(DeadLetterRule.TOO_LARGE)).isEqualTo(2);
    assertThat(predictions.readValuesToList()).extracting(Prediction::getEventId).containsExactly("e-2");
  }

  private long pendingInStore() {
    KeyValueStore<Long, PendingEvent> store = driver.getKeyValueStore(ScoringTopology.PENDING_EVENTS_STORE);
    return store.approximateNumEntries();
  }

  @Test
  void eventsWaitUntilTheWallClockPassesMaxDelayAndAreThenScoredInArrivalOrder() {
    ServingFixtures.serve(predictor, 1);
    startBatchedDriver(256, Duration.ofMillis(5));
    for (int i = 1; i <= 5; i++) {
      send(event("e-" + i, MODEL, features(i, 5, 9 - i)));
    }

    assertThat(predictions.isEmpty()).as("nothing is scored before the flush").isTrue();
    assertThat(counts.pending()).isEqualTo(5);
    assertThat(pendingInStore()).isEqualTo(5);

    driver.advanceWallClockTime(Duration.ofMillis(5));

    List<Prediction> answers = predictions.readValuesToList();
    assertThat(answers).extracting(Prediction::getEventId).containsExactly("e-1", "e-2", "e-3", "e-4", "e-5");
    assertThat(answers).extracting(Prediction::getVersion).containsOnly(1);
    assertThat(answers.get(2).getPredictedClass()).isEqualTo(predictor.predict(features(3, 5, 6)).label());
    assertThat(answers).extracting(Prediction::getEventTime).containsOnly(EVENT_TIME);
    assertThat(counts.scored()).isEqualTo(5);
    assertThat(counts.pending()).isZero();
    assertThat(pendingInStore()).as("scored events leave the store").isZero();
  }

  @Test
  void reachingMaxBatchScoresTheBatchWhileProcessingItsLastEvent() {
    ServingFixtures.serve(predictor, 1);
    startBatchedDriver(3, Duration.ofHours(1));

    send(event("e-1", MODEL, features(1, 5, 9)));
    send(event("e-2", MODEL, features(2, 5, 9)));
    assertThat(predictions.isEmpty()).isTrue();
    send(event("e-3", MODEL, features(3, 5, 9)));
    send(event("e-4", MODEL, features(4, 5, 9)));

    assertThat(predictions.readValuesToList()).extracting(Prediction::getEventId).containsExactly("e-1", "e-2", "e-3");
    assertThat(counts.pending()).as("e-4 waits for the next batch").isEqualTo(1);
    assertThat(pendingInStore()).isEqualTo(1);
  }

  @Test
  void eventsOfTwoModelsInOneFlushAreForwardedInArrivalOrder() {
    driver.close();
    try (HotSwapPredictor churn = new HotSwapPredictor("churn")) {
      ServingFixtures.serve(predictor, 3);
      ServingFixtures.serve(churn, 5);
      startDriver(ScoringTopology.build(Scorers.of(predictor, churn), Clock.fixed(NOW, ZoneOffset.UTC), counts, 256,
          Duration.ofMillis(5)), stateDir.resolve("two-models-batched"));
      send(event("e-1", "churn", features(1, 5, 9)));
      send(event("e-2", MODEL, features(1, 5, 9)));
      send(event("e-3", "churn", features(2, 5, 9)));
      send(event("e-4", MODEL, features(2, 5, 9)));

      driver.advanceWallClockTime(Duration.ofMillis(5));

      List<Prediction> answers = predictions.readValuesToList();
      assertThat(answers).extracting(Prediction::getEventId).containsExactly("e-1", "e-2", "e-3", "e-4");
      assertThat(answers).extracting(Prediction::getVersion).containsExactly(5, 3, 5, 3);
      assertThat(churn.predictions()).isEqualTo(2);
      assertThat(predictor.predictions()).isEqualTo(2);
    }
  }

  @Test
  void aBadEventInABatchIsDeadLetteredAloneWithItsRuleAndWhereItWasRead() {
    ServingFixtures.serve(predictor, 1);
    startBatchedDriver(256, Duration.ofMillis(5));
    byte[] missing = EVENTS.encode(event("e-2", MODEL, Map.of("x1", 1.0, "x3", 9.0)));
    byte[] nonFinite = EVENTS.encode(event("e-4", MODEL, features(1, Double.NaN, 9)));

    send(event("e-1", MODEL, features(1, 5, 9)));
    events.pipeInput(key("e-2"), missing);
    send(event("e-3", MODEL, features(3, 5, 9)));
    events.pipeInput(key("e-4"), nonFinite);
    assertThat(onlyDeadLetter(key("e-4"), nonFinite).getError())
        .as("a rule that holds whatever version is served is checked on reading").startsWith("non-finite-feature: ");

    driver.advanceWallClockTime(Duration.ofMillis(5));

    DeadLetter letter = onlyDeadLetter(key("e-2"), missing);
    assertThat(letter.getError()).startsWith("missing-feature: event e-2 for model fraud: ").contains("'x2' is missing");
    assertThat(letter.getSourceTopic()).isEqualTo(Topics.EVENTS_UNLABELLED);
    assertThat(letter.getOffset()).isEqualTo(1);
    assertThat(predictions.readValuesToList()).extracting(Prediction::getEventId).containsExactly("e-1", "e-3");
    assertThat(counts.deadLettered(DeadLetterRule.MISSING_FEATURE)).isEqualTo(1);
    assertThat(counts.deadLettered(DeadLetterRule.NON_FINITE_FEATURE)).isEqualTo(1);
    assertThat(counts.scored()).isEqualTo(2);
    assertThat(pendingInStore()).isZero();
  }

  @Test
  void aSwapBetweenTwoBatchesStampsEachBatchWithTheVersionThatScoredIt() {
    ServingFixtures.serve(predictor, 1);
    startBatchedDriver(2, Duration.ofHours(1));

    send(event("e-1", MODEL, features(1, 5, 9)));
    send(event("e-2", MODEL, features(2, 5, 9)));
    ServingFixtures.serve(predictor, 2);
    send(event("e-3", MODEL, features(3, 5, 9)));
    send(event("e-4", MODEL, features(4, 5, 9)));

    List<Prediction> answers = predictions.readValuesToList();
    assertThat(answers).extracting(Prediction::getEventId).containsExactly("e-1", "e-2", "e-3", "e-4");
    assertThat(answers).extracting(Prediction::getVersion).containsExactly(1, 1, 2, 2);
    assertThat(predictor.failedPredictions()).isZero();
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void aBatchBeforeAnyVersionIsServedDeadLettersEachEventWithTheNoVersionRule() {
    startBatchedDriver(256, Duration.ofMillis(5));
    send(event("e-1", MODEL, features(1, 5, 9)));
    send(event("e-2", MODEL, features(2, 5, 9)));

    driver.advanceWallClockTime(Duration.ofMillis(5));

    assertThat(deadLetters.readValuesToList()).extracting(DeadLetter::getError)
        .containsExactly("no-version-served: event e-1: no model version is being served yet for model fraud",
            "no-version-served: event e-2: no model version is being served yet for model fraud");
    assertThat(counts.deadLettered(DeadLetterRule.NO_VERSION_SERVED)).isEqualTo(2);
  }
}
