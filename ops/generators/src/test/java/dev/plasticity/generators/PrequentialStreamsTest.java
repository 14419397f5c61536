package dev.plasticity.generators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.generators.BenchmarkStream.DriftType;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrequentialStreamsTest {

    @Test
    void everyNamedStreamBuildsAndDrawsInstancesWithItsOwnAttributes() {
        for (String name : PrequentialStreams.NAMES) {
            BenchmarkStream stream = PrequentialStreams.byName(name, 1_000, 1);
            assertThat(stream.name()).isEqualTo(name);
            assertThat(stream.numInstances()).isEqualTo(1_000);
            for (int i = 0; i < 1_000; i++) {
                Instance x = stream.stream().next();
                assertThat(x.numFeatures()).isEqualTo(stream.stream().attributes().size());
                assertThat(x.label()).isLessThan(stream.stream().numClasses());
            }
        }
    }

    @Test
    void driftPositionsAreSharesOfTheStreamLength() {
        assertThat(PrequentialStreams.byName("sea-abrupt", 40_000, 1).drifts())
                .extracting(Drift::position).containsExactly(10_000L, 20_000L, 30_000L);
        assertThat(PrequentialStreams.byName("sea-gradual", 40_000, 1).drifts())
                .extracting(Drift::width).containsOnly(4_000);
        assertThat(PrequentialStreams.byName("sea-recurring", 40_000, 1).drifts())
                .extracting(Drift::position).containsExactly(8_000L, 16_000L, 24_000L, 32_000L);
        assertThat(PrequentialStreams.byName("electricity-like", 40_000, 1).driftType()).isEqualTo(DriftType.INCREMENTAL);
    }

    @Test
    void theSameNameAndSeedGiveTheSameInstances() {
        for (String name : List.of("agrawal-abrupt", "rbf-moving")) {
            StreamGenerator a = PrequentialStreams.byName(name, 1_000, 3).stream();
            StreamGenerator b = PrequentialStreams.byName(name, 1_000, 3).stream();
            for (int i = 0; i < 500; i++) {
                assertThat(a.next()).isEqualTo(b.next());
            }
        }
    }

    @Test
    void anUnknownNameIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> PrequentialStreams.byName("sea", 1_000, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sea-abrupt");
    }
}
