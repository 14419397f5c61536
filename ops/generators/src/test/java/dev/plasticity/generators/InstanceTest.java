package dev.plasticity.generators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InstanceTest {

    @Test
    void isNotChangedByWritingToTheArrayItWasGivenOrReturned() {
        double[] values = {1.0, 2.0};
        Instance instance = new Instance(values, 1);

        values[0] = 99.0;
        instance.features()[1] = 99.0;

        assertThat(instance.features()).containsExactly(1.0, 2.0);
        assertThat(instance.feature(0)).isEqualTo(1.0);
    }

    @Test
    void equalsAnInstanceWithTheSameValuesAndLabel() {
        assertThat(new Instance(new double[] {1.0, 2.0}, 1))
                .isEqualTo(new Instance(new double[] {1.0, 2.0}, 1))
                .hasSameHashCodeAs(new Instance(new double[] {1.0, 2.0}, 1))
                .isNotEqualTo(new Instance(new double[] {1.0, 2.0}, 0));
    }

    @Test
    void refusesANegativeLabel() {
        assertThatThrownBy(() -> new Instance(new double[] {1.0}, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label");
    }

    @Test
    void generatorsDescribeTheirNominalAttributes() {
        AgrawalGenerator agrawal = new AgrawalGenerator();

        assertThat(agrawal.featureNames()).containsExactly(
                "salary", "commission", "age", "elevel", "car", "zipcode", "hvalue", "hyears", "loan");
        assertThat(agrawal.attributes()).extracting(Attribute::numValues).containsExactly(0, 0, 0, 5, 20, 9, 0, 0, 0);
        assertThat(new LedDriftGenerator().isNominal(23)).isTrue();
        assertThat(new SeaGenerator().isNominal(0)).isFalse();
    }

    @Test
    void sameSeedGivesTheSameStream() {
        StreamGenerator a = ArfStreams.ledGradual().stream();
        StreamGenerator b = ArfStreams.ledGradual().stream();
        for (int i = 0; i < 1000; i++) {
            assertThat(a.next()).isEqualTo(b.next());
        }
    }
}
