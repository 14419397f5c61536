package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import dev.plasticity.registry.client.ClassProbabilities;
import dev.plasticity.registry.client.InputEncoder;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.CategoricalFeature;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.trainer.RetrainingPolicy;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainingOutcome;
import dev.plasticity.trainer.network.CategoryVocabulary;
import dev.plasticity.trainer.network.LatencyProbes;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A three-class model whose label depends on a categorical feature: the trainer builds the
 * feature's vocabulary from the window (most frequent first, capped, the rare rest unknown), the
 * trained network is served from its stored architecture alone, and later runs keep or refit the
 * vocabulary by strategy. Real DJL training, I/O in memory.
 */
class CategoricalRunTest {
  private static final long OLD = 0;
  private static final long NEW = 1_000_000;
  private static final List<String> COLOURS = List.of("red", "green", "blue");

  private final InMemoryIo.Versions versions = new InMemoryIo.Versions();
  private final InMemoryIo.Progress progress = new InMemoryIo.Progress();

  private static TrainerConfig.Builder config() {
    return TrainerConfig.builder("no-broker:9092", URI.create("http://no-registry")).trainingEvents(1200)
        .minTrainingEvents(200).epochs(10).hiddenUnits(List.of(16));
  }

  private RetrainingRun run(TrainerConfig config, InMemoryIo.Events events) {
    return new RetrainingRun(config, events, versions, progress, Clock.systemUTC(),
        LatencyProbes.ticking(Duration.ofNanos(50_000)));
  }

  private static DataWindow window(long start) {
    return DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(start).setEndTime(start)
        .setEventCount(1200).setOffsets(List.of()).build();
  }

  /**
   * {@code n} events from {@code start}: x ~ N(0, 1); colour red, green or blue in shares 40/35/25
   * (every 20th event instead a rare colour seen once); the label is (colour's
   * index + [x > 0]) mod 3, where a rare colour counts as red. Without the colour the label is a guess.
   */
  private static List<LabelledEvent> events(long start, int n, long seed, String newColour) {
    Random random = new Random(seed);
    List<LabelledEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = random.nextGaussian();
      int slot = i % 20;
      String colour;
      int index;
      if (slot == 19) {
        colour = "rare-" + i;
        index = 0;
      } else if (newColour != null && slot >= 12) {
        colour = newColour;
        index = 1;
      } else {
        index = slot < 8 ? 0 : slot < 15 ? 1 : 2;
        colour = COLOURS.get(index);
      }
      int label = (index + (x > 0 ? 1 : 0)) % 3;
      events.add(LabelledEvent.newBuilder().setEventId("shop-" + start + "-" + i).setModel("shop")
          .setEventTime(start + i).setFeatures(Map.of("x", x)).setCategorical(Map.of("colour", colour))
          .setLabel(label).build());
    }
    return events;
  }

  @Test
  void aThreeClassModelLearnsACappedFrequencyOrderedVocabularyAndServesFromItsArchitecture() throws Exception {
    InMemoryIo.Events events = new InMemoryIo.Events().add(events(OLD, 1200, 3, null));

    TrainingOutcome outcome = run(config().build(), events).run("bootstrap-shop", "shop", null, window(OLD), 1200);

    ModelVersion v1 = outcome.version().orElseThrow();
    assertThat(v1.getArchitecture().getNumClasses()).isEqualTo(3);
    assertThat(v1.getArchitecture().getCategoricalFeatures()).hasSize(1);
    CategoricalFeature colour = v1.getArchitecture().getCategoricalFeatures().get(0);
    assertThat(colour.getName()).isEqualTo("colour");
    assertThat(colour.getVocabulary()).hasSize(CategoryVocabulary.DEFAULT_CAP)
        .startsWith("red", "green", "blue");
    assertThat(v1.getLineage().getGate().getChallengerAccuracy()).as("the colour decides the label")
        .isGreaterThan(0.85);
    assertThat(v1.getReference().getLabelDistribution()).hasSize(3);
    assertThat(v1.getReference().getCategories()).singleElement().satisfies(c -> {
      assertThat(c.getName()).isEqualTo("colour");
      assertThat(c.getValues()).hasSize(63).startsWith("red", "green", "blue");
      assertThat(c.getCounts()).startsWith(480L, 420L, 240L);
      assertThat(c.getOtherCount()).isZero();
    });

    // served from what the registry holds: the architecture and the artifact
    byte[] artifact = versions.downloadVerified(v1);
    InputEncoder encoder = InputEncoder.of(v1.getArchitecture());
    List<Map<String, Double>> numeric = List.of(Map.of("x", 1.0), Map.of("x", 1.0), Map.of("x", -1.0),
        Map.of("x", -1.0), Map.of("x", -1.0));
    List<Map<String, String>> categorical = List.of(Map.of("colour", "green"), Map.of("colour", "blue"),
        Map.of("colour", "blue"), Map.of("colour", "never-seen"), Map.of());
    float[] flat = encoder.encode(numeric, categorical, new int[0], null);
    float[][] rows = new float[numeric.size()][];
    for (int r = 0; r < rows.length; r++) {
      rows[r] = java.util.Arrays.copyOfRange(flat, r * encoder.width(), (r + 1) * encoder.width());
    }
    try (Model model = ModelFormat.load("shop", v1.getArchitecture(), artifact);
        Predictor<float[][], float[][]> predictor = model.newPredictor(new ClassProbabilities())) {
      float[][] probabilities = predictor.predict(rows);
      assertThat(probabilities).hasDimensions(5, 3);
      // green with x > 0 is class 2, blue with x > 0 class 0, blue with x <= 0 class 2
      assertThat(ClassProbabilities.argmax(probabilities[0])).isEqualTo(2);
      assertThat(ClassProbabilities.argmax(probabilities[1])).isEqualTo(0);
      assertThat(ClassProbabilities.argmax(probabilities[2])).isEqualTo(2);
    }
  }

  @Test
  void aFineTuneKeepsTheServingVocabularyAndARetrainingLearnsTheNewFrequentValue() {
    InMemoryIo.Events events = new InMemoryIo.Events().add(events(OLD, 1200, 3, null))
        .add(events(NEW, 1200, 4, "teal"));
    ModelVersion v1 = run(config().build(), events).run("bootstrap-shop", "shop", null, window(OLD), 1200)
        .version().orElseThrow();
    RetrainingPolicy.Drift drift = new RetrainingPolicy.Drift(DriftKind.COVARIATE, 0.3);

    TrainingOutcome fineTuned = run(config().strategy("fine-tune:all").build(), events)
        .run("covariate-1", "shop", v1.getVersion(), window(NEW), 1200, drift);
    int serving = versions.champion("shop").orElseThrow().getVersion();
    TrainingOutcome retrained = run(config().strategy("retrain").build(), events)
        .run("covariate-2", "shop", serving, window(NEW), 1200, drift);

    assertThat(fineTuned.version().orElseThrow().getLineage().getStrategy()).isEqualTo("fine-tune:all");
    assertThat(fineTuned.version().orElseThrow().getArchitecture().getCategoricalFeatures())
        .isEqualTo(v1.getArchitecture().getCategoricalFeatures());
    List<String> refitted = retrained.version().orElseThrow().getArchitecture().getCategoricalFeatures().get(0)
        .getVocabulary();
    assertThat(refitted).startsWith("red", "teal", "green").doesNotContain("blue");
    assertThat(v1.getArchitecture().getCategoricalFeatures().get(0).getVocabulary()).doesNotContain("teal");
  }
}
