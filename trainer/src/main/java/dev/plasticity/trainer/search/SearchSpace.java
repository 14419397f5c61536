package dev.plasticity.trainer.search;

import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The feed-forward networks for tabular input a search may try, as data: depths from {@code
 * minDepth} to {@code maxDepth} hidden layers, each layer's width from {@code widths}, and one
 * activation, normalisation, dropout rate and residual setting for the whole network. Immutable
 * and thread-safe; randomness comes from the caller's seeded {@link Random}.
 *
 * <p>Descriptors are canonical: {@code residual} is true only when some hidden layer is as wide as
 * the one before it (otherwise there is nothing to connect, and the network equals the
 * non-residual one), so no network appears twice.
 *
 * <pre>{@code
 * SearchSpace space = SearchSpace.tabular();
 * Architecture candidate = space.sample(new Random(42), inputs); // same seed, same candidates
 * }</pre>
 *
 * @param minDepth fewest hidden layers, at least 1
 * @param maxDepth most hidden layers
 * @param widths hidden layer widths to choose from
 * @param activations activations to choose from ({@link ModelFormat#ACTIVATIONS})
 * @param normalizations normalisations to choose from ({@link ModelFormat#NORMALIZATIONS})
 * @param dropouts dropout rates to choose from, each in [0, 1)
 * @param residual residual settings to choose from: {@code [false]}, {@code [true]} or both
 */
public record SearchSpace(
    int minDepth,
    int maxDepth,
    List<Integer> widths,
    List<String> activations,
    List<String> normalizations,
    List<Double> dropouts,
    List<Boolean> residual) {

  /** The most descriptors {@link #enumerate} lists; sample from larger spaces instead. */
  static final long MAX_ENUMERATED = 100_000;

  public SearchSpace {
    widths = distinct("widths", widths);
    activations = distinct("activations", activations);
    normalizations = distinct("normalizations", normalizations);
    dropouts = distinct("dropouts", dropouts);
    residual = distinct("residual", residual);
    if (minDepth < 1 || maxDepth < minDepth) {
      throw new IllegalArgumentException(
          "depths need 1 <= minDepth <= maxDepth, were " + minDepth + " and " + maxDepth);
    }
    for (int width : widths) {
      if (width < 1) {
        throw new IllegalArgumentException("widths must be positive, were " + widths);
      }
    }
    for (String activation : activations) {
      if (!ModelFormat.ACTIVATIONS.contains(activation)) {
        throw new IllegalArgumentException(
            "unknown activation '" + activation + "'; supported: " + ModelFormat.ACTIVATIONS);
      }
    }
    for (String normalization : normalizations) {
      if (!ModelFormat.NORMALIZATIONS.contains(normalization)) {
        throw new IllegalArgumentException(
            "unknown normalization '" + normalization + "'; supported: " + ModelFormat.NORMALIZATIONS);
      }
    }
    for (double dropout : dropouts) {
      if (!(dropout >= 0 && dropout < 1)) {
        throw new IllegalArgumentException("dropout rates must be in [0, 1), were " + dropouts);
      }
    }
  }

  private static <T> List<T> distinct(String name, List<T> choices) {
    List<T> copy = List.copyOf(choices);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException(name + " needs at least one choice");
    }
    if (copy.stream().distinct().count() != copy.size()) {
      throw new IllegalArgumentException(name + " must not repeat a choice, were " + copy);
    }
    return copy;
  }

  /**
   * A space for tabular models of a few to a few hundred features: 1–4 hidden layers of 16–128
   * units, every supported activation and normalisation, dropout 0, 0.1 or 0.3, with and without
   * skip connections.
   */
  public static SearchSpace tabular() {
    return new SearchSpace(1, 4, List.of(16, 32, 64, 128), ModelFormat.ACTIVATIONS, ModelFormat.NORMALIZATIONS,
        List.of(0.0, 0.1, 0.3), List.of(false, true));
  }

  /** How many distinct descriptors the space holds. */
  long size() {
    long networks = 0;
    long w = widths.size();
    for (int depth = minDepth; depth <= maxDepth; depth++) {
      long all = power(w, depth);
      long withoutEqualNeighbours = w * power(w - 1, depth - 1);
      networks += withoutEqualNeighbours + (all - withoutEqualNeighbours) * residual.size();
    }
    return networks * activations.size() * normalizations.size() * dropouts.size();
  }

  private static long power(long base, int exponent) {
    long result = 1;
    for (int i = 0; i < exponent; i++) {
      result = Math.multiplyExact(result, base);
    }
    return result;
  }

  /**
   * Every descriptor in the space, in a fixed order, with the inputs, scaling and classes of
   * {@code inputs}.
   *
   * @throws IllegalStateException when the space holds more than {@link #MAX_ENUMERATED}
   */
  List<Architecture> enumerate(Architecture inputs) {
    long size = size();
    if (size > MAX_ENUMERATED) {
      throw new IllegalStateException(
          "this space holds " + size + " descriptors, more than the " + MAX_ENUMERATED + " enumerate lists; sample it");
    }
    List<List<Integer>> layerWidths = new ArrayList<>();
    for (int depth = minDepth; depth <= maxDepth; depth++) {
      addWidthTuples(new ArrayList<>(), depth, layerWidths);
    }
    List<Architecture> all = new ArrayList<>((int) size);
    for (List<Integer> hidden : layerWidths) {
      List<Boolean> residualChoices = hasEqualNeighbours(hidden) ? residual : List.of(false);
      for (String activation : activations) {
        for (String normalization : normalizations) {
          for (double dropout : dropouts) {
            for (boolean skip : residualChoices) {
              all.add(descriptor(inputs, hidden, activation, normalization, dropout, skip));
            }
          }
        }
      }
    }
    return all;
  }

  private void addWidthTuples(List<Integer> prefix, int depth, List<List<Integer>> out) {
    if (prefix.size() == depth) {
      out.add(List.copyOf(prefix));
      return;
    }
    for (int width : widths) {
      prefix.add(width);
      addWidthTuples(prefix, depth, out);
      prefix.remove(prefix.size() - 1);
    }
  }

  /**
   * One descriptor drawn uniformly per decision (depth, then each width, activation,
   * normalisation, dropout, residual), with the inputs, scaling and classes of {@code inputs}.
   * The same seed draws the same descriptors.
   */
  Architecture sample(Random random, Architecture inputs) {
    int depth = minDepth + random.nextInt(maxDepth - minDepth + 1);
    List<Integer> hidden = new ArrayList<>(depth);
    for (int i = 0; i < depth; i++) {
      hidden.add(pick(random, widths));
    }
    String activation = pick(random, activations);
    String normalization = pick(random, normalizations);
    double dropout = pick(random, dropouts);
    boolean skip = pick(random, residual);
    return descriptor(inputs, hidden, activation, normalization, dropout, skip);
  }

  /**
   * A neighbour of {@code parent} in this space: one decision changed, chosen uniformly among
   * those that can change (add a layer, remove one, change one layer's width, the activation, the
   * normalisation, the dropout rate, or the residual setting). The child keeps the parent's inputs,
   * scaling and classes; it differs from the parent unless the space offers no other choice.
   *
   * @param parent a descriptor, typically one this space holds (the champion's may lie outside
   *     it: its layers are kept, and the mutation moves it towards the space)
   */
  Architecture mutate(Architecture parent, Random random) {
    List<Integer> hidden = new ArrayList<>(parent.getHiddenUnits());
    String activation = parent.getActivation();
    String normalization = parent.getNormalization();
    double dropout = parent.getDropout();
    boolean skip = parent.getResidual();
    List<Runnable> moves = new ArrayList<>();
    if (hidden.size() < maxDepth) {
      moves.add(() -> { // a new layer as wide as a neighbour, or any width at the end
        int at = random.nextInt(hidden.size() + 1);
        hidden.add(at, at > 0 ? hidden.get(at - 1) : pick(random, widths));
      });
    }
    if (hidden.size() > minDepth) {
      moves.add(() -> hidden.remove(random.nextInt(hidden.size())));
    }
    if (widths.size() > 1 || !widths.containsAll(hidden)) {
      moves.add(() -> {
        int layer = random.nextInt(hidden.size());
        hidden.set(layer, pickOther(random, widths, hidden.get(layer)));
      });
    }
    String[] chosen = {activation, normalization};
    double[] rate = {dropout};
    boolean[] residualChoice = {skip};
    if (activations.size() > 1 || !activations.contains(activation)) {
      moves.add(() -> chosen[0] = pickOther(random, activations, activation));
    }
    if (normalizations.size() > 1 || !normalizations.contains(normalization)) {
      moves.add(() -> chosen[1] = pickOther(random, normalizations, normalization));
    }
    if (dropouts.size() > 1 || !dropouts.contains(dropout)) {
      moves.add(() -> rate[0] = pickOther(random, dropouts, dropout));
    }
    if (residual.size() > 1 && hasEqualNeighbours(hidden)) {
      moves.add(() -> residualChoice[0] = !skip);
    }
    if (!moves.isEmpty()) {
      moves.get(random.nextInt(moves.size())).run();
    }
    return descriptor(parent, hidden, chosen[0], chosen[1], rate[0], residualChoice[0] && residual.contains(true));
  }

  /** A choice other than {@code current} when there is one. */
  private static <T> T pickOther(Random random, List<T> choices, T current) {
    List<T> others = choices.stream().filter(c -> !c.equals(current)).toList();
    return others.isEmpty() ? current : others.get(random.nextInt(others.size()));
  }

  /** Whether {@code candidate}'s network is one this space holds (inputs and classes aside). */
  boolean contains(Architecture candidate) {
    List<Integer> hidden = candidate.getHiddenUnits();
    return hidden.size() >= minDepth && hidden.size() <= maxDepth && widths.containsAll(hidden)
        && activations.contains(candidate.getActivation())
        && normalizations.contains(candidate.getNormalization())
        && dropouts.contains(candidate.getDropout())
        && (candidate.getResidual()
            ? residual.contains(true) && hasEqualNeighbours(hidden)
            : residual.contains(false) || !hasEqualNeighbours(hidden));
  }

  private static <T> T pick(Random random, List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }

  private static boolean hasEqualNeighbours(List<Integer> hidden) {
    for (int i = 1; i < hidden.size(); i++) {
      if (hidden.get(i).equals(hidden.get(i - 1))) {
        return true;
      }
    }
    return false;
  }

  static Architecture descriptor(Architecture inputs, List<Integer> hidden, String activation,
      String normalization, double dropout, boolean residual) {
    Objects.requireNonNull(inputs, "inputs");
    return Architecture.newBuilder(inputs)
        .setHiddenUnits(List.copyOf(hidden))
        .setActivation(activation)
        .setNormalization(normalization)
        .setDropout(dropout)
        .setResidual(residual && hasEqualNeighbours(hidden))
        .build();
  }
}
