package dev.plasticity.generators;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every generator gives MOA's first 20,000 instances for the same options and seeds. */
class GeneratorsMatchMoaTest {

    private static final int COUNT = 20_000;

    static Stream<Arguments> sea() {
        return Stream.of(
                cli("generators.SEAGenerator", SeaGenerator::new),
                cli("generators.SEAGenerator -f 2 -i 7", () -> new SeaGenerator(2, false, 10, 7)),
                cli("generators.SEAGenerator -f 3 -b -p 0 -i 42", () -> new SeaGenerator(3, true, 0, 42)),
                cli("generators.SEAGenerator -f 4 -p 30 -i 123 -b", () -> new SeaGenerator(4, true, 30, 123)),
                cli("generators.SEAGenerator -f 1 -p 100 -i -5", () -> new SeaGenerator(1, false, 100, -5)));
    }

    static Stream<Arguments> hyperplane() {
        return Stream.of(
                cli("generators.HyperplaneGenerator", HyperplaneGenerator::new),
                cli("generators.HyperplaneGenerator -k 10 -t 0.001",
                        () -> new HyperplaneGenerator(2, 10, 10, 0.001, 5, 10, 1)),
                cli("generators.HyperplaneGenerator -c 3 -a 5 -k 3 -t 0.01 -n 0 -s 50 -i 9",
                        () -> new HyperplaneGenerator(3, 5, 3, 0.01, 0, 50, 9)),
                cli("generators.HyperplaneGenerator -a 20 -k 0 -n 20 -i 3",
                        () -> new HyperplaneGenerator(2, 20, 0, 0.0, 20, 10, 3)),
                cli("generators.HyperplaneGenerator -a 4 -k 4 -t 1.0 -s 100 -i 77",
                        () -> new HyperplaneGenerator(2, 4, 4, 1.0, 5, 100, 77)));
    }

    static Stream<Arguments> agrawal() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (int f = 1; f <= 10; f++) {
            int function = f;
            cases.add(cli("generators.AgrawalGenerator -f " + f + " -i " + (f * 11),
                    () -> new AgrawalGenerator(function, 0.05, false, function * 11)));
            cases.add(cli("generators.AgrawalGenerator -f " + f + " -b -p 0.3 -i " + (f + 100),
                    () -> new AgrawalGenerator(function, 0.3, true, function + 100)));
        }
        cases.add(cli("generators.AgrawalGenerator", AgrawalGenerator::new));
        cases.add(cli("generators.AgrawalGenerator -f 10 -p 0.0 -i 4", () -> new AgrawalGenerator(10, 0.0, false, 4)));
        cases.add(cli("generators.AgrawalGenerator -f 5 -p 1.0 -i 8", () -> new AgrawalGenerator(5, 1.0, false, 8)));
        return cases.build();
    }

    static Stream<Arguments> randomRbfDrift() {
        return Stream.of(
                cli("generators.RandomRBFGeneratorDrift", RandomRbfDriftGenerator::new),
                cli("generators.RandomRBFGeneratorDrift -c 5 -s .0001",
                        () -> new RandomRbfDriftGenerator(1, 1, 5, 10, 50, 0.0001, 50)),
                cli("generators.RandomRBFGeneratorDrift -c 5 -s .001",
                        () -> new RandomRbfDriftGenerator(1, 1, 5, 10, 50, 0.001, 50)),
                cli("generators.RandomRBFGeneratorDrift -r 3 -i 4 -c 4 -a 7 -n 20 -s 0.01 -k 5",
                        () -> new RandomRbfDriftGenerator(3, 4, 4, 7, 20, 0.01, 5)),
                cli("generators.RandomRBFGeneratorDrift -r 12 -i 13 -n 10 -s 0.05 -k 100",
                        () -> new RandomRbfDriftGenerator(12, 13, 2, 10, 10, 0.05, 100)),
                cli("generators.RandomRBFGeneratorDrift -a 1 -n 1 -s 0.2 -k 0 -i 6",
                        () -> new RandomRbfDriftGenerator(1, 6, 2, 1, 1, 0.2, 0)));
    }

    static Stream<Arguments> ledDrift() {
        return Stream.of(
                cli("generators.LEDGeneratorDrift", LedDriftGenerator::new),
                cli("generators.LEDGeneratorDrift -d 7 -i 5", () -> new LedDriftGenerator(10, false, 7, 5)),
                cli("generators.LEDGeneratorDrift -d 3 -n 0 -i 2", () -> new LedDriftGenerator(0, false, 3, 2)),
                cli("generators.LEDGeneratorDrift -s -d 4 -n 25 -i 11", () -> new LedDriftGenerator(25, true, 4, 11)),
                cli("generators.LEDGeneratorDrift -d 0 -n 100 -i 9", () -> new LedDriftGenerator(100, false, 0, 9)));
    }

    static Stream<Arguments> stagger() {
        return Stream.of(
                cli("generators.STAGGERGenerator", StaggerGenerator::new),
                cli("generators.STAGGERGenerator -f 2 -i 3", () -> new StaggerGenerator(2, false, 3)),
                cli("generators.STAGGERGenerator -f 3 -i 8", () -> new StaggerGenerator(3, false, 8)),
                cli("generators.STAGGERGenerator -f 1 -b -i 21", () -> new StaggerGenerator(1, true, 21)),
                cli("generators.STAGGERGenerator -f 2 -b -i 22", () -> new StaggerGenerator(2, true, 22)),
                cli("generators.STAGGERGenerator -f 3 -b -i 23", () -> new StaggerGenerator(3, true, 23)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sea")
    void seaGivesMoasInstances(String moaCli, Supplier<StreamGenerator> ours) {
        MoaReference.assertSameInstances(moaCli, ours.get(), COUNT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hyperplane")
    void hyperplaneGivesMoasInstances(String moaCli, Supplier<StreamGenerator> ours) {
        MoaReference.assertSameInstances(moaCli, ours.get(), COUNT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("agrawal")
    void agrawalGivesMoasInstances(String moaCli, Supplier<StreamGenerator> ours) {
        MoaReference.assertSameInstances(moaCli, ours.get(), COUNT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("randomRbfDrift")
    void randomRbfWithMovingCentroidsGivesMoasInstances(String moaCli, Supplier<StreamGenerator> ours) {
        MoaReference.assertSameInstances(moaCli, ours.get(), COUNT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ledDrift")
    void ledWithDriftingAttributesGivesMoasInstances(String moaCli, Supplier<StreamGenerator> ours) {
        MoaReference.assertSameInstances(moaCli, ours.get(), COUNT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stagger")
    void staggerGivesMoasInstances(String moaCli, Supplier<StreamGenerator> ours) {
        MoaReference.assertSameInstances(moaCli, ours.get(), COUNT);
    }

    private static Arguments cli(String moaCli, Supplier<StreamGenerator> ours) {
        return Arguments.of(moaCli, ours);
    }
}
