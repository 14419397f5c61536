package dev.plasticity.registry.server;

import dev.plasticity.registry.server.ParameterFile.StoredParameter;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.CategoricalFeature;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether an architecture and an artifact make a model a server can load: the architecture within
 * the bounds {@code ModelFormat} builds networks for, and the artifact holding exactly the
 * parameters that network has. The registry refuses what fails here, so a registered version is a
 * servable one. The network is the one {@code ModelFormat.buildBlock} describes: per hidden layer
 * a linear map (weight and bias), then batch normalisation (gamma, beta, running mean and
 * variance) or layer normalisation (gamma, beta); then a linear map to one score per class; with
 * early exits, one more such map after every hidden layer but the last. An {@code experts} network
 * is a gate (such an mlp of the top-level widths to one score per expert) and one such mlp per
 * expert, without early exits.
 *
 * <p>Stateless and thread-safe.
 */
final class ServableModel {
  /** Mirrors {@code ModelFormat.NORMALIZATIONS}; the server does not load DJL (a test keeps them equal). */
  static final List<String> NORMALIZATIONS = List.of("none", "batch", "layer");
  /** Mirrors {@code ModelFormat.ACTIVATIONS}. */
  static final List<String> ACTIVATIONS = List.of("relu", "tanh", "gelu", "sigmoid", "selu");
  /** Mirrors {@code NetworkFamily.names()}. */
  static final List<String> FAMILIES = List.of("mlp", "experts");
  static final int MAX_EXPERTS = 64;
  static final int MAX_FEATURES = 10_000;
  static final int MAX_HIDDEN_LAYERS = 32;
  static final int MAX_WIDTH = 16_384;
  static final int MAX_CLASSES = 10_000;
  static final int MAX_LABEL_LAGS = 64;
  /** As {@code FeatureLevels.MAX_SPAN} in the client. */
  static final int MAX_LEVEL_SPAN = 1_000_000;
  /** As {@code CategoricalInputs.MAX_VOCABULARY} in the client. */
  static final int MAX_VOCABULARY = 10_000;

  private ServableModel() {}

  /**
   * Checks the architecture's bounds and returns how many parameter values its network has.
   *
   * @throws IllegalArgumentException naming the rule the architecture breaks
   */
  static long checkArchitecture(Architecture a) {
    checkFamily(a);
    int inputs = a.getInputFeatures().size();
    if (inputs < 1 || inputs > MAX_FEATURES) {
      throw new IllegalArgumentException("architecture.inputFeatures must name 1 to " + MAX_FEATURES + " features, got " + inputs);
    }
    if (a.getFeatureMeans().size() != inputs || a.getFeatureStds().size() != inputs) {
      throw new IllegalArgumentException("architecture.featureMeans and featureStds need one entry per input feature ("
          + inputs + "), got " + a.getFeatureMeans().size() + " and " + a.getFeatureStds().size());
    }
    for (int i = 0; i < inputs; i++) {
      if (!Double.isFinite(a.getFeatureMeans().get(i)) || !Double.isFinite(a.getFeatureStds().get(i))) {
        throw new IllegalArgumentException("architecture.featureMeans and featureStds must be finite numbers");
      }
    }
    if (a.getNumClasses() < 2 || a.getNumClasses() > MAX_CLASSES) {
      throw new IllegalArgumentException("architecture.numClasses must be 2 to " + MAX_CLASSES + ", got " + a.getNumClasses());
    }
    if (a.getLabelLags() < 0 || a.getLabelLags() > MAX_LABEL_LAGS) {
      throw new IllegalArgumentException("architecture.labelLags must be 0 to " + MAX_LABEL_LAGS + ", got "
          + a.getLabelLags());
    }
    if (a.getLevelSpan() < 0 || a.getLevelSpan() > MAX_LEVEL_SPAN) {
      throw new IllegalArgumentException("architecture.levelSpan must be 0 to " + MAX_LEVEL_SPAN + ", got "
          + a.getLevelSpan());
    }
    int levels = a.getLevelSpan() == 0 ? 0 : inputs;
    if (a.getFeatureLevels().size() != levels) {
      throw new IllegalArgumentException("architecture.featureLevels needs " + (levels == 0
          ? "no entries when levelSpan is 0" : "one entry per input feature (" + inputs + ")") + ", got "
          + a.getFeatureLevels().size());
    }
    if (a.getFeatureLevels().stream().anyMatch(l -> !Double.isFinite(l))) {
      throw new IllegalArgumentException("architecture.featureLevels must be finite numbers");
    }
    checkCategoricalFeatures(a);
    checkWidths("architecture.hiddenUnits", a.getHiddenUnits());
    for (int e = 0; e < a.getExperts().size(); e++) {
      checkWidths("architecture.experts[" + e + "].hiddenUnits", a.getExperts().get(e).getHiddenUnits());
    }
    if (!ACTIVATIONS.contains(String.valueOf(a.getActivation()))) {
      throw new IllegalArgumentException("architecture.activation must be one of " + ACTIVATIONS + ", got '" + a.getActivation() + "'");
    }
    if (!NORMALIZATIONS.contains(String.valueOf(a.getNormalization()))) {
      throw new IllegalArgumentException("architecture.normalization must be one of " + NORMALIZATIONS
          + ", got '" + a.getNormalization() + "'");
    }
    if (!(a.getDropout() >= 0 && a.getDropout() < 1)) {
      throw new IllegalArgumentException("architecture.dropout must be in [0, 1), got " + a.getDropout());
    }
    if (a.getEarlyExits() && a.getHiddenUnits().size() < 2) {
      throw new IllegalArgumentException("architecture.earlyExits needs at least two hidden layers, got "
          + a.getHiddenUnits().size());
    }
    if (!(a.getExitConfidence() >= 0) || Double.isInfinite(a.getExitConfidence())) {
      throw new IllegalArgumentException("architecture.exitConfidence must be a finite number of at least 0, got "
          + a.getExitConfidence());
    }
    return parameterCount(a);
  }

  private static void checkWidths(String field, List<Integer> widths) {
    if (widths.size() > MAX_HIDDEN_LAYERS) {
      throw new IllegalArgumentException(field + " may have at most " + MAX_HIDDEN_LAYERS + " layers, got "
          + widths.size());
    }
    for (int w : widths) {
      if (w < 1 || w > MAX_WIDTH) {
        throw new IllegalArgumentException(field + " widths must be 1 to " + MAX_WIDTH + ", got " + widths);
      }
    }
  }

  /**
   * Checks the family: an {@code mlp} has no experts and a topK of 0; an {@code experts} network has
   * 1 to {@link #MAX_EXPERTS} experts and a topK from 1 to their number (as {@code ModelFormat}
   * requires).
   */
  private static void checkFamily(Architecture a) {
    String family = String.valueOf(a.getFamily());
    int experts = a.getExperts().size();
    switch (family) {
      case "mlp" -> {
        if (experts != 0 || a.getTopK() != 0) {
          throw new IllegalArgumentException("architecture.experts must be empty and topK 0 for an 'mlp', got "
              + experts + " experts and topK " + a.getTopK());
        }
      }
      case "experts" -> {
        if (a.getEarlyExits()) {
          throw new IllegalArgumentException("architecture.earlyExits must be false for an 'experts' network");
        }
        if (experts < 1 || experts > MAX_EXPERTS) {
          throw new IllegalArgumentException("architecture.experts must hold 1 to " + MAX_EXPERTS
              + " experts, got " + experts);
        }
        if (a.getTopK() < 1 || a.getTopK() > experts) {
          throw new IllegalArgumentException("architecture.topK must be 1 to the number of experts (" + experts
              + "), got " + a.getTopK());
        }
      }
      default -> throw new IllegalArgumentException("architecture.family must be one of " + FAMILIES + ", got '"
          + family + "'");
    }
  }

  /**
   * Checks the categorical features: at most {@link #MAX_FEATURES}, each with a name no other input
   * has, and a vocabulary of 0 to {@link #MAX_VOCABULARY} distinct values.
   */
  private static void checkCategoricalFeatures(Architecture a) {
    List<CategoricalFeature> features = a.getCategoricalFeatures();
    if (features.size() > MAX_FEATURES) {
      throw new IllegalArgumentException("architecture.categoricalFeatures may name at most " + MAX_FEATURES
          + " features, got " + features.size());
    }
    Set<String> names = new HashSet<>(a.getInputFeatures());
    for (CategoricalFeature feature : features) {
      String name = feature.getName();
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("architecture.categoricalFeatures need a non-empty name each");
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException("architecture.categoricalFeatures: '" + name
            + "' names another input too; each input feature once");
      }
      List<String> vocabulary = feature.getVocabulary();
      if (vocabulary.size() > MAX_VOCABULARY) {
        throw new IllegalArgumentException("architecture.categoricalFeatures: the vocabulary of '" + name
            + "' may hold at most " + MAX_VOCABULARY + " values, got " + vocabulary.size());
      }
      Set<String> values = new HashSet<>();
      for (String value : vocabulary) {
        if (value == null || !values.add(value)) {
          throw new IllegalArgumentException("architecture.categoricalFeatures: the vocabulary of '" + name
              + "' must hold distinct non-null values, got " + (value == null ? "null" : "'" + value + "' twice"));
        }
      }
    }
  }

  /**
   * Checks that {@code stored} are exactly the parameters of the architecture's network.
   *
   * @throws IllegalArgumentException naming what does not match
   */
  static void checkParameters(Architecture a, List<StoredParameter> stored) {
    long expected = checkArchitecture(a);
    long actual = 0;
    for (StoredParameter p : stored) {
      actual = Math.addExact(actual, p.elements());
    }
    int arrays = parameterArrays(a);
    if (actual != expected || stored.size() != arrays) {
      throw new IllegalArgumentException("the artifact does not fit the architecture: architecture "
          + inputWidth(a) + " inputs, hidden " + a.getHiddenUnits() + ", " + a.getNormalization()
          + " normalization, " + a.getNumClasses() + " classes implies " + arrays + " parameter arrays with "
          + expected + " values; the artifact holds " + stored.size() + " arrays with " + actual + " values");
    }
  }

  /** Parameter values of the network: an mlp's, or an experts network's gate and every expert. */
  private static long parameterCount(Architecture a) {
    if (!"experts".equals(String.valueOf(a.getFamily()))) {
      return Math.addExact(mlpCount(a, a.getHiddenUnits(), a.getNumClasses()), exitHeadCount(a));
    }
    long count = mlpCount(a, a.getHiddenUnits(), a.getExperts().size());
    for (var expert : a.getExperts()) {
      count = Math.addExact(count, mlpCount(a, expert.getHiddenUnits(), a.getNumClasses()));
    }
    return count;
  }

  /** With early exits, an exit head (weight and bias to one score per class) after every hidden layer but the last. */
  private static long exitHeadCount(Architecture a) {
    long exits = 0;
    if (a.getEarlyExits()) {
      List<Integer> widths = a.getHiddenUnits();
      for (int i = 0; i < widths.size() - 1; i++) {
        exits += (long) widths.get(i) * a.getNumClasses() + a.getNumClasses();
      }
    }
    return exits;
  }

  private static long mlpCount(Architecture a, List<Integer> widths, int outputs) {
    long count = 0;
    long in = inputWidth(a);
    for (int w : widths) {
      count += in * w + w; // linear weight and bias
      count += switch (String.valueOf(a.getNormalization())) {
        case "batch" -> 4L * w; // gamma, beta, running mean, running variance
        case "layer" -> 2L * w; // gamma, beta
        default -> 0L;
      };
      in = w;
    }
    return count + in * outputs + outputs;
  }

  /**
   * Columns of the network's input row, as {@code InputLayout.width()} counts them: the numeric
   * features, then per categorical feature its vocabulary and an unknown column, then {@code
   * labelLags} one-hot blocks of {@code numClasses}.
   */
  static long inputWidth(Architecture a) {
    long categorical = 0;
    for (CategoricalFeature feature : a.getCategoricalFeatures()) {
      categorical += feature.getVocabulary().size() + 1L;
    }
    return a.getInputFeatures().size() + categorical + (long) a.getLabelLags() * a.getNumClasses();
  }

  private static int parameterArrays(Architecture a) {
    int arrays = mlpArrays(a, a.getHiddenUnits()) + (a.getEarlyExits() ? 2 * (a.getHiddenUnits().size() - 1) : 0);
    if ("experts".equals(String.valueOf(a.getFamily()))) {
      for (var expert : a.getExperts()) {
        arrays += mlpArrays(a, expert.getHiddenUnits());
      }
    }
    return arrays;
  }

  private static int mlpArrays(Architecture a, List<Integer> widths) {
    int perLayer = switch (String.valueOf(a.getNormalization())) {
      case "batch" -> 6;
      case "layer" -> 4;
      default -> 2;
    };
    return widths.size() * perLayer + 2;
  }
}
