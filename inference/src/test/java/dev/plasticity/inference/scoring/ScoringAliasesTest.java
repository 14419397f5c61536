package dev.plasticity.inference.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.inference.AliasPredictors;
import dev.plasticity.inference.AliasRole;
import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ServingFixtures;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scoring topology with a model's champion, challenger, shadow and previous champion. */
class ScoringAliasesTest {
  private static final String MODEL = "fraud";
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private static final AvroCodec<UnlabelledEvent> EVENTS = AvroCodec.of(UnlabelledEvent.class);

  @TempDir Path stateDir;

  private final ScoringCounts counts = new ScoringCounts();
  private AliasPredictors aliases;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> events;
  private TestOutputTopic<String, Prediction> predictions;

  private void start(long watchEvents, CanaryShares canary, int maxBatch) {
    aliases = AliasPredictors.of(MODEL, Set.of(AliasRole.CHALLENGER, AliasRole.SHADOW), watchEvents);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scoring-aliases-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(ScoringTopology.build(Scorers.withAliases(List.of(aliases), canary),
        Clock.fixed(NOW, ZoneOffset.UTC), counts, maxBatch, Duration.ofHours(1)), props);
    events = driver.createInputTopic(Topics.EVENTS_UNLABELLED, new ByteArraySerializer(), new ByteArraySerializer());
    predictions = driver.createOutputTopic(Topics.PREDICTIONS, new StringDeserializer(), AvroSerde.of(Prediction.class));
  }

  @AfterEach
  void stop() {
    driver.close();
    aliases.close();
  }

  private HotSwapPredictor predictor(AliasRole role) {
    return aliases.predictor(role).orElseThrow();
  }

  private void send(String id) {
    send(id, Map.of("x1", 1.0, "x2", 5.0, "x3", 9.0));
  }

  private void send(String id, Map<String, Double> features) {
    UnlabelledEvent event = UnlabelledEvent.newBuilder().setEventId(id).setModel(MODEL).setEventTime(1_000L)
        .setFeatures(features).build();
    events.pipeInput(id.getBytes(StandardCharsets.UTF_8), EVENTS.encode(event), 1_000L);
  }

  private static String describe(Prediction p) {
    return p.getEventId() + " " + p.getAlias() + " v" + p.getVersion() + (p.getServed() ? " served" : " beside");
  }

  private long aliasCount(AliasRole role, int version) {
    return counts.aliasPredictions(new ScoringCounts.AliasVersion(MODEL, role, version));
  }

  @Test
  void aShadowScoresEveryEventAfterItsAnswerAndIsNeverServed() {
    start(0, CanaryShares.OFF, 1);
    ServingFixtures.serve(predictor(AliasRole.CHAMPION), 1);
    ServingFixtures.serve(predictor(AliasRole.SHADOW), 2);

    send("e-1");
    send("e-2");

    assertThat(predictions.readValuesToList()).extracting(ScoringAliasesTest::describe).containsExactly(
        "e-1 champion v1 served", "e-1 shadow v2 beside", "e-2 champion v1 served", "e-2 shadow v2 beside");
    assertThat(counts.scored()).as("events answered").isEqualTo(2);
    assertThat(aliasCount(AliasRole.CHAMPION, 1)).isEqualTo(2);
    assertThat(aliasCount(AliasRole.SHADOW, 2)).isEqualTo(2);
  }

  @Test
  void aShadowThatCannotScoreAnEventIsCountedAndTheAnswerStillGoesOut() {
    start(0, CanaryShares.OFF, 1);
    ServingFixtures.serveLagged(predictor(AliasRole.CHAMPION), 1); // reads x1 only
    ServingFixtures.serve(predictor(AliasRole.SHADOW), 2); // reads x1, x2 and x3

    send("e-1", Map.of("x1", 1.0));
    send("e-2", Map.of("x1", 1.0, "x2", 5.0, "x3", 9.0));

    assertThat(predictions.readValuesToList()).extracting(ScoringAliasesTest::describe)
        .containsExactly("e-1 champion v1 served", "e-2 champion v1 served", "e-2 shadow v2 beside");
    assertThat(counts.aliasFailures(new ScoringCounts.AliasVersion(MODEL, AliasRole.SHADOW, 2))).isEqualTo(1);
    assertThat(counts.deadLettered()).as("only an answer that fails is dead-lettered").isZero();

    ServingFixtures.stopServing(predictor(AliasRole.SHADOW)); // the alias was removed
    send("e-3");
    assertThat(predictions.readValuesToList()).extracting(ScoringAliasesTest::describe)
        .containsExactly("e-3 champion v1 served");
  }

  @Test
  void theCanaryShareOfKeysIsAnsweredByTheChallengerTheSameWayEveryTime() {
    CanaryShares canary = new CanaryShares(0.3, Map.of());
    start(0, canary, 8);
    ServingFixtures.serve(predictor(AliasRole.CHAMPION), 1);
    ServingFixtures.serve(predictor(AliasRole.CHALLENGER), 3);
    List<String> ids = IntStream.range(0, 200).mapToObj(i -> "tx-" + i).toList();

    ids.forEach(this::send);

    List<Prediction> answers = predictions.readValuesToList();
    assertThat(answers).hasSize(200).allMatch(Prediction::getServed);
    Set<String> byChallenger = answers.stream().filter(p -> p.getAlias().equals("challenger"))
        .peek(p -> assertThat(p.getVersion()).isEqualTo(3)).map(Prediction::getEventId).collect(Collectors.toSet());
    assertThat(byChallenger).as("the keys the share takes, decided by key alone")
        .isEqualTo(ids.stream().filter(id -> canary.takes(MODEL, id)).collect(Collectors.toSet()));
    assertThat(byChallenger.size()).isBetween(40, 80); // about 30% of 200
    assertThat(answers).filteredOn(p -> !byChallenger.contains(p.getEventId()))
        .allSatisfy(p -> assertThat(describe(p)).endsWith("champion v1 served"));
    assertThat(aliasCount(AliasRole.CHALLENGER, 3)).isEqualTo(byChallenger.size());

    ids.forEach(this::send); // the same keys again: the same split
    assertThat(predictions.readValuesToList()).filteredOn(p -> p.getAlias().equals("challenger"))
        .extracting(Prediction::getEventId).containsExactlyInAnyOrderElementsOf(byChallenger);
  }

  @Test
  void withoutAServedChallengerTheChampionAnswersEveryKey() {
    start(0, new CanaryShares(1, Map.of()), 1);
    ServingFixtures.serve(predictor(AliasRole.CHAMPION), 1);

    send("e-1");

    assertThat(predictions.readValuesToList()).extracting(ScoringAliasesTest::describe)
        .containsExactly("e-1 champion v1 served");
  }

  @Test
  void afterAPromotionThePreviousChampionScoresBesideItsSuccessorForTheWatch() {
    start(3, CanaryShares.OFF, 1);
    ServingFixtures.serve(predictor(AliasRole.CHAMPION), 1);
    send("e-0");
    assertThat(predictions.readValuesToList()).extracting(ScoringAliasesTest::describe)
        .containsExactly("e-0 champion v1 served");

    ServingFixtures.serve(predictor(AliasRole.CHAMPION), 2); // promoted
    for (int i = 1; i <= 5; i++) {
      send("e-" + i);
    }

    assertThat(predictions.readValuesToList()).extracting(ScoringAliasesTest::describe).containsExactly(
        "e-1 champion v2 served", "e-1 previous v1 beside",
        "e-2 champion v2 served", "e-2 previous v1 beside",
        "e-3 champion v2 served", "e-3 previous v1 beside",
        "e-4 champion v2 served",
        "e-5 champion v2 served");
    assertThat(aliasCount(AliasRole.PREVIOUS, 1)).isEqualTo(3);
    assertThat(aliases.watchedVersion()).as("v1 was released after its watch").isEmpty();
  }

  @Test
  void aSecondPromotionDuringTheWatchWatchesTheNewestOutgoingChampion() {
    start(4, CanaryShares.OFF, 2);
    ServingFixtures.serve(predictor(AliasRole.CHAMPION), 1);
    ServingFixtures.serve(predictor(AliasRole.CHAMPION), 2);
    send("e-1");
    send("e-2");
    ServingFixtures.serve(predictor(AliasRole.CHAMPION), 3);
    send("e-3");
    send("e-4");

    assertThat(predictions.readValuesToList()).extracting(ScoringAliasesTest::describe).containsExactly(
        "e-1 champion v2 served", "e-1 previous v1 beside",
        "e-2 champion v2 served", "e-2 previous v1 beside",
        "e-3 champion v3 served", "e-3 previous v2 beside",
        "e-4 champion v3 served", "e-4 previous v2 beside");
    assertThat(aliases.watchedVersion()).hasValue(2);
  }
}
