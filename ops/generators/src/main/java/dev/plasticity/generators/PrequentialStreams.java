package dev.plasticity.generators;

import dev.plasticity.generators.BenchmarkStream.DriftType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The streams the prequential benchmark replays through the adaptation loop, by the names its command takes, scaled to
 * a stream of any length: every drift position is a fixed share of {@code instances}, so a short run and a long one
 * see the same story.
 *
 * <ul>
 *   <li>{@code sea-abrupt}: SEA functions 2, 3, 1, 4 (thresholds 9, 7, 8, 9.5), changing at 1/4, 1/2 and 3/4 of the
 *       stream within 50 instances, 10% label noise.</li>
 *   <li>{@code sea-gradual}: the same concepts, each change spread over a tenth of the stream.</li>
 *   <li>{@code agrawal-abrupt}: Agrawal functions 1, 2, 3, 4 at 1/4, 1/2 and 3/4, within 50 instances, 5% perturbation.</li>
 *   <li>{@code hyperplane-rotating}: a rotating hyperplane in 10 dimensions, every weight moving by 0.001 per
 *       instance (incremental drift, no position), 5% noise.</li>
 *   <li>{@code sea-recurring}: SEA cycling between functions 3 and 4 (thresholds 7 and 9.5), a change at every fifth
 *       of the stream: the first concept comes back twice.</li>
 *   <li>{@code rbf-moving}: RandomRBF with 5 classes, 10 attributes and all 50 centroids moving at 0.001 per instance
 *       (the Adaptive Random Forest paper's {@code RBF_f}).</li>
 *   <li>{@code electricity-like}: {@link ElectricityLikeGenerator}: shifting features, persistent labels, a slowly
 *       changing concept.</li>
 * </ul>
 *
 * <p>Every call builds a fresh stream; streams are not thread-safe.
 */
public final class PrequentialStreams {

    /** The names {@link #byName} knows, in the benchmark's order. */
    public static final List<String> NAMES = List.of("sea-abrupt", "sea-gradual", "agrawal-abrupt",
            "hyperplane-rotating", "sea-recurring", "rbf-moving", "electricity-like");

    private static final int ABRUPT_WIDTH = 50;

    private PrequentialStreams() {
    }

    /**
     * The stream called {@code name} (one of {@link #NAMES}) with {@code instances} instances, freshly built.
     *
     * @throws IllegalArgumentException for an unknown name, or fewer than 100 instances (too few to place drifts in)
     */
    public static BenchmarkStream byName(String name, long instances, long seed) {
        if (instances < 100) {
            throw new IllegalArgumentException("a prequential stream needs at least 100 instances, was " + instances);
        }
        return switch (name) {
            case "sea-abrupt" -> drifting(name, instances, ABRUPT_WIDTH, f -> sea(f, seed), seed, 2, 3, 1, 4);
            case "sea-gradual" -> drifting(name, instances, (int) Math.max(1, instances / 10), f -> sea(f, seed), seed,
                    2, 3, 1, 4);
            case "agrawal-abrupt" -> drifting(name, instances, ABRUPT_WIDTH,
                    f -> new AgrawalGenerator(f, AgrawalGenerator.DEFAULT_PERTURB_FRACTION, false, seed), seed,
                    1, 2, 3, 4);
            case "hyperplane-rotating" -> new BenchmarkStream(name, new HyperplaneGenerator(2, 10, 10, 0.001,
                    HyperplaneGenerator.DEFAULT_NOISE_PERCENTAGE, HyperplaneGenerator.DEFAULT_SIGMA_PERCENTAGE, seed),
                    instances, DriftType.INCREMENTAL, List.of());
            case "sea-recurring" -> drifting(name, instances, ABRUPT_WIDTH, f -> sea(f, seed), seed, 3, 4, 3, 4, 3);
            case "rbf-moving" -> new BenchmarkStream(name, new RandomRbfDriftGenerator(seed, seed, 5,
                    RandomRbfDriftGenerator.DEFAULT_NUM_ATTS, RandomRbfDriftGenerator.DEFAULT_NUM_CENTROIDS, 0.001,
                    RandomRbfDriftGenerator.DEFAULT_NUM_DRIFT_CENTROIDS), instances, DriftType.INCREMENTAL, List.of());
            case "electricity-like" -> new BenchmarkStream(name, new ElectricityLikeGenerator(seed), instances,
                    DriftType.INCREMENTAL, List.of());
            default -> throw new IllegalArgumentException("no prequential stream called '" + name + "'; known: " + NAMES);
        };
    }

    /** {@code functions.length} concepts, changing at equal shares of the stream, each change {@code width} wide. */
    private static BenchmarkStream drifting(String name, long instances, int width, IntFunction<StreamGenerator> concept,
            long seed, int... functions) {
        List<StreamGenerator> concepts = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        for (int i = 0; i < functions.length; i++) {
            concepts.add(concept.apply(functions[i]));
            if (i > 0) {
                positions.add(instances * i / functions.length);
            }
        }
        ConceptDriftStream stream = ConceptDriftStream.chain(concepts, positions, width, seed);
        DriftType type = width == ABRUPT_WIDTH ? DriftType.ABRUPT : DriftType.GRADUAL;
        return new BenchmarkStream(name, stream, instances, type, stream.drifts());
    }

    private static StreamGenerator sea(int function, long seed) {
        return new SeaGenerator(function, false, SeaGenerator.DEFAULT_NOISE_PERCENTAGE, seed);
    }
}
