package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.plasticity.schemas.FeatureReference;
import dev.plasticity.schemas.ReferenceStatistics;
import dev.plasticity.trainer.SeaEvents;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceStatisticsCalculatorTest {
  @Test
  void quantilesInterpolateBetweenOrderStatisticsLikeNumpy() {
    double[] sorted = {1, 2, 3, 4};
    // numpy.quantile([1,2,3,4], [0, 0.25, 0.5, 1]) == [1.0, 1.75, 2.5, 4.0]
    assertThat(ReferenceStatisticsCalculator.quantile(sorted, 0)).isEqualTo(1.0);
    assertThat(ReferenceStatisticsCalculator.quantile(sorted, 0.25)).isEqualTo(1.75);
    assertThat(ReferenceStatisticsCalculator.quantile(sorted, 0.5)).isEqualTo(2.5);
    assertThat(ReferenceStatisticsCalculator.quantile(sorted, 1)).isEqualTo(4.0);
  }

  @Test
  void summarisesEachFeatureAndTheLabelShares() {
    var events = SeaEvents.generate("sea", 5000, 7.0, 1, 0);
    ReferenceStatistics stats =
        ReferenceStatisticsCalculator.compute(List.of("x1", "x2", "x3"), events, 2, 0.05, 1000);
    assertThat(stats.getSampleCount()).isEqualTo(5000);
    FeatureReference x1 = stats.getFeatures().get(0);
    assertThat(x1.getName()).isEqualTo("x1");
    assertThat(x1.getQuantiles()).hasSize(101).isSorted();
    assertThat(x1.getQuantiles().get(0)).isEqualTo(x1.getMin());
    assertThat(x1.getQuantiles().get(100)).isEqualTo(x1.getMax());
    assertThat(x1.getMean()).isCloseTo(5.0, within(0.2));
    assertThat(x1.getStd()).isCloseTo(10 / Math.sqrt(12), within(0.1));
    // P(x1 + x2 <= 7) for independent U(0,10) is 7^2 / 200 = 0.245
    assertThat(stats.getLabelDistribution().get(1)).isCloseTo(0.245, within(0.02));
    assertThat(stats.getLabelDistribution().get(0) + stats.getLabelDistribution().get(1)).isCloseTo(1.0, within(1e-9));
    assertThat(stats.getErrorRate()).isEqualTo(0.05);
  }
}
