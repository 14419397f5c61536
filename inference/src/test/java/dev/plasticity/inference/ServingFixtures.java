package dev.plasticity.inference;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.CategoricalFeature;
import dev.plasticity.schemas.ModelVersion;
import java.util.List;

/**
 * Small DJL networks with fixed weights swapped straight into a {@link HotSwapPredictor}, and the
 * registry metadata of seeded ones, for tests outside this package (a {@code ServingModel} is
 * package-private: in production only a {@link ModelLoader} swaps versions in).
 */
public final class ServingFixtures {
  private ServingFixtures() {}

  /** The architecture of {@link #serve}: features x1, x2, x3, two hidden layers, two classes. */
  public static Architecture architecture() {
    return TestModels.architecture();
  }

  /** Swaps a network with weights seeded by {@code version} into {@code predictor} as {@code version}. */
  public static void serve(HotSwapPredictor predictor, int version) {
    predictor.swap(TestModels.serving(predictor.model(), version));
  }

  /** Stops {@code predictor} serving, as when the alias it follows is removed. */
  public static void stopServing(HotSwapPredictor predictor) {
    predictor.stopServing(null);
  }

  /**
   * Swaps in a version that reads only its previous label (feature x1 is read, with weight 0):
   * class 0 scores 1 + 5 * [previous label is 0], class 1 scores 5 * [previous label is 1], so it
   * answers class 0 before any label is recorded and the previous label after.
   */
  public static void serveLagged(HotSwapPredictor predictor, int version) {
    predictor.swap(laggedServing(predictor.model(), version));
  }

  /** The version {@link #serveLagged} swaps in, not yet swapped: for tests in this package. */
  static ServingModel laggedServing(String model, int version) {
    return new ServingModel(model, version, laggedArchitecture(), laggedNetwork(model + "-lagged-v" + version), 2);
  }

  /** The architecture of {@link #serveLagged}: reads x1 and the previous label, two classes. */
  public static Architecture laggedArchitecture() {
    return Architecture.newBuilder()
        .setInputFeatures(List.of("x1"))
        .setFeatureMeans(List.of(0.0))
        .setFeatureStds(List.of(1.0))
        .setHiddenUnits(List.of())
        .setNumClasses(2)
        .setLabelLags(1)
        .build();
  }

  /** The parameters of {@link #serveLagged}'s network: an artifact to register with {@link #laggedArchitecture()}. */
  public static byte[] laggedArtifact() {
    try (Model network = laggedNetwork("lagged-artifact")) {
      return ModelFormat.saveParameters(network);
    }
  }

  private static Model laggedNetwork(String name) {
    Model network = ModelFormat.newModel(name, laggedArchitecture());
    for (Pair<String, Parameter> p : network.getBlock().getParameters()) {
      NDArray array = p.getValue().getArray();
      array.set(p.getKey().endsWith("weight") ? new float[] {0, 5, 0, 0, 0, 5} : new float[] {1, 0});
    }
    return network;
  }

  /**
   * Swaps in a three-class version that reads x1 (with weight 0) and the categorical feature
   * {@code colour} over the vocabulary red, green, blue: red answers class 0, green 1, blue 2, and an
   * unknown or missing colour class 0.
   */
  public static void serveCategorical(HotSwapPredictor predictor, int version) {
    predictor.swap(new ServingModel(predictor.model(), version, categoricalArchitecture(),
        categoricalNetwork(predictor.model() + "-categorical-v" + version), 2));
  }

  /** The architecture of {@link #serveCategorical}. */
  public static Architecture categoricalArchitecture() {
    return Architecture.newBuilder()
        .setInputFeatures(List.of("x1"))
        .setFeatureMeans(List.of(0.0))
        .setFeatureStds(List.of(1.0))
        .setHiddenUnits(List.of())
        .setNumClasses(3)
        .setCategoricalFeatures(List.of(new CategoricalFeature("colour", List.of("red", "green", "blue"))))
        .build();
  }

  private static Model categoricalNetwork(String name) {
    Model network = ModelFormat.newModel(name, categoricalArchitecture());
    for (Pair<String, Parameter> p : network.getBlock().getParameters()) {
      NDArray array = p.getValue().getArray();
      // columns x1, red, green, blue, unknown; one row per class
      array.set(p.getKey().endsWith("weight")
          ? new float[] {0, 5, 0, 0, 1, 0, 0, 5, 0, 0, 0, 0, 0, 5, 0}
          : new float[] {0, 0, 0});
    }
    return network;
  }

  /** Champion metadata of {@link #architecture()} as a trainer uploads it (the registry assigns the version). */
  public static ModelVersion champion(String model, String triggerId) {
    return TestModels.champion(model, triggerId);
  }

  /** The parameters of a network of {@link #architecture()} seeded by {@code seed}: an artifact to register. */
  public static byte[] artifact(long seed) {
    return TestModels.artifact(seed);
  }
}
