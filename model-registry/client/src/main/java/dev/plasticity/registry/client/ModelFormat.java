package dev.plasticity.registry.client;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.util.Pair;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.Expert;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The format of a Plasticity model: an {@link Architecture} (stored with the version, it rebuilds
 * the network) plus an artifact holding the network's parameters in DJL's parameter format.
 * The trainer writes it; every consumer reads it back the same way.
 */
public final class ModelFormat {
  private ModelFormat() {}

  /** DJL's PyTorch engine reads its CPU thread counts from these system properties when it loads. */
  static final String THREADS = "ai.djl.pytorch.num_threads";
  static final String INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

  static {
    useOneEngineThreadUnlessConfigured(System.getenv("OMP_NUM_THREADS"));
  }

  /**
   * Plasticity's networks are small: a training step or a prediction is a few small matrix
   * products, which one thread computes faster than a pool that wakes, splits and joins, and a
   * pool's spinning threads starve the stream job and the broker that share the machine. Measured
   * on 2 cores, 20 epochs of a 32×32 network on 3,200 rows took 1.1–1.2 s with one thread and
   * 3.1–16.8 s with PyTorch's default pool. So the engine gets one thread of each kind unless the
   * operator set {@value #THREADS}, {@value #INTEROP_THREADS} or {@code OMP_NUM_THREADS}. This
   * runs before any code of this class touches the engine; {@link #engine()} is the way in for
   * code that needs the engine without a model.
   */
  static void useOneEngineThreadUnlessConfigured(String ompNumThreads) {
    if (System.getProperty(THREADS) == null && ompNumThreads == null) {
      System.setProperty(THREADS, "1");
    }
    if (System.getProperty(INTEROP_THREADS) == null) {
      System.setProperty(INTEROP_THREADS, "1");
    }
  }

  /** DJL's default engine, configured as the class comment of {@link #useOneEngineThreadUnlessConfigured} says. */
  public static ai.djl.engine.Engine engine() {
    return ai.djl.engine.Engine.getInstance();
  }

  /** Normalisations an architecture may name, in {@link Architecture#getNormalization()}. */
  public static final List<String> NORMALIZATIONS = List.of("none", "batch", "layer");

  /** Activations an architecture may name, in {@link Architecture#getActivation()}. */
  public static final List<String> ACTIVATIONS = List.of("relu", "tanh", "gelu", "sigmoid", "selu");

  /**
   * Builds the (uninitialised) network an architecture describes, by its {@link NetworkFamily}: an
   * {@code mlp} as {@link #buildMlp} (with {@code earlyExits}, an {@link EarlyExitBlock} of the same
   * layers with an exit head after every hidden layer but the last), an {@code experts} network as an
   * {@link ExpertsBlock} whose gate is the mlp of the top-level hidden widths to one score per expert
   * and whose experts are the mlps of {@link #expertNetwork}.
   *
   * @throws IllegalArgumentException naming the rule an invalid architecture breaks
   */
  public static Block buildBlock(Architecture architecture) {
    validate(architecture);
    return switch (NetworkFamily.of(architecture)) {
      case MLP -> architecture.getEarlyExits() ? earlyExitBlock(architecture)
          : buildMlp(architecture, architecture.getHiddenUnits(), architecture.getNumClasses());
      case EXPERTS -> {
        List<Block> experts = new ArrayList<>();
        for (int e = 0; e < architecture.getExperts().size(); e++) {
          experts.add(buildBlock(expertNetwork(architecture, e)));
        }
        yield new ExpertsBlock(buildMlp(architecture, architecture.getHiddenUnits(), experts.size()), experts,
            architecture.getTopK(), architecture.getNumClasses());
      }
    };
  }

  /**
   * Expert {@code e} of an {@code experts} architecture as an {@code mlp} of its own: the same input
   * encoding and layer style, the expert's hidden widths. Its network is the expert's network, so an
   * artifact of this mlp loads into {@link ExpertsBlock#expert(int)} and back.
   */
  public static Architecture expertNetwork(Architecture experts, int e) {
    if (NetworkFamily.of(experts) != NetworkFamily.EXPERTS) {
      throw new IllegalArgumentException("only an experts network has experts; this is " + experts.getFamily());
    }
    return Architecture.newBuilder(experts).setFamily(NetworkFamily.MLP.wireName())
        .setHiddenUnits(List.copyOf(experts.getExperts().get(e).getHiddenUnits()))
        .setExperts(List.of()).setTopK(0).setEarlyExits(false).setExitConfidence(1.0).build();
  }

  /**
   * Builds a feed-forward network: for each hidden width, a linear layer, then the normalisation
   * ({@code batch}: batch normalisation, Ioffe and Szegedy 2015; {@code layer}: layer
   * normalisation, Ba et al. 2016), the activation and dropout. With {@code residual}, a hidden
   * layer whose width equals the width of the hidden layer before it adds its input to its output
   * (He et al. 2016); the first hidden layer never does. A linear layer maps the last hidden layer
   * to {@code outputs} scores.
   *
   * <p>Without normalisation and residual connections this is exactly the network (and the
   * parameter layout) of architectures written before those fields existed.
   */
  private static Block buildMlp(Architecture architecture, List<Integer> widths, int outputs) {
    SequentialBlock block = new SequentialBlock();
    for (int i = 0; i < widths.size(); i++) {
      if (hasSkipConnection(architecture.getResidual(), widths, i)) {
        block.add(skipLayer(architecture, widths.get(i)));
      } else {
        addHiddenLayer(block, architecture, widths.get(i));
      }
    }
    block.add(Linear.builder().setUnits(outputs).build());
    return block;
  }

  /**
   * With {@code earlyExits}: the same hidden layers, each in a block of its own, with an exit head
   * after every one but the last ({@link EarlyExitBlock}). Its parameter layout is its own; a
   * network without early exits keeps the layout above.
   */
  private static Block earlyExitBlock(Architecture architecture) {
    List<Integer> widths = architecture.getHiddenUnits();
    List<Block> layers = new java.util.ArrayList<>();
    List<Block> heads = new java.util.ArrayList<>();
    for (int i = 0; i < widths.size(); i++) {
      if (hasSkipConnection(architecture, i)) {
        layers.add(skipLayer(architecture, widths.get(i)));
      } else {
        SequentialBlock layer = new SequentialBlock();
        addHiddenLayer(layer, architecture, widths.get(i));
        layers.add(layer);
      }
      heads.add(Linear.builder().setUnits(architecture.getNumClasses()).build());
    }
    return new EarlyExitBlock(layers, heads, architecture);
  }

  /** A hidden layer of {@code units} that adds its input to its output (a skip connection). */
  private static Block skipLayer(Architecture architecture, int units) {
    SequentialBlock body = new SequentialBlock();
    addHiddenLayer(body, architecture, units);
    return new ParallelBlock(
        branches -> new NDList(branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow())),
        List.of(body, Blocks.identityBlock()));
  }

  /**
   * Whether hidden layer {@code layer} (0 is the input side) adds its input to its output: the
   * architecture is residual and the layer is as wide as the one before it.
   */
  public static boolean hasSkipConnection(Architecture architecture, int layer) {
    return hasSkipConnection(architecture.getResidual(), architecture.getHiddenUnits(), layer);
  }

  private static boolean hasSkipConnection(boolean residual, List<Integer> widths, int layer) {
    return residual && layer > 0 && widths.get(layer).equals(widths.get(layer - 1));
  }

  private static void addHiddenLayer(SequentialBlock block, Architecture architecture, int units) {
    block.add(Linear.builder().setUnits(units).build());
    switch (architecture.getNormalization()) {
      case "batch" -> block.add(BatchNorm.builder().build());
      case "layer" -> block.add(LayerNorm.builder().build());
      default -> { }
    }
    block.add(activation(architecture.getActivation()));
    if (architecture.getDropout() > 0) {
      block.add(Dropout.builder().optRate((float) architecture.getDropout()).build());
    }
  }

  /** The network's input shape for a batch of {@code rows}. */
  public static Shape inputShape(Architecture architecture, int rows) {
    return new Shape(rows, InputLayout.of(architecture).width());
  }

  /**
   * A new model with the architecture's network, initialised (random weights from DJL's seeded
   * engine). The caller closes it.
   */
  public static Model newModel(String name, Architecture architecture) {
    Model model = Model.newInstance(name);
    Block block = buildBlock(architecture);
    model.setBlock(block);
    block.initialize(model.getNDManager(), DataType.FLOAT32, inputShape(architecture, 1));
    return model;
  }

  /** Serialises a model's parameters: the artifact bytes. */
  public static byte[] saveParameters(Model model) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      model.getBlock().saveParameters(out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise parameters of " + model.getName(), e);
    }
    return bytes.toByteArray();
  }

  /**
   * Rebuilds the network of {@code architecture} and loads the artifact's parameters into it.
   *
   * @throws IllegalArgumentException when the artifact does not fit the architecture
   */
  public static Model load(String name, Architecture architecture, byte[] artifact) {
    Model model = newModel(name, architecture);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(artifact))) {
      Map<String, Shape> expected = parameterShapes(model.getBlock());
      model.getBlock().loadParameters(model.getNDManager(), in);
      // DJL takes each stored array with the shape it was saved with: a layer of another width
      // loads without a complaint and the network silently computes with the artifact's shapes
      Map<String, Shape> loaded = parameterShapes(model.getBlock());
      if (!loaded.equals(expected)) {
        throw new IllegalArgumentException("parameter shapes differ: " + differences(expected, loaded));
      }
      if (in.read() != -1) {
        throw new IllegalArgumentException("bytes are left over after the last parameter");
      }
      return model;
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new IllegalArgumentException(
          "artifact of " + artifact.length + " bytes does not fit architecture "
              + describe(architecture) + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, Shape> parameterShapes(Block block) {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      shapes.put(p.getKey(), p.getValue().getArray().getShape());
    }
    return shapes;
  }

  private static String differences(Map<String, Shape> expected, Map<String, Shape> loaded) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Shape> e : expected.entrySet()) {
      Shape got = loaded.get(e.getKey());
      if (!e.getValue().equals(got)) {
        out.append(out.length() == 0 ? "" : ", ").append(e.getKey()).append(" is ").append(got)
            .append(" where the architecture needs ").append(e.getValue());
      }
    }
    return out.toString();
  }

  /**
   * The network's input for one event: its features in the architecture's order, standardised.
   * An architecture with categorical features reads them all as unknown, one with label lags gets
   * zeros for them (no previous label known), and one that reads levels reads them where its
   * training left them; see {@link #encode(Architecture, Map, Map, int[], double[])}.
   *
   * @throws IllegalArgumentException when a feature the model needs is missing
   */
  public static float[] encode(Architecture architecture, Map<String, Double> features) {
    return encode(architecture, features, Map.of());
  }

  /**
   * The network's input for one event with its categorical features, as {@link #encode(Architecture,
   * Map)} otherwise.
   *
   * @throws IllegalArgumentException when a numeric feature the model needs is missing
   */
  public static float[] encode(Architecture architecture, Map<String, Double> features,
      Map<String, String> categorical) {
    return encode(architecture, features, categorical, NO_LABELS,
        architecture.getLevelSpan() > 0 ? FeatureLevels.of(architecture).next(features) : null);
  }

  private static final int[] NO_LABELS = new int[0];

  /**
   * The network's input for one event: its features in the architecture's order, standardised,
   * then the {@link InputLayout} of its label lags filled from {@code recentLabels}; its categorical
   * features read as unknown.
   *
   * @param recentLabels the stream's previous labels known, newest first (ignored without lags)
   * @throws IllegalArgumentException when a feature the model needs is missing
   */
  public static float[] encode(Architecture architecture, Map<String, Double> features, int[] recentLabels) {
    return encode(architecture, features, Map.of(), recentLabels, null);
  }

  /**
   * The network's input for one event, as {@link #encode(Architecture, Map, Map, int[], double[])}
   * with its categorical features read as unknown.
   */
  public static float[] encode(Architecture architecture, Map<String, Double> features, int[] recentLabels,
      double[] levels) {
    return encode(architecture, features, Map.of(), recentLabels, levels);
  }

  /**
   * The network's input for one event ({@link InputLayout}): its numeric features in the
   * architecture's order, each taken relative to its level in {@code levels} first when the
   * architecture reads levels ({@code levelSpan > 0}; see {@link FeatureLevels#next}), standardised;
   * then its categorical features one-hot over their vocabularies ({@link CategoricalInputs}: a
   * value outside the vocabulary or a missing one sets the feature's unknown column); then the
   * label lags filled from {@code recentLabels}.
   *
   * @param categorical the event's categorical features by name; may lack any of them
   * @param recentLabels the stream's previous labels known, newest first (ignored without lags)
   * @param levels the level of each input feature the event is read against, in input order; ignored
   *     (and may be null) when the architecture reads the features as they are
   * @throws IllegalArgumentException when a numeric feature the model needs is missing, or the
   *     architecture reads levels and {@code levels} does not hold one per feature
   */
  public static float[] encode(Architecture architecture, Map<String, Double> features,
      Map<String, String> categorical, int[] recentLabels, double[] levels) {
    boolean relative = architecture.getLevelSpan() > 0;
    if (relative && (levels == null || levels.length != architecture.getInputFeatures().size())) {
      throw new IllegalArgumentException("this network reads its " + architecture.getInputFeatures().size()
          + " features relative to their levels (levelSpan " + architecture.getLevelSpan() + "); got "
          + (levels == null ? "none" : levels.length + " levels"));
    }
    InputLayout layout = InputLayout.of(architecture);
    List<String> names = architecture.getInputFeatures();
    float[] row = new float[layout.width()];
    for (int i = 0; i < names.size(); i++) {
      Double value = features.get(names.get(i));
      if (value == null) {
        throw new IllegalArgumentException("feature '" + names.get(i) + "' is missing; the model needs " + names);
      }
      double std = architecture.getFeatureStds().get(i);
      double x = relative ? value - levels[i] : value;
      row[i] = (float) ((x - architecture.getFeatureMeans().get(i)) / (std > 0 ? std : 1.0));
    }
    if (layout.categoricalColumns() > 0) {
      CategoricalInputs.of(architecture).write(row, names.size(), categorical);
    }
    if (layout.hasLags()) {
      layout.writeLags(row, recentLabels);
    }
    return row;
  }

  /**
   * A short human description, e.g. {@code [32, 32] relu, layer norm, residual -> 2}, or for an
   * experts network {@code experts 3 x [32] relu, top-1, gate [] -> 2}.
   */
  public static String describe(Architecture a) {
    // describes invalid architectures too (in error messages), so an unknown family reads as an mlp would
    boolean experts = NetworkFamily.EXPERTS.wireName().equals(a.getFamily());
    StringBuilder text = new StringBuilder();
    if (experts) {
      text.append("experts ").append(expertWidths(a.getExperts())).append(' ').append(a.getActivation())
          .append(", top-").append(a.getTopK()).append(", gate ").append(a.getHiddenUnits());
    } else {
      text.append(a.getHiddenUnits()).append(' ').append(a.getActivation());
    }
    if (!"none".equals(a.getNormalization())) {
      text.append(", ").append(a.getNormalization()).append(" norm");
    }
    if (a.getDropout() > 0) {
      text.append(", dropout ").append(a.getDropout());
    }
    if (a.getResidual()) {
      text.append(", residual");
    }
    if (a.getLabelLags() > 0) {
      text.append(", ").append(a.getLabelLags()).append(a.getLabelLags() == 1 ? " label lag" : " label lags");
    }
    if (!a.getCategoricalFeatures().isEmpty()) {
      text.append(", categorical ");
      for (int i = 0; i < a.getCategoricalFeatures().size(); i++) {
        dev.plasticity.schemas.CategoricalFeature c = a.getCategoricalFeatures().get(i);
        text.append(i == 0 ? "" : ", ").append(c.getName()).append(" (").append(c.getVocabulary().size())
            .append(" values + unknown)");
      }
    }
    if (a.getLevelSpan() > 0) {
      text.append(", features relative to levels over ").append(a.getLevelSpan()).append(" events");
    }
    if (a.getEarlyExits()) {
      text.append(a.getExitConfidence() > 1 ? ", early exits (unused: full depth)"
          : String.format(java.util.Locale.ROOT, ", early exits at confidence %.3f", a.getExitConfidence()));
    }
    return text.append(" -> ").append(a.getNumClasses()).toString();
  }

  /** {@code 3 x [32]} when every expert has the same widths, else each one's: {@code [32], [32], [16]}. */
  private static String expertWidths(List<Expert> experts) {
    List<List<Integer>> widths = experts.stream().map(Expert::getHiddenUnits).distinct().toList();
    if (widths.size() == 1) {
      return experts.size() + " x " + widths.get(0);
    }
    StringBuilder text = new StringBuilder();
    for (Expert e : experts) {
      text.append(text.length() == 0 ? "" : ", ").append(e.getHiddenUnits());
    }
    return text.toString();
  }

  private static Block activation(String name) {
    switch (name) {
      case "relu": return Activation.reluBlock();
      case "tanh": return Activation.tanhBlock();
      case "gelu": return Activation.geluBlock();
      case "sigmoid": return Activation.sigmoidBlock();
      case "selu": return Activation.seluBlock();
      default:
        throw new IllegalArgumentException("unknown activation '" + name + "'; supported: " + ACTIVATIONS);
    }
  }

  /**
   * Checks an architecture's levels: {@code levelSpan} from 0 to {@link FeatureLevels#MAX_SPAN},
   * and with a span one finite {@code featureLevels} entry per input feature, without one none.
   *
   * @throws IllegalArgumentException naming the rule broken
   */
  public static void checkLevels(Architecture a) {
    int span = a.getLevelSpan();
    if (span < 0 || span > FeatureLevels.MAX_SPAN) {
      throw new IllegalArgumentException("levelSpan must be 0 (features as they are) to " + FeatureLevels.MAX_SPAN
          + ", was " + span);
    }
    int expected = span == 0 ? 0 : a.getInputFeatures().size();
    if (a.getFeatureLevels().size() != expected) {
      throw new IllegalArgumentException(span == 0
          ? "featureLevels must be empty when levelSpan is 0, had " + a.getFeatureLevels().size()
          : "featureLevels needs one entry per input feature (" + expected + "), had " + a.getFeatureLevels().size());
    }
    for (double level : a.getFeatureLevels()) {
      if (!Double.isFinite(level)) {
        throw new IllegalArgumentException("featureLevels must be finite numbers, had " + level);
      }
    }
  }

  /**
   * Checks what a family needs: an {@code mlp} has no experts and a {@code topK} of 0; an {@code
   * experts} network has no early exits, at least one expert, each with positive widths, and a {@code topK} from 1
   * to its number of experts.
   *
   * @throws IllegalArgumentException naming the rule broken
   */
  private static void checkFamily(Architecture a) {
    switch (NetworkFamily.of(a)) {
      case MLP -> {
        if (!a.getExperts().isEmpty() || a.getTopK() != 0) {
          throw new IllegalArgumentException("an mlp has no experts and a topK of 0; had " + a.getExperts().size()
              + " experts and topK " + a.getTopK() + " (family 'experts' for a gated network)");
        }
      }
      case EXPERTS -> {
        if (a.getEarlyExits()) {
          throw new IllegalArgumentException("earlyExits is for an mlp; an experts network computes only the experts"
              + " its gate chooses instead");
        }
        int count = a.getExperts().size();
        if (count < 1) {
          throw new IllegalArgumentException("an experts network needs at least 1 expert, had none");
        }
        if (a.getTopK() < 1 || a.getTopK() > count) {
          throw new IllegalArgumentException("an experts network's topK must be from 1 to its number of experts ("
              + count + "), was " + a.getTopK());
        }
        for (int e = 0; e < count; e++) {
          for (int units : a.getExperts().get(e).getHiddenUnits()) {
            if (units < 1) {
              throw new IllegalArgumentException("expert " + e + "'s hidden layer widths must be positive, were "
                  + a.getExperts().get(e).getHiddenUnits());
            }
          }
        }
      }
    }
  }

  private static void validate(Architecture a) {
    checkFamily(a);
    int inputs = a.getInputFeatures().size();
    if (inputs == 0) {
      throw new IllegalArgumentException("an architecture needs at least one input feature");
    }
    if (a.getFeatureMeans().size() != inputs || a.getFeatureStds().size() != inputs) {
      throw new IllegalArgumentException("featureMeans and featureStds need one entry per input feature (" + inputs + ")");
    }
    if (a.getLabelLags() < 0) {
      throw new IllegalArgumentException("labelLags must not be negative (0 for none), was " + a.getLabelLags());
    }
    checkLevels(a);
    CategoricalInputs.check(a);
    if (!ACTIVATIONS.contains(a.getActivation())) {
      throw new IllegalArgumentException("unknown activation '" + a.getActivation() + "'; supported: " + ACTIVATIONS);
    }
    if (a.getNumClasses() < 2) {
      throw new IllegalArgumentException("numClasses must be at least 2, was " + a.getNumClasses());
    }
    if (a.getDropout() < 0 || a.getDropout() >= 1) {
      throw new IllegalArgumentException("dropout must be in [0, 1), was " + a.getDropout());
    }
    if (!NORMALIZATIONS.contains(a.getNormalization())) {
      throw new IllegalArgumentException(
          "unknown normalization '" + a.getNormalization() + "'; supported: " + NORMALIZATIONS);
    }
    for (int units : a.getHiddenUnits()) {
      if (units < 1) {
        throw new IllegalArgumentException("hidden layer widths must be positive, were " + a.getHiddenUnits());
      }
    }
    if (a.getEarlyExits() && a.getHiddenUnits().size() < 2) {
      throw new IllegalArgumentException("earlyExits needs at least two hidden layers (an exit follows every hidden"
          + " layer but the last), had " + a.getHiddenUnits().size());
    }
    if (!(a.getExitConfidence() >= 0) || Double.isInfinite(a.getExitConfidence())) {
      throw new IllegalArgumentException("exitConfidence must be a finite number of at least 0 (0 leaves every row at"
          + " the first exit, above 1 none), was " + a.getExitConfidence());
    }
  }
}
