package dev.plasticity.generators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConceptDriftStreamTest {

    private static final int COUNT = 20_000;

    @Test
    void abruptDriftGivesMoasInstances() {
        MoaReference.assertSameInstances(
                "ConceptDriftStream -s (generators.SEAGenerator -f 1) -d (generators.SEAGenerator -f 3 -i 2)"
                        + " -p 5000 -w 50 -r 3",
                new ConceptDriftStream(new SeaGenerator(1, false, 10, 1), new SeaGenerator(3, false, 10, 2),
                        5000, 50, 3),
                COUNT);
    }

    @Test
    void gradualDriftGivesMoasInstances() {
        MoaReference.assertSameInstances(
                "ConceptDriftStream -s (generators.AgrawalGenerator -f 2 -i 4) -d (generators.AgrawalGenerator -f 7)"
                        + " -p 10000 -w 5000",
                new ConceptDriftStream(new AgrawalGenerator(2, 0.05, false, 4), new AgrawalGenerator(7, 0.05, false, 1), 10000, 5000,
                        ConceptDriftStream.DEFAULT_SEED),
                COUNT);
    }

    @Test
    void gradualDriftBetweenMovingRbfModelsGivesMoasInstances() {
        MoaReference.assertSameInstances(
                "ConceptDriftStream -s (generators.RandomRBFGeneratorDrift -r 1 -s 0.001)"
                        + " -d (generators.RandomRBFGeneratorDrift -r 2 -i 9) -p 8000 -w 3000 -r 5",
                new ConceptDriftStream(new RandomRbfDriftGenerator(1, 1, 2, 10, 50, 0.001, 50),
                        new RandomRbfDriftGenerator(2, 9, 2, 10, 50, 0.0, 50), 8000, 3000, 5),
                COUNT);
    }

    @Test
    void chainOfAbruptDriftsGivesMoasNestedStream() {
        MoaReference.assertSameInstances(
                "ConceptDriftStream -s (generators.LEDGeneratorDrift -d 1) -d (ConceptDriftStream"
                        + " -s (generators.LEDGeneratorDrift -d 3) -d (ConceptDriftStream"
                        + " -s (generators.LEDGeneratorDrift -d 5) -d (generators.LEDGeneratorDrift -d 7)"
                        + " -w 50 -p 5000) -w 50 -p 5000) -w 50 -p 5000",
                ConceptDriftStream.chain(List.of(led(1), led(3), led(5), led(7)), List.of(5000L, 10000L, 15000L), 50,
                        1),
                COUNT);
    }

    @Test
    void chainOfGradualDriftsAtUnevenPositionsGivesMoasNestedStream() {
        MoaReference.assertSameInstances(
                "ConceptDriftStream -s (generators.STAGGERGenerator -f 1 -i 2) -d (ConceptDriftStream"
                        + " -s (generators.STAGGERGenerator -f 2 -i 3) -d (ConceptDriftStream"
                        + " -s (generators.STAGGERGenerator -f 3 -i 4) -d (generators.STAGGERGenerator -f 1 -i 5)"
                        + " -w 1000 -p 2000 -r 7) -w 1000 -p 7000 -r 7) -w 1000 -p 3000 -r 7",
                ConceptDriftStream.chain(List.of(new StaggerGenerator(1, false, 2), new StaggerGenerator(2, false, 3),
                        new StaggerGenerator(3, false, 4), new StaggerGenerator(1, false, 5)),
                        List.of(3000L, 10000L, 12000L), 1000, 7),
                COUNT);
    }

    @Test
    void reportsNestedDriftsOnTheOuterCount() {
        ConceptDriftStream stream = ConceptDriftStream.chain(
                List.of(led(1), led(3), led(5), led(7)), List.of(3000L, 10000L, 12000L), 500, 1);

        assertThat(stream.drifts()).containsExactly(new Drift(3000, 500), new Drift(10000, 500),
                new Drift(12000, 500));
    }

    @Test
    void eachConceptTakesOverAtItsReportedPosition() {
        // With a symmetric sigmoid, the instances drawn from the concepts before drift k number its position.
        List<Long> positions = List.of(20_000L, 40_000L, 60_000L);
        ConceptDriftStream stream = ConceptDriftStream.chain(
                List.of(new Marker(0), new Marker(1), new Marker(2), new Marker(3)), positions, 2000, 11);
        long[] before = new long[positions.size()];
        for (int i = 0; i < 80_000; i++) {
            int concept = (int) stream.next().feature(0);
            for (int k = 0; k < before.length; k++) {
                if (concept <= k) {
                    before[k]++;
                }
            }
        }

        for (int k = 0; k < before.length; k++) {
            assertThat(before[k]).as("instances before drift %d", k).isCloseTo(positions.get(k),
                    org.assertj.core.data.Offset.offset(200L));
        }
    }

    @Test
    void refusesToJoinStreamsWithDifferentAttributes() {
        assertThatThrownBy(() -> new ConceptDriftStream(new SeaGenerator(), new StaggerGenerator(), 100, 10, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same attributes and classes");
    }

    @Test
    void refusesAWidthBelowOneOrANegativePosition() {
        assertThatThrownBy(() -> new ConceptDriftStream(new SeaGenerator(), new SeaGenerator(), 100, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width");
        assertThatThrownBy(() -> new ConceptDriftStream(new SeaGenerator(), new SeaGenerator(), -1, 10, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("position");
    }

    @Test
    void chainNeedsOneIncreasingPositionPerChange() {
        List<StreamGenerator> three = List.of(led(1), led(2), led(3));
        assertThatThrownBy(() -> ConceptDriftStream.chain(List.of(led(1)), List.of(), 50, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least two concepts");
        assertThatThrownBy(() -> ConceptDriftStream.chain(three, List.of(100L), 50, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one position per change");
        assertThatThrownBy(() -> ConceptDriftStream.chain(three, List.of(200L, 200L), 50, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("increase strictly");
    }

    private static StreamGenerator led(int driftingAttributes) {
        return new LedDriftGenerator(10, false, driftingAttributes, 1);
    }

    /** A concept whose every instance carries its id, to see which concept an instance came from. */
    private record Marker(int id) implements StreamGenerator {
        @Override
        public List<Attribute> attributes() {
            return List.of(Attribute.numeric("concept"));
        }

        @Override
        public int numClasses() {
            return 2;
        }

        @Override
        public Instance next() {
            return new Instance(new double[] {id}, 0);
        }
    }
}
