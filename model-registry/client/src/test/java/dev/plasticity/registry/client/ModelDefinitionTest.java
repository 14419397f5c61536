package dev.plasticity.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.schemas.DriftConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelDefinitionTest {
  private static ModelDefinition withClasses(ModelDefinition.Classes classes) {
    return new ModelDefinition("fraud", classes, null, null, null, null);
  }

  private static ModelDefinition withFeatures(List<String> numeric, List<String> categorical) {
    return new ModelDefinition("fraud", ModelDefinition.Classes.of(2),
        new ModelDefinition.Features(numeric, categorical), null, null, null);
  }

  @Test
  void aDefinitionWithOnlyItsClassesIsValidAndLeavesTheRestToTheServices() {
    ModelDefinition definition = withClasses(ModelDefinition.Classes.of(2)).validate();

    assertThat(definition.features().none()).isTrue();
    assertThat(definition.constraints().none()).isTrue();
    assertThat(definition.policy()).isEmpty();
    assertThat(definition.drift()).isNull();
  }

  @Test
  void refusesFewerThanTwoClassesAndNamesThatDoNotMatchTheCount() {
    assertThatThrownBy(() -> withClasses(ModelDefinition.Classes.of(1)).validate())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("classes.count: a label has 2 to");
    assertThatThrownBy(() -> withClasses(new ModelDefinition.Classes(3, List.of("a", "b"))).validate())
        .hasMessageContaining("classes.names: one name per class, in label order: 3 classes but 2 names");
    assertThatThrownBy(() -> withClasses(new ModelDefinition.Classes(2, List.of("a", "a"))).validate())
        .hasMessageContaining("classes.names: 'a' appears more than once");
    assertThatThrownBy(() -> withClasses(null).validate()).hasMessageContaining("classes: required");
  }

  @Test
  void refusesFeatureNamesThatRepeatAreBlankOrReserved() {
    assertThatThrownBy(() -> withFeatures(List.of("amount"), List.of("amount")).validate())
        .hasMessageContaining("'amount' appears more than once; names are unique across numeric and categorical");
    assertThatThrownBy(() -> withFeatures(List.of(" "), List.of()).validate())
        .hasMessageContaining("features.numeric: a name is 1 to 255 characters, not blank");
    assertThatThrownBy(() -> withFeatures(List.of("_error"), List.of()).validate())
        .hasMessageContaining("'_error' starts with '_'");
    assertThatThrownBy(() -> withFeatures(List.of(), List.of("country")).validate())
        .hasMessageContaining("features.numeric: a model with categorical features needs at least one numeric");
  }

  @Test
  void refusesLimitsThatAreNotPositiveOrAP99BelowTheMedian() {
    ModelDefinition definition = new ModelDefinition("fraud", ModelDefinition.Classes.of(2), null,
        new ModelDefinition.Constraints(0L, -1L, 500L, 100L), null, null);

    assertThatThrownBy(definition::validate)
        .hasMessageContaining("breaks 3 rules")
        .hasMessageContaining("constraints.maxParameters: a limit is positive, got 0")
        .hasMessageContaining("constraints.maxMultiplyAdds: a limit is positive, got -1")
        .hasMessageContaining("the p99 latency limit (100 µs) must be at least the median's (500 µs)");
  }

  @Test
  void refusesDriftSettingsTheDriftJobWouldRefuse() {
    DriftConfig drift = DriftConfig.newBuilder().setWindowSize(1).setKsAlpha(1.5).setTests(List.of("PSI", "T_TEST"))
        .setConceptDetector("CUSUM").setCadenceEvents(-5L).build();
    ModelDefinition definition = new ModelDefinition("fraud", ModelDefinition.Classes.of(2), null, null, null, drift);

    assertThatThrownBy(definition::validate)
        .hasMessageContaining("drift.windowSize: at least 2 events, got 1")
        .hasMessageContaining("drift.ksAlpha: a significance level in (0, 1), got 1.5")
        .hasMessageContaining("drift.tests: unknown test 'T_TEST'")
        .hasMessageContaining("drift.conceptDetector: unknown detector 'CUSUM'")
        .hasMessageContaining("drift.cadenceEvents: 0 or more, got -5");
  }

  @Test
  void refusesABlankNameAndAnOverlongPolicy() {
    assertThatThrownBy(() -> new ModelDefinition(" ", ModelDefinition.Classes.of(2), null, null, null, null).validate())
        .hasMessageContaining("name: a model name is 1 to 255 characters");
    assertThatThrownBy(() -> new ModelDefinition("m", ModelDefinition.Classes.of(2), null, null, "x".repeat(5000), null)
        .validate()).hasMessageContaining("policy: at most 4096 characters");
  }

  @Test
  void readsAndWritesItsJsonForm() throws Exception {
    String json = "{\"name\":\"fraud\",\"classes\":{\"count\":2,\"names\":[\"ok\",\"fraud\"]},"
        + "\"features\":{\"numeric\":[\"amount\"],\"categorical\":[\"country\"]},"
        + "\"constraints\":{\"maxParameters\":50000},\"policy\":\"CONCEPT=retrain\",\"drift\":{\"windowSize\":1000}}";

    ModelDefinition read = RegistryJson.mapper().readValue(json, ModelDefinition.class).validate();

    assertThat(read.classes().names()).containsExactly("ok", "fraud");
    assertThat(read.features().categorical()).containsExactly("country");
    assertThat(read.constraints().maxParameters()).isEqualTo(50_000L);
    assertThat(read.constraints().maxLatencyMedianMicros()).isNull();
    assertThat(read.drift().getWindowSize()).isEqualTo(1000);
    assertThat(read.drift().getKsAlpha()).isNull();
    assertThat(RegistryJson.mapper().readValue(RegistryJson.mapper().writeValueAsString(read), ModelDefinition.class))
        .isEqualTo(read);
  }
}
