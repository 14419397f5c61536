package dev.plasticity.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.registry.server.ParameterFile.StoredParameter;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.CategoricalFeature;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reading DJL parameter files without DJL, against artifacts DJL itself wrote. */
class ParameterFileTest {

  @Test
  void readsTheShapesOfEveryParameterDjlWrote() {
    byte[] artifact = TestVersions.artifact(TestVersions.architecture(List.of(16, 8)), "shapes");

    List<StoredParameter> parameters = ParameterFile.read(ByteBuffer.wrap(artifact));

    assertThat(parameters).extracting(p -> Arrays.toString(p.shape()))
        .containsExactly("[16, 2]", "[16]", "[8, 16]", "[8]", "[2, 8]", "[2]");
    assertThat(parameters).extracting(StoredParameter::dataType).containsOnly("FLOAT32");
  }

  @Test
  void everyArchitectureModelFormatBuildsMatchesTheCountTheRegistryExpects() {
    for (String normalization : ModelFormat.NORMALIZATIONS) {
      for (boolean residual : new boolean[] {false, true}) {
        Architecture a = TestVersions.architecture(List.of(12, 12, 5));
        a.setNormalization(normalization);
        a.setResidual(residual);
        a.setDropout(0.1);
        a.setActivation("tanh");
        byte[] artifact = TestVersions.artifact(a, "count");

        ServableModel.checkParameters(a, ParameterFile.read(ByteBuffer.wrap(artifact)));
      }
    }
  }

  @Test
  void aNetworkWithEarlyExitsMatchesTheCountTheRegistryExpectsAndOnlyWithThem() {
    for (String normalization : ModelFormat.NORMALIZATIONS) {
      Architecture a = TestVersions.architecture(List.of(12, 12, 5));
      a.setNormalization(normalization);
      a.setResidual(true);
      a.setEarlyExits(true);
      a.setExitConfidence(0.9);
      List<StoredParameter> parameters = ParameterFile.read(ByteBuffer.wrap(TestVersions.artifact(a, "exits")));

      ServableModel.checkParameters(a, parameters);
      a.setEarlyExits(false);
      assertThatThrownBy(() -> ServableModel.checkParameters(a, parameters))
          .hasMessageContaining("does not fit the architecture");
    }
    Architecture shallow = TestVersions.architecture(List.of(12));
    shallow.setEarlyExits(true);
    assertThatThrownBy(() -> ServableModel.checkArchitecture(shallow))
        .hasMessageContaining("architecture.earlyExits needs at least two hidden layers");
  }

  @Test
  void anArchitectureWithLabelLagsMatchesTheCountTheRegistryExpects() {
    Architecture a = TestVersions.architecture(List.of(12, 5));
    a.setLabelLags(2);
    byte[] artifact = TestVersions.artifact(a, "lags");

    List<StoredParameter> parameters = ParameterFile.read(ByteBuffer.wrap(artifact));

    assertThat(parameters.get(0).shape()).containsExactly(12L, a.getInputFeatures().size() + 2L * a.getNumClasses());
    ServableModel.checkParameters(a, parameters);
    a.setLabelLags(0);
    assertThatThrownBy(() -> ServableModel.checkParameters(a, parameters))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit the architecture");
  }

  @Test
  void theRegistryKnowsTheActivationsNormalisationsAndFamiliesModelFormatBuilds() {
    assertThat(ServableModel.ACTIVATIONS).isEqualTo(ModelFormat.ACTIVATIONS);
    assertThat(ServableModel.NORMALIZATIONS).isEqualTo(ModelFormat.NORMALIZATIONS);
    assertThat(ServableModel.FAMILIES).isEqualTo(dev.plasticity.registry.client.NetworkFamily.names());
  }

  @Test
  void anExpertsNetworkMatchesTheCountTheRegistryExpects() {
    for (String normalization : ModelFormat.NORMALIZATIONS) {
      Architecture a = TestVersions.architecture(List.of(4));
      a.setFamily("experts");
      a.setNormalization(normalization);
      a.setExperts(List.of(dev.plasticity.schemas.Expert.newBuilder().setHiddenUnits(List.of(12, 5)).build(),
          dev.plasticity.schemas.Expert.newBuilder().setHiddenUnits(List.of(7)).build()));
      a.setTopK(1);
      byte[] artifact = TestVersions.artifact(a, "experts");

      List<StoredParameter> parameters = ParameterFile.read(ByteBuffer.wrap(artifact));
      ServableModel.checkParameters(a, parameters);
      a.setTopK(3);
      assertThatThrownBy(() -> ServableModel.checkArchitecture(a))
          .hasMessageContaining("topK must be 1 to the number of experts (2), got 3");
      a.setTopK(1);
      a.setExperts(a.getExperts().subList(0, 1));
      assertThatThrownBy(() -> ServableModel.checkParameters(a, parameters))
          .hasMessageContaining("does not fit the architecture");
    }
  }

  @Test
  void anArtifactForAnotherArchitectureDoesNotFit() {
    byte[] artifact = TestVersions.artifact(TestVersions.architecture(List.of(16, 8)), "other");
    Architecture wider = TestVersions.architecture(List.of(16, 9));

    assertThatThrownBy(() -> ServableModel.checkParameters(wider, ParameterFile.read(ByteBuffer.wrap(artifact))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit the architecture");
  }

  @Test
  void emptyOrRandomBytesHoldNoParameters() {
    byte[] random = new byte[4096];
    new Random(7).nextBytes(random);

    assertThatThrownBy(() -> ParameterFile.read(ByteBuffer.wrap(new byte[0])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no DJL parameters");
    assertThatThrownBy(() -> ParameterFile.read(ByteBuffer.wrap(random)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no DJL parameters");
  }

  @Test
  void aTruncatedArtifactIsCutShort() {
    byte[] artifact = TestVersions.artifact(TestVersions.architecture(List.of(16, 8)), "cut");

    assertThatThrownBy(() -> ParameterFile.read(ByteBuffer.wrap(Arrays.copyOf(artifact, artifact.length - 3))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cut short");
  }

  @Test
  void aClaimedLengthThatDisagreesWithTheShapeIsRefusedWithoutAllocatingIt() {
    byte[] artifact = TestVersions.artifact(TestVersions.architecture(List.of(16, 8)), "length");
    ByteBuffer buffer = ByteBuffer.wrap(artifact);
    // the first array's byte length sits right before its 16 * 2 float32 values
    int first = indexOf(artifact, new byte[] {0, 0, 0, (byte) 128}); // 128 = 32 values * 4 bytes
    buffer.putInt(first, Integer.MAX_VALUE);

    assertThatThrownBy(() -> ParameterFile.read(buffer))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 128 bytes but claims " + Integer.MAX_VALUE);
  }

  @Test
  void architecturesOutsideTheBoundsAreRefusedNamingTheRule() {
    Architecture negative = TestVersions.architecture(List.of(16));
    negative.setNumClasses(-5);
    Architecture zeroWidth = TestVersions.architecture(List.of(0));
    Architecture noFeatures = TestVersions.architecture(List.of(4));
    noFeatures.setInputFeatures(List.of());
    noFeatures.setFeatureMeans(List.of());
    noFeatures.setFeatureStds(List.of());
    Architecture unknownActivation = TestVersions.architecture(List.of(4));
    unknownActivation.setActivation("swish");
    Architecture tooDeep = TestVersions.architecture(java.util.Collections.nCopies(33, 4));

    assertThatThrownBy(() -> ServableModel.checkArchitecture(negative)).hasMessageContaining("numClasses must be 2 to");
    assertThatThrownBy(() -> ServableModel.checkArchitecture(zeroWidth)).hasMessageContaining("widths must be 1 to");
    assertThatThrownBy(() -> ServableModel.checkArchitecture(noFeatures)).hasMessageContaining("inputFeatures must name 1 to");
    assertThatThrownBy(() -> ServableModel.checkArchitecture(unknownActivation)).hasMessageContaining("activation must be one of");
    assertThatThrownBy(() -> ServableModel.checkArchitecture(tooDeep)).hasMessageContaining("at most 32 layers");
  }

  @Test
  void anArchitectureWithCategoricalFeaturesCountsEachVocabularyAndItsUnknownColumn() {
    Architecture a = TestVersions.architecture(List.of(6));
    a.setCategoricalFeatures(List.of(category("colour", "red", "green", "blue"), category("size")));
    a.setLabelLags(1);
    byte[] artifact = TestVersions.artifact(a, "categorical");

    List<StoredParameter> parameters = ParameterFile.read(ByteBuffer.wrap(artifact));

    // 2 numeric + (3 + 1) colour + (0 + 1) size + 1 lag of 2 classes
    assertThat(parameters.get(0).shape()).containsExactly(6L, 2L + 4 + 1 + 2);
    ServableModel.checkParameters(a, parameters);
    a.setCategoricalFeatures(List.of(category("colour", "red", "green")));
    assertThatThrownBy(() -> ServableModel.checkParameters(a, parameters))
        .hasMessageContaining("does not fit the architecture");
  }

  @Test
  void categoricalFeaturesWithRepeatedNamesOrValuesAreRefusedNamingTheRule() {
    Architecture twice = TestVersions.architecture(List.of(4));
    twice.setCategoricalFeatures(List.of(category("colour", "red"), category("colour", "blue")));
    Architecture clash = TestVersions.architecture(List.of(4));
    clash.setCategoricalFeatures(List.of(category("x1", "a")));
    Architecture repeatedValue = TestVersions.architecture(List.of(4));
    repeatedValue.setCategoricalFeatures(List.of(category("colour", "red", "blue", "red")));
    Architecture unnamed = TestVersions.architecture(List.of(4));
    unnamed.setCategoricalFeatures(List.of(category("", "red")));
    Architecture huge = TestVersions.architecture(List.of(4));
    huge.setCategoricalFeatures(List.of(new CategoricalFeature("id",
        java.util.stream.IntStream.range(0, ServableModel.MAX_VOCABULARY + 1).mapToObj(Integer::toString).toList())));

    assertThatThrownBy(() -> ServableModel.checkArchitecture(twice))
        .hasMessageContaining("'colour' names another input too");
    assertThatThrownBy(() -> ServableModel.checkArchitecture(clash)).hasMessageContaining("'x1' names another input too");
    assertThatThrownBy(() -> ServableModel.checkArchitecture(repeatedValue))
        .hasMessageContaining("vocabulary of 'colour' must hold distinct non-null values, got 'red' twice");
    assertThatThrownBy(() -> ServableModel.checkArchitecture(unnamed)).hasMessageContaining("need a non-empty name");
    assertThatThrownBy(() -> ServableModel.checkArchitecture(huge))
        .hasMessageContaining("may hold at most " + ServableModel.MAX_VOCABULARY + " values");
  }

  private static CategoricalFeature category(String name, String... vocabulary) {
    return new CategoricalFeature(name, List.of(vocabulary));
  }

  @Test
  void levelsAreOnePerFeatureExactlyWhenTheArchitectureReadsLevels() {
    Architecture levelled = TestVersions.architecture(List.of(4));
    int features = levelled.getInputFeatures().size();
    levelled.setLevelSpan(300);
    levelled.setFeatureLevels(java.util.Collections.nCopies(features, 0.5));
    Architecture missing = TestVersions.architecture(List.of(4));
    missing.setLevelSpan(300);
    Architecture stray = TestVersions.architecture(List.of(4));
    stray.setFeatureLevels(java.util.Collections.nCopies(features, 0.5));
    Architecture negative = TestVersions.architecture(List.of(4));
    negative.setLevelSpan(-1);
    Architecture infinite = TestVersions.architecture(List.of(4));
    infinite.setLevelSpan(300);
    infinite.setFeatureLevels(java.util.Collections.nCopies(features, Double.NaN));

    assertThat(ServableModel.checkArchitecture(levelled))
        .isEqualTo(ServableModel.checkArchitecture(TestVersions.architecture(List.of(4))));
    assertThatThrownBy(() -> ServableModel.checkArchitecture(missing))
        .hasMessageContaining("featureLevels needs one entry per input feature (" + features + "), got 0");
    assertThatThrownBy(() -> ServableModel.checkArchitecture(stray))
        .hasMessageContaining("featureLevels needs no entries when levelSpan is 0");
    assertThatThrownBy(() -> ServableModel.checkArchitecture(negative)).hasMessageContaining("levelSpan must be 0 to");
    assertThatThrownBy(() -> ServableModel.checkArchitecture(infinite)).hasMessageContaining("finite numbers");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (haystack[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
