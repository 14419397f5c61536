package dev.plasticity.trainer.network;

import ai.djl.Model;
import dev.plasticity.registry.client.InputLayout;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.network.NetworkWeights.Dense;
import dev.plasticity.trainer.network.NetworkWeights.Layer;
import dev.plasticity.trainer.network.NetworkWeights.Norm;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Starts a candidate network from the champion's weights, the best way its architecture allows:
 * <ol>
 *   <li>{@link Kind#FUNCTION_PRESERVING}: the candidate is the champion grown by {@link Net2Net}
 *       (identity layers inserted after hidden layers, then layers widened; dropout may differ),
 *       so before training it computes exactly what the champion computes in inference mode;
 *   <li>{@link Kind#SHAPEWISE}: otherwise, every hidden layer the two share by position (and the
 *       output layer) takes the overlapping slice of the champion's weights, bias and, when both
 *       use the same normalisation, normalisation values; the rest keeps its fresh initialisation;
 *   <li>{@link Kind#FRESH}: the candidate reads other input features than the champion, so no
 *       weight means the same in both.
 * </ol>
 * When only the feature means and standard deviations differ (the candidate standardises its
 * inputs with a newer window's statistics), the champion's first layer is first rewritten for the
 * new scaling, which is exact on raw feature values: {@code W·(x − m)/s + b = (W·s'/s)·(x − m')/s'
 * + b + W·(m' − m)/s}.
 *
 * <pre>{@code
 * try (WeightInheritance.Inherited start = WeightInheritance.inherit("challenger", champion, model, candidate, 42)) {
 *   byte[] artifact = ModelFormat.saveParameters(start.model()); // train from here
 *   start.lineage(); // e.g. FUNCTION_PRESERVING [deepen after hidden layer 0, widen [8, 8] to [8, 16]]
 * }
 * }</pre>
 *
 * Stateless; {@link #inherit} sets DJL's engine seed, so do not call it while another thread
 * initialises networks with a seed of its own.
 */
public final class WeightInheritance {
  private WeightInheritance() {}

  /** How a candidate started. */
  public enum Kind { FUNCTION_PRESERVING, SHAPEWISE, FRESH }

  /**
   * What a candidate inherited, for the version's lineage.
   *
   * @param kind how it started
   * @param steps what was done, in order, e.g. {@code deepen after hidden layer 0}
   * @param inheritedValues parameter values (running statistics included) of the champion carried
   *     over: for growth, all of them (a widened layer holds some more than once); shape-wise, those
   *     in the overlapping slices; the candidate's other values are fresh, or for growth an
   *     inserted identity or zero layer
   * @param totalValues parameter values of the candidate
   */
  public record Lineage(Kind kind, List<String> steps, long inheritedValues, long totalValues) {
    public Lineage {
      Objects.requireNonNull(kind, "kind");
      steps = List.copyOf(steps);
    }
  }

  /** The candidate's initialised model (the caller closes it) and what it inherited. */
  public record Inherited(Model model, Lineage lineage) implements AutoCloseable {
    @Override
    public void close() {
      model.close();
    }
  }

  /**
   * The candidate's network, started from the champion's: grown function-preservingly when the
   * candidate is a Net2Net growth of the champion, else shape-wise, else fresh. The same seed
   * gives the same network (the seed drives Net2Net's choices and DJL's initialisation).
   *
   * @param championModel the champion's loaded model, built from {@code champion}; left open
   */
  public static Inherited inherit(String name, Architecture champion, Model championModel, Architecture candidate,
      int seed) {
    NetworkWeights parent = NetworkWeights.read(champion, championModel.getBlock());
    if (champion.getEarlyExits()) { // inherited as its full-depth network: its layers and output layer
      champion = Architecture.newBuilder(champion).setEarlyExits(false).setExitConfidence(1.0).build();
    }
    ModelFormat.engine().setRandomSeed(seed);
    Model model = ModelFormat.newModel(name, candidate);
    try {
      NetworkWeights fresh = NetworkWeights.read(candidate, model.getBlock());
      Lineage lineage;
      if (!champion.getFamily().equals(candidate.getFamily())
          || !champion.getInputFeatures().equals(candidate.getInputFeatures())
          || !InputLayout.of(champion).equals(InputLayout.of(candidate))
          || !champion.getCategoricalFeatures().equals(candidate.getCategoricalFeatures())
          || champion.getLevelSpan() != candidate.getLevelSpan()) {
        lineage = new Lineage(Kind.FRESH, List.of("fresh: the candidate reads " + inputs(candidate) + ", the champion "
            + inputs(champion)), 0, fresh.values());
      } else {
        List<String> steps = new ArrayList<>();
        if (!champion.getFeatureMeans().equals(candidate.getFeatureMeans())
            || !champion.getFeatureStds().equals(candidate.getFeatureStds())) {
          parent = restandardise(champion, parent, candidate);
          champion = Architecture.newBuilder(champion).setFeatureMeans(candidate.getFeatureMeans())
              .setFeatureStds(candidate.getFeatureStds()).build();
          steps.add("re-standardise inputs to the candidate's feature means and stds");
        }
        Net2Net.Grown grown = grow(champion, parent, candidate, seed, steps);
        if (grown != null) {
          grown.weights().writeTo(candidate, model.getBlock());
          lineage = new Lineage(Kind.FUNCTION_PRESERVING, steps, parent.values(), fresh.values());
        } else {
          long[] inherited = new long[1];
          NetworkWeights overlaid = overlay(champion, parent, candidate, fresh, inherited);
          overlaid.writeTo(candidate, model.getBlock());
          steps.add("copy overlapping slices of " + ModelFormat.describe(champion) + " into "
              + ModelFormat.describe(candidate));
          lineage = new Lineage(Kind.SHAPEWISE, steps, inherited[0], fresh.values());
        }
      }
      return new Inherited(model, lineage);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * The champion grown into the candidate by Net2Net, or null when the candidate is not such a
   * growth. Tries each way of placing the champion's layers among the candidate's (the first
   * layer stays first; inserted layers follow the champion layer whose width they start from),
   * in a fixed order, and takes the first that preserves the function.
   */
  private static Net2Net.Grown grow(Architecture champion, NetworkWeights weights, Architecture candidate, int seed,
      List<String> steps) {
    Architecture comparable = Architecture.newBuilder(candidate).setHiddenUnits(champion.getHiddenUnits())
        .setDropout(champion.getDropout()).build();
    int m = champion.getHiddenUnits().size();
    int n = candidate.getHiddenUnits().size();
    if (!comparable.equals(champion) || n < m || (m == 0 && n > 0)) {
      return null;
    }
    if (m == 0) {
      return new Net2Net.Grown(champion, weights);
    }
    int[] positions = new int[m];
    return place(champion, weights, candidate, seed, steps, positions, 1);
  }

  private static Net2Net.Grown place(Architecture champion, NetworkWeights weights, Architecture candidate, int seed,
      List<String> steps, int[] positions, int next) {
    int n = candidate.getHiddenUnits().size();
    if (next == positions.length) {
      return tryPlan(champion, weights, candidate, seed, steps, positions);
    }
    for (int p = positions[next - 1] + 1; p <= n - (positions.length - next); p++) {
      positions[next] = p;
      Net2Net.Grown grown = place(champion, weights, candidate, seed, steps, positions, next + 1);
      if (grown != null) {
        return grown;
      }
    }
    return null;
  }

  /** Champion layer {@code p} lands at candidate layer {@code positions[p]}. */
  private static Net2Net.Grown tryPlan(Architecture champion, NetworkWeights weights, Architecture candidate,
      int seed, List<String> steps, int[] positions) {
    List<String> planned = new ArrayList<>();
    int n = candidate.getHiddenUnits().size();
    Net2Net.Grown grown = new Net2Net.Grown(champion, weights);
    try {
      for (int p = positions.length - 1; p >= 0; p--) {
        int end = p + 1 < positions.length ? positions[p + 1] : n;
        for (int inserted = positions[p] + 1; inserted < end; inserted++) {
          grown = Net2Net.deepen(grown.architecture(), grown.weights(), p);
          planned.add("deepen: identity layer after hidden layer " + p);
        }
      }
      List<Integer> widths = grown.architecture().getHiddenUnits();
      if (!widths.equals(candidate.getHiddenUnits())) {
        grown = Net2Net.widen(grown.architecture(), grown.weights(), candidate.getHiddenUnits(), new Random(seed));
        planned.add("widen " + widths + " to " + candidate.getHiddenUnits());
      }
    } catch (IllegalArgumentException e) {
      return null; // this placement cannot preserve the function; the caller tries the next
    }
    steps.addAll(planned);
    return grown;
  }

  /** The champion's weights for inputs standardised with the candidate's means and stds. */
  private static NetworkWeights restandardise(Architecture champion, NetworkWeights weights, Architecture candidate) {
    int features = champion.getInputFeatures().size();
    double[] scale = new double[features];
    double[] shift = new double[features];
    for (int f = 0; f < features; f++) {
      double std = positive(champion.getFeatureStds().get(f));
      scale[f] = positive(candidate.getFeatureStds().get(f)) / std;
      shift[f] = (candidate.getFeatureMeans().get(f) - champion.getFeatureMeans().get(f)) / std;
    }
    boolean hasHidden = !weights.hidden().isEmpty();
    Dense first = hasHidden ? weights.hidden().get(0).linear() : weights.output();
    float[][] weight = new float[first.outputs()][]; // label lag columns, after the features, are kept
    float[] bias = first.bias().clone();
    for (int o = 0; o < first.outputs(); o++) {
      double added = 0;
      weight[o] = first.weight()[o].clone();
      for (int f = 0; f < features; f++) {
        weight[o][f] = (float) (first.weight()[o][f] * scale[f]);
        added += first.weight()[o][f] * shift[f];
      }
      bias[o] = (float) (bias[o] + added);
    }
    Dense rescaled = new Dense(weight, bias);
    if (!hasHidden) {
      return new NetworkWeights(List.of(), rescaled);
    }
    List<Layer> hidden = new ArrayList<>(weights.hidden());
    hidden.set(0, new Layer(rescaled, hidden.get(0).norm()));
    return new NetworkWeights(hidden, weights.output());
  }

  private static double positive(double std) {
    return std > 0 ? std : 1.0; // as ModelFormat.encode
  }

  /** {@code fresh} with the champion's overlapping slices copied in; counts copied values. */
  private static NetworkWeights overlay(Architecture champion, NetworkWeights parent, Architecture candidate,
      NetworkWeights fresh, long[] inherited) {
    boolean sameNorm = champion.getNormalization().equals(candidate.getNormalization());
    List<Layer> hidden = new ArrayList<>(fresh.hidden());
    for (int k = 0; k < Math.min(parent.hidden().size(), hidden.size()); k++) {
      Layer from = parent.hidden().get(k);
      Layer to = hidden.get(k);
      Norm norm = to.norm();
      if (sameNorm && norm != null) {
        norm = new Norm(slice(from.norm().gamma(), norm.gamma(), inherited),
            slice(from.norm().beta(), norm.beta(), inherited),
            norm.batch() ? slice(from.norm().runningMean(), norm.runningMean(), inherited) : null,
            norm.batch() ? slice(from.norm().runningVar(), norm.runningVar(), inherited) : null);
      }
      hidden.set(k, new Layer(slice(from.linear(), to.linear(), inherited), norm));
    }
    return new NetworkWeights(hidden, slice(parent.output(), fresh.output(), inherited));
  }

  private static Dense slice(Dense from, Dense to, long[] inherited) {
    float[][] weight = new float[to.outputs()][];
    for (int o = 0; o < to.outputs(); o++) {
      weight[o] = o < from.outputs() ? slice(from.weight()[o], to.weight()[o], inherited) : to.weight()[o].clone();
    }
    return new Dense(weight, slice(from.bias(), to.bias(), inherited));
  }

  private static float[] slice(float[] from, float[] to, long[] inherited) {
    float[] result = to.clone();
    int overlap = Math.min(from.length, to.length);
    System.arraycopy(from, 0, result, 0, overlap);
    inherited[0] += overlap;
    return result;
  }

  /** What a network reads, for a lineage step: its features, label lags and levels. */
  private static String inputs(Architecture a) {
    return a.getInputFeatures() + (a.getCategoricalFeatures().isEmpty() ? "" : ", categorical "
        + a.getCategoricalFeatures().stream().map(c -> c.getName() + " " + c.getVocabulary()).toList())
        + " and " + a.getLabelLags() + " label lags"
        + (a.getLevelSpan() == 0 ? "" : ", relative to levels over " + a.getLevelSpan() + " events");
  }
}
