package dev.plasticity.trainer.adaptation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.LatencyProbe;
import dev.plasticity.trainer.network.NetworkTraining;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ImportanceWeightingTest {
  private static final List<String> FEATURES = List.of("x1", "x2");
  private static final TrainingSettings CONFIG = TrainingSettings.DEFAULTS.withEpochs(5).withHiddenUnits(List.of(8));

  /** x1 ~ N(shift, 1), x2 ~ N(0, 1); the concept stays put: label 1 when x1 + x2 > 0.5. */
  static List<LabelledEvent> gaussian(int n, double shift, long seed, long firstTime) {
    Random random = new Random(seed);
    List<LabelledEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double x1 = shift + random.nextGaussian();
      double x2 = random.nextGaussian();
      events.add(LabelledEvent.newBuilder().setEventId("g-" + seed + "-" + i).setModel("shifted")
          .setEventTime(firstTime + i).setFeatures(Map.of("x1", x1, "x2", x2)).setLabel(x1 + x2 > 0.5 ? 1 : 0).build());
    }
    return events;
  }

  @Test
  void weighsOldEventsThatLookLikeTheNewWindowMore() {
    List<LabelledEvent> old = gaussian(1000, 0, 1, 0);
    List<LabelledEvent> shifted = gaussian(1000, 1.5, 2, 1_000_000);

    ImportanceWeighting.Weights weights = ImportanceWeighting.estimate(old, shifted, FEATURES, 10, CONFIG);

    double nearNew = 0;
    double farFromNew = 0;
    int near = 0;
    int far = 0;
    double sum = 0;
    for (int i = 0; i < old.size(); i++) {
      double x1 = old.get(i).getFeatures().get("x1");
      sum += weights.weights()[i];
      if (x1 > 1) {
        nearNew += weights.weights()[i];
        near++;
      } else if (x1 < -1) {
        farFromNew += weights.weights()[i];
        far++;
      }
    }
    // the true ratio is exp(1.5 x1 - 1.125): about 8x at x1 = 1.4 against 0.08x at x1 = -1.4
    assertThat(nearNew / near).isGreaterThan(10 * farFromNew / far);
    assertThat(sum / old.size()).isCloseTo(1.0, Offset.offset(1e-4));
    for (float w : weights.weights()) {
      assertThat(w).isPositive();
    }
    assertThat(weights.effectiveSampleSize()).isBetween(50.0, 900.0);
    assertThat(weights.domainAccuracy()).isGreaterThan(0.7);
  }

  @Test
  void windowsThatLookAlikeGiveNearlyEqualWeights() {
    ImportanceWeighting.Weights weights = ImportanceWeighting.estimate(gaussian(500, 0, 3, 0),
        gaussian(500, 0, 4, 1_000_000), FEATURES, 10, CONFIG);

    assertThat(weights.effectiveSampleSize()).isGreaterThan(0.95 * 500);
    assertThat(weights.clipped()).isZero();
  }

  @Test
  void effectiveSampleSizeIsTheCountForEqualWeightsAndNearOneWhenOneDominates() {
    assertThat(ImportanceWeighting.effectiveSampleSize(new float[] {1, 1, 1, 1})).isCloseTo(4.0, Offset.offset(1e-9));
    assertThat(ImportanceWeighting.effectiveSampleSize(new float[] {1000, 0.01f, 0.01f, 0.01f}))
        .isCloseTo(1.0, Offset.offset(1e-3));
  }

  @Test
  void trainsOnTheWeightedOldEventsAndTheNewWindowJudgedOnTheNewWindowAlone() {
    List<LabelledEvent> old = gaussian(600, 0, 5, 0);
    LabelledData window = LabelledData.split(gaussian(500, 1.5, 6, 1_000_000), 0.2);
    var fresh = NetworkTraining.architecture(FEATURES, window.train(), 2, CONFIG.hiddenUnits());
    ImportanceWeighting.Weighted combined = ImportanceWeighting.combine(old, new float[600], window);

    Strategy.Adapted adapted = AdaptationStrategy.IMPORTANCE_WEIGHTING.adapt(
        new Strategy.Parent("shifted", fresh, new byte[0]), window, old, fresh,
        new ConstraintCheck(List.of(), LatencyProbe.standard()), CONFIG, AdaptationSettings.DEFAULTS, (epoch, epochs, accuracy) -> {});

    assertThat(combined.data().train()).hasSize(600 + 400);
    assertThat(combined.data().heldOut()).isEqualTo(window.heldOut());
    assertThat(combined.objective().rowValues().get(0)[600]).containsExactly(1f);
    assertThat(adapted.result().heldOutAccuracy()).isGreaterThan(0.9);
    assertThat(adapted.metrics().get("importance_ess")).isBetween(1.0, 600.0);
    assertThat(adapted.metrics()).containsEntry("reference_events", 600.0).containsKey("importance_domain_accuracy");
    assertThat(adapted.note()).contains("600 reference events weighted");
    assertThatThrownBy(() -> ImportanceWeighting.combine(old, new float[3], window))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 weights for 600 reference events");
  }
}
