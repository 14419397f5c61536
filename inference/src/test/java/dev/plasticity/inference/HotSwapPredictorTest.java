package dev.plasticity.inference;

import static dev.plasticity.inference.TestModels.await;
import static dev.plasticity.inference.TestModels.event;
import static dev.plasticity.inference.TestModels.serving;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HotSwapPredictorTest {
  private static final String MODEL = "hot-swap";

  @Test
  void refusesToPredictBeforeAnyVersionIsServed() {
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL)) {
      assertThatThrownBy(() -> predictor.predict(event(1, 2, 3)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("no model version is being served yet for model hot-swap");
      assertThat(predictor.servedVersion()).isEmpty();
      assertThat(predictor.swappedAt()).isEmpty();
      assertThat(predictor.failedPredictions()).isEqualTo(1);
    }
  }

  @Test
  void stampsEachPredictionWithTheServedVersionAndTheSwapTime() {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL, Clock.fixed(now, ZoneOffset.UTC))) {
      predictor.swap(serving(MODEL, 4));

      Prediction one = predictor.predict(event(1, 2, 3));
      List<Prediction> batch = predictor.predictBatch(List.of(event(1, 2, 3), event(9, 9, 9)));

      assertThat(one.modelVersion()).isEqualTo(4);
      assertThat(one.probabilities()).hasSize(2);
      assertThat(one.probabilities()[0] + one.probabilities()[1]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
      assertThat(one.label()).isEqualTo(one.probabilities()[1] > one.probabilities()[0] ? 1 : 0);
      assertThat(batch).hasSize(2).allSatisfy(p -> assertThat(p.modelVersion()).isEqualTo(4));
      assertThat(batch.get(0)).isEqualTo(one);
      assertThat(predictor.servedVersion()).isEqualTo(OptionalInt.of(4));
      assertThat(predictor.swappedAt()).contains(now);
      assertThat(predictor.predictions()).isEqualTo(3);
    }
  }

  @Test
  void servesANetworkWithEarlyExitsWithTheScoresOfTheExitEachRowLeftAt() throws Exception {
    // threshold 0: every row leaves at the first exit, and gets exactly the scores a DJL predictor reads
    dev.plasticity.schemas.Architecture exits = dev.plasticity.schemas.Architecture.newBuilder(TestModels.architecture())
        .setEarlyExits(true).setExitConfidence(0.0).build();
    ai.djl.engine.Engine.getInstance().setRandomSeed(3);
    ai.djl.Model network = dev.plasticity.registry.client.ModelFormat.newModel("exits", exits);
    float[][] expected;
    try (ai.djl.inference.Predictor<float[][], float[][]> reference =
        network.newPredictor(new dev.plasticity.registry.client.ClassProbabilities())) {
      expected = reference.predict(new float[][] {
          dev.plasticity.registry.client.ModelFormat.encode(exits, event(1, 2, 3)),
          dev.plasticity.registry.client.ModelFormat.encode(exits, event(9, 9, 9))});
    }
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL)) {
      predictor.swap(new ServingModel(MODEL, 7, exits, network, 2));
      List<Prediction> batch = predictor.predictBatch(List.of(event(1, 2, 3), event(9, 9, 9)));
      for (int i = 0; i < 2; i++) {
        assertThat(batch.get(i).probabilities()).containsExactly(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void anOldModelClosesOnlyAfterItsLastInFlightPrediction() {
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL)) {
      ServingModel v1 = serving(MODEL, 1);
      predictor.swap(v1);
      assertThat(v1.acquire()).as("an in-flight prediction holds v1").isTrue();

      assertThat(predictor.swap(serving(MODEL, 2))).isEqualTo(OptionalInt.of(1));
      assertThat(v1.isClosed()).isFalse();
      assertThat(predictor.predict(event(1, 2, 3)).modelVersion()).isEqualTo(2);

      v1.release();
      assertThat(v1.isClosed()).isTrue();
      assertThat(v1.acquire()).as("a closed model cannot be acquired again").isFalse();
    }
  }

  @Test
  void swapsUnderConcurrentPredictionsWithoutAFailureAndClosesEveryRetiredModel() throws Exception {
    int threads = 3;
    List<ServingModel> versions = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL)) {
      versions.add(serving(MODEL, 1));
      predictor.swap(versions.get(0));
      AtomicBoolean stop = new AtomicBoolean();
      List<Future<List<Integer>>> seen = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        seen.add(pool.submit(() -> {
          List<Integer> stamped = new ArrayList<>();
          for (int i = 0; !stop.get(); i++) {
            if (i % 2 == 0) {
              stamped.add(predictor.predict(event(i % 10, 5, 3)).modelVersion());
            } else {
              predictor.predictBatch(List.of(event(1, 2, 3), event(4, 5, 6), event(7, 8, 9)))
                  .forEach(p -> stamped.add(p.modelVersion()));
            }
          }
          return stamped;
        }));
      }
      for (int v = 2; v <= 6; v++) {
        long before = predictor.predictions();
        await("version " + (v - 1) + " served 100 predictions", () -> predictor.predictions() >= before + 100);
        ServingModel next = serving(MODEL, v);
        versions.add(next);
        predictor.swap(next);
      }
      long before = predictor.predictions();
      await("version 6 served 100 predictions", () -> predictor.predictions() >= before + 100);
      stop.set(true);

      Set<Integer> stampedVersions = new HashSet<>();
      for (Future<List<Integer>> thread : seen) {
        List<Integer> stamped = thread.get();
        assertThat(stamped).as("a thread never goes back to an older version").isSorted();
        stampedVersions.addAll(stamped);
      }
      assertThat(predictor.failedPredictions()).isZero();
      assertThat(stampedVersions).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
      assertThat(versions.subList(0, 5)).allSatisfy(m -> assertThat(m.isClosed()).as(m.toString()).isTrue());
      assertThat(versions.get(5).isClosed()).isFalse();
      predictor.close();
      assertThat(versions.get(5).isClosed()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void swapIfNewerNeverMovesBackToAnOlderVersion() {
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL)) {
      ServingModel v2 = serving(MODEL, 2);
      ServingModel v1 = serving(MODEL, 1);
      assertThat(predictor.swapIfNewer(v2)).isTrue();

      assertThat(predictor.swapIfNewer(v1)).isFalse();
      assertThat(predictor.servedVersion()).isEqualTo(OptionalInt.of(2));
      assertThat(v2.isClosed()).isFalse();
      v1.discard();
      assertThat(v1.isClosed()).isTrue();
    }
  }

  @Test
  void rejectsAnotherModelsVersionAndCountsAMissingFeatureAsAFailedPrediction() {
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL)) {
      ServingModel other = serving("other", 1);
      assertThatThrownBy(() -> predictor.swap(other))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serves model hot-swap");
      other.discard();
      predictor.swap(serving(MODEL, 1));

      assertThatThrownBy(() -> predictor.predict(Map.of("x1", 1.0)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x2' is missing");
      assertThat(predictor.failedPredictions()).isEqualTo(1);
      assertThat(predictor.predictions()).isZero();
    }
  }

  /** A version whose network reads only its label lag ({@link ServingFixtures#serveLagged}). */
  private static ServingModel laggedServing(int version) {
    return ServingFixtures.laggedServing(MODEL, version);
  }

  @Test
  void aLaggedVersionReadsTheNewestRecordedLabelAndZerosBeforeAnyIsRecorded() {
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL)) {
      predictor.swap(laggedServing(3));
      Map<String, Double> features = Map.of("x1", 0.0);

      Prediction unknown = predictor.predict(features);
      predictor.recordLabel(1);
      Prediction afterOne = predictor.predict(features);
      predictor.recordLabel(0);
      Prediction afterZero = predictor.predict(features);

      // scores (1, 0): no label is guessed, the lag's inputs are zeros
      assertThat(unknown.label()).isZero();
      assertThat(unknown.probabilities()[0]).isCloseTo((float) (1 / (1 + Math.exp(-1))),
          org.assertj.core.data.Offset.offset(1e-5f));
      assertThat(afterOne.label()).isEqualTo(1);
      assertThat(afterZero.label()).isZero();
      assertThat(afterZero.probabilities()[0]).isGreaterThan(unknown.probabilities()[0]);
      assertThat(predictor.predictBatch(List.of(features, features)))
          .allSatisfy(p -> assertThat(p.label()).isZero());
    }
  }

  @Test
  void recordingLabelsLeavesAVersionWithoutLagsUnchanged() {
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL)) {
      predictor.swap(serving(MODEL, 1));
      Prediction before = predictor.predict(event(1, 2, 3));

      predictor.recordLabel(1);

      assertThat(predictor.predict(event(1, 2, 3))).isEqualTo(before);
      assertThatThrownBy(() -> predictor.recordLabel(-2)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  /**
   * A version that reads x1 relative to its level over {@code span} events, starting at {@code start}:
   * class 1 scores x1 - level, class 0 scores 0, so it answers 1 exactly when x1 is above its level.
   */
  private static ServingModel levelledServing(int version, int span, double start) {
    dev.plasticity.schemas.Architecture architecture = dev.plasticity.schemas.Architecture.newBuilder()
        .setInputFeatures(List.of("x1"))
        .setFeatureMeans(List.of(0.0))
        .setFeatureStds(List.of(1.0))
        .setHiddenUnits(List.of())
        .setNumClasses(2)
        .setLevelSpan(span)
        .setFeatureLevels(List.of(start))
        .build();
    ai.djl.Model network = dev.plasticity.registry.client.ModelFormat.newModel(MODEL + "-levelled", architecture);
    for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : network.getBlock().getParameters()) {
      p.getValue().getArray().set(p.getKey().endsWith("weight") ? new float[] {0, 1} : new float[] {0, 0});
    }
    return new ServingModel(MODEL, version, architecture, network, 2);
  }

  @Test
  void aLevelledVersionReadsEachEventAgainstTheLevelsOfTheEventsBeforeItAndASwapOfTheSameSpanCarriesThemOn() {
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL)) {
      predictor.swap(levelledServing(1, 2, 0.0));

      Prediction aboveStart = predictor.predict(Map.of("x1", 1.0)); // level 0 -> then 0.5
      Prediction belowLevel = predictor.predict(Map.of("x1", 0.4)); // level 0.5 -> then 0.45
      assertThat(aboveStart.label()).isEqualTo(1);
      assertThat(belowLevel.label()).as("0.4 is above 0 but below its level 0.5").isZero();

      // v2 was trained far away (its levels start at 100) but reads the same span: the walked levels go on
      predictor.swap(levelledServing(2, 2, 100.0));
      assertThat(predictor.predict(Map.of("x1", 0.5)).label()).as("0.5 against the walked 0.45").isEqualTo(1);

      // v3 reads another span: it starts where its own training left its levels
      predictor.swap(levelledServing(3, 3, 100.0));
      assertThat(predictor.predict(Map.of("x1", 0.5)).label()).as("0.5 against v3's 100").isZero();

      // a batch walks its rows in order: 150 is above the level 66.8, then 90 below the 94.6 that 150 raised it to
      assertThat(predictor.predictBatch(List.of(Map.of("x1", 150.0), Map.of("x1", 90.0))))
          .extracting(Prediction::label).containsExactly(1, 0);
    }
  }

  @Test
  void aBatchByColumnGetsTheAnswersOfTheSameEventsGivenAsMaps() {
    List<Map<String, Double>> events = new ArrayList<>();
    double[][] columns = new double[3][40];
    java.util.Random random = new java.util.Random(11);
    for (int r = 0; r < 40; r++) {
      for (int c = 0; c < 3; c++) {
        columns[c][r] = random.nextDouble() * 10;
      }
      events.add(event(columns[0][r], columns[1][r], columns[2][r]));
    }
    dev.plasticity.registry.client.FeatureColumns byColumn =
        dev.plasticity.registry.client.FeatureColumns.of(List.of("x3", "x1", "x2"), columns[2], columns[0], columns[1]);
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL)) {
      predictor.swap(serving(MODEL, 2));

      List<Prediction> fromMaps = predictor.predictBatch(events);
      List<Prediction> fromColumns = predictor.predictBatch(byColumn);

      assertThat(fromColumns).containsExactlyElementsOf(fromMaps);
      assertThat(fromColumns).extracting(Prediction::label).containsAll(List.of(0, 1));
      assertThat(predictor.predictions()).isEqualTo(80);
      assertThatThrownBy(() -> predictor.predictBatch(
          dev.plasticity.registry.client.FeatureColumns.of(List.of("x1", "x3"), columns[0], columns[2])))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x2' is missing");
      assertThat(predictor.failedPredictions()).isEqualTo(40);
    }
  }

  @Test
  void aBatchByColumnWalksTheLevelsOfALevelledVersionInRowOrder() {
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL)) {
      predictor.swap(levelledServing(1, 2, 0.0));

      // as the batch of maps above: 1.0 is above the level 0, then 0.4 below the 0.5 that 1.0 raised it to
      List<Prediction> answers = predictor.predictBatch(
          dev.plasticity.registry.client.FeatureColumns.of(List.of("x1"), new double[] {1.0, 0.4}));

      assertThat(answers).extracting(Prediction::label).containsExactly(1, 0);
      assertThat(predictor.predict(Map.of("x1", 0.46)).label()).as("0.46 against the walked 0.45").isEqualTo(1);
    }
  }

  @Test
  void batchesOfChangingSizesFromSeveralThreadsGetTheAnswersOfTheirRowsPredictedAlone() throws Exception {
    int threads = 3; // one more than the version keeps lanes for: bursts make lanes of their own
    java.util.Random random = new java.util.Random(5);
    List<Map<String, Double>> rows = new ArrayList<>();
    for (int r = 0; r < 200; r++) {
      rows.add(event(random.nextDouble() * 10, random.nextDouble() * 10, random.nextDouble() * 10));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL)) {
      predictor.swap(serving(MODEL, 1));
      List<Prediction> alone = rows.stream().map(predictor::predict).toList();
      List<Future<Integer>> checked = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = t;
        checked.add(pool.submit(() -> {
          java.util.Random sizes = new java.util.Random(seed);
          int answers = 0;
          for (int b = 0; b < 60; b++) {
            int from = sizes.nextInt(rows.size());
            int to = from + 1 + sizes.nextInt(rows.size() - from); // 1 to 200 rows: lanes grow and are reused
            List<Prediction> batch = predictor.predictBatch(rows.subList(from, to));
            assertThat(batch).hasSize(to - from);
            for (int r = from; r < to; r++) { // a batch's forward pass may differ from a row's in the last bit
              assertThat(batch.get(r - from).label()).isEqualTo(alone.get(r).label());
              assertThat(batch.get(r - from).probabilities()).containsExactly(alone.get(r).probabilities(),
                  org.assertj.core.data.Offset.offset(1e-6f));
            }
            answers += to - from;
          }
          return answers;
        }));
      }
      for (Future<Integer> thread : checked) {
        assertThat(thread.get()).isPositive();
      }
      assertThat(predictor.failedPredictions()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }
}
