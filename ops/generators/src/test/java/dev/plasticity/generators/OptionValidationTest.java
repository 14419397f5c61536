package dev.plasticity.generators;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Options outside the range MOA allows are refused up front, with a message that names the option. */
class OptionValidationTest {

    static Stream<Arguments> invalidOptions() {
        return Stream.of(
                invalid("function", () -> new SeaGenerator(0, false, 10, 1)),
                invalid("function", () -> new SeaGenerator(5, false, 10, 1)),
                invalid("noisePercentage", () -> new SeaGenerator(1, false, 101, 1)),
                invalid("noisePercentage", () -> new SeaGenerator(1, false, -1, 1)),
                invalid("numClasses", () -> new HyperplaneGenerator(1, 10, 2, 0.0, 5, 10, 1)),
                invalid("numAtts", () -> new HyperplaneGenerator(2, 0, 0, 0.0, 5, 10, 1)),
                invalid("numDriftAtts", () -> new HyperplaneGenerator(2, 10, 11, 0.0, 5, 10, 1)),
                invalid("magChange", () -> new HyperplaneGenerator(2, 10, 2, 1.5, 5, 10, 1)),
                invalid("magChange", () -> new HyperplaneGenerator(2, 10, 2, Double.NaN, 5, 10, 1)),
                invalid("noisePercentage", () -> new HyperplaneGenerator(2, 10, 2, 0.0, 101, 10, 1)),
                invalid("sigmaPercentage", () -> new HyperplaneGenerator(2, 10, 2, 0.0, 5, -1, 1)),
                invalid("function", () -> new AgrawalGenerator(11, 0.05, false, 1)),
                invalid("function", () -> new AgrawalGenerator(0, 0.05, false, 1)),
                invalid("perturbFraction", () -> new AgrawalGenerator(1, -0.1, false, 1)),
                invalid("perturbFraction", () -> new AgrawalGenerator(1, 1.1, false, 1)),
                invalid("numClasses", () -> new RandomRbfDriftGenerator(1, 1, 1, 10, 50, 0.0, 50)),
                invalid("numAtts", () -> new RandomRbfDriftGenerator(1, 1, 2, 0, 50, 0.0, 50)),
                invalid("numCentroids", () -> new RandomRbfDriftGenerator(1, 1, 2, 10, 0, 0.0, 50)),
                invalid("speedChange", () -> new RandomRbfDriftGenerator(1, 1, 2, 10, 50, -0.001, 50)),
                invalid("speedChange",
                        () -> new RandomRbfDriftGenerator(1, 1, 2, 10, 50, Double.POSITIVE_INFINITY, 50)),
                invalid("numDriftCentroids", () -> new RandomRbfDriftGenerator(1, 1, 2, 10, 50, 0.0, -1)),
                invalid("noisePercentage", () -> new LedDriftGenerator(-1, false, 1, 1)),
                invalid("numberAttributesDrift", () -> new LedDriftGenerator(10, false, 8, 1)),
                invalid("numberAttributesDrift", () -> new LedDriftGenerator(10, false, -1, 1)),
                invalid("function", () -> new StaggerGenerator(4, false, 1)),
                invalid("function", () -> new StaggerGenerator(0, false, 1)));
    }

    @ParameterizedTest(name = "{0} #{index}")
    @MethodSource("invalidOptions")
    void refusesAnOptionOutsideMoasRange(String option, Executable construction) {
        assertThatThrownBy(construction::execute)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(option);
    }

    private static Arguments invalid(String option, Executable construction) {
        return Arguments.of(option, construction);
    }
}
