package dev.plasticity.generators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.generators.BenchmarkStream.DriftType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ArfStreamsTest {

    /** The command lines published with the ARF paper; STAGGER, not in the paper, nested the same way. */
    static Stream<Arguments> publishedCommandLines() {
        return Stream.of(
                Arguments.of("LED_a", nested("generators.LEDGeneratorDrift -d 1", "generators.LEDGeneratorDrift -d 3",
                        "generators.LEDGeneratorDrift -d 5", "generators.LEDGeneratorDrift -d 7", 50)),
                Arguments.of("LED_g", nested("generators.LEDGeneratorDrift -d 1", "generators.LEDGeneratorDrift -d 3",
                        "generators.LEDGeneratorDrift -d 5", "generators.LEDGeneratorDrift -d 7", 50000)),
                Arguments.of("SEA_a", nested("generators.SEAGenerator -f 1", "generators.SEAGenerator -f 2",
                        "generators.SEAGenerator", "generators.SEAGenerator -f 4", 50)),
                Arguments.of("SEA_g", nested("generators.SEAGenerator -f 1", "generators.SEAGenerator -f 2",
                        "generators.SEAGenerator", "generators.SEAGenerator -f 4", 50000)),
                Arguments.of("AGR_a", nested("generators.AgrawalGenerator -f 1", "generators.AgrawalGenerator -f 2",
                        "generators.AgrawalGenerator", "generators.AgrawalGenerator -f 4", 50)),
                Arguments.of("AGR_g", nested("generators.AgrawalGenerator -f 1", "generators.AgrawalGenerator -f 2",
                        "generators.AgrawalGenerator", "generators.AgrawalGenerator -f 4", 50000)),
                Arguments.of("RBF_m", "generators.RandomRBFGeneratorDrift -c 5 -s .0001"),
                Arguments.of("RBF_f", "generators.RandomRBFGeneratorDrift -c 5 -s .001"),
                Arguments.of("HYPER", "generators.HyperplaneGenerator -k 10 -t .001"),
                Arguments.of("STAGGER_a", nested("generators.STAGGERGenerator -f 1", "generators.STAGGERGenerator -f 2",
                        "generators.STAGGERGenerator -f 3", "generators.STAGGERGenerator -f 1", 50)),
                Arguments.of("STAGGER_g", nested("generators.STAGGERGenerator -f 1", "generators.STAGGERGenerator -f 2",
                        "generators.STAGGERGenerator -f 3", "generators.STAGGERGenerator -f 1", 50000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publishedCommandLines")
    void streamGivesTheFirstInstancesOfThePublishedMoaCommandLine(String name, String moaCli) {
        MoaReference.assertSameInstances(moaCli, ArfStreams.byName(name).stream(), 20_000);
    }

    /** The eight streams with drift positions: abrupt ({@code _a}) and gradual ({@code _g}). */
    static Stream<Arguments> driftingCommandLines() {
        return publishedCommandLines().filter(a -> ArfStreams.byName((String) a.get()[0]).driftType() != DriftType.INCREMENTAL);
    }

    /** The three streams that drift a little with every instance, without positions. */
    static Stream<Arguments> incrementalCommandLines() {
        return publishedCommandLines().filter(a -> ArfStreams.byName((String) a.get()[0]).driftType() == DriftType.INCREMENTAL);
    }

    @Test
    void theStreamsSplitIntoEightWithDriftPositionsAndThreeIncremental() {
        assertThat(driftingCommandLines().map(a -> (String) a.get()[0])).hasSize(8).allMatch(n -> n.endsWith("_a") || n.endsWith("_g"));
        assertThat(incrementalCommandLines().map(a -> (String) a.get()[0])).containsExactly("RBF_m", "RBF_f", "HYPER");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("driftingCommandLines")
    void abruptAndGradualStreamsMatchMoaThroughAllThreeDrifts(String name, String moaCli) {
        MoaReference.assertSameInstances(moaCli, ArfStreams.byName(name).stream(), 1_000_000);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("incrementalCommandLines")
    void incrementalStreamsMatchMoaOverTheirWholeMillion(String name, String moaCli) {
        MoaReference.assertSameInstances(moaCli, ArfStreams.byName(name).stream(), 1_000_000);
    }

    @Test
    void abruptStreamsDriftAtAQuarterHalfAndThreeQuartersWithWidth50() {
        for (String name : List.of("LED_a", "SEA_a", "AGR_a", "STAGGER_a")) {
            BenchmarkStream stream = ArfStreams.byName(name);
            assertThat(stream.driftType()).as(name).isEqualTo(DriftType.ABRUPT);
            assertThat(stream.drifts()).as(name).containsExactly(
                    new Drift(250_000, 50), new Drift(500_000, 50), new Drift(750_000, 50));
        }
    }

    @Test
    void gradualStreamsDriftAtAQuarterHalfAndThreeQuartersWithWidth50000() {
        for (String name : List.of("LED_g", "SEA_g", "AGR_g", "STAGGER_g")) {
            BenchmarkStream stream = ArfStreams.byName(name);
            assertThat(stream.driftType()).as(name).isEqualTo(DriftType.GRADUAL);
            assertThat(stream.drifts()).as(name).containsExactly(
                    new Drift(250_000, 50_000), new Drift(500_000, 50_000), new Drift(750_000, 50_000));
        }
    }

    @Test
    void incrementalStreamsReportNoDriftPositions() {
        for (String name : List.of("RBF_m", "RBF_f", "HYPER")) {
            BenchmarkStream stream = ArfStreams.byName(name);
            assertThat(stream.driftType()).as(name).isEqualTo(DriftType.INCREMENTAL);
            assertThat(stream.drifts()).as(name).isEmpty();
        }
    }

    @Test
    void everyStreamHasAMillionInstancesAndItsPaperName() {
        assertThat(ArfStreams.all()).extracting(BenchmarkStream::name).containsExactlyElementsOf(ArfStreams.NAMES);
        assertThat(ArfStreams.all()).allSatisfy(s -> assertThat(s.numInstances()).isEqualTo(1_000_000));
    }

    @Test
    void everyCallBuildsAFreshStream() {
        BenchmarkStream first = ArfStreams.seaAbrupt();
        first.stream().next();

        assertThat(ArfStreams.seaAbrupt().stream().next()).isEqualTo(new SeaGenerator().next());
    }

    @Test
    void refusesAnUnknownName() {
        assertThatThrownBy(() -> ArfStreams.byName("SEA_x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no ARF stream called 'SEA_x'");
    }

    private static String nested(String first, String second, String third, String fourth, int width) {
        return "ConceptDriftStream -s (" + first + ") -d (ConceptDriftStream -s (" + second + ") -d (ConceptDriftStream"
                + " -s (" + third + ") -d (" + fourth + ") -w " + width + " -p 250000) -w " + width + " -p 250000) -w "
                + width + " -p 250000";
    }
}
