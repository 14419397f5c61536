package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.ModelDefinition;
import dev.plasticity.streamjobs.drift.ChangeDetectorKind;
import dev.plasticity.streamjobs.drift.WindowTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model definition names the drift job's tests and detectors as text (the registry client does
 * not depend on the drift job); the lists it accepts must stay those the drift job knows.
 */
class ModelDefinitionNamesTest {
  @Test
  void theDriftTestsADefinitionMayNameAreTheDriftJobsWindowTests() {
    assertThat(ModelDefinition.DRIFT_TESTS)
        .containsExactlyInAnyOrderElementsOf(Arrays.stream(WindowTest.values()).map(Enum::name).toList());
  }

  @Test
  void theConceptDetectorsADefinitionMayNameAreTheDriftJobsDetectorsAndNone() {
    List<String> kinds = new ArrayList<>(Arrays.stream(ChangeDetectorKind.values()).map(Enum::name).toList());
    kinds.add("NONE");
    assertThat(ModelDefinition.CONCEPT_DETECTORS).containsExactlyInAnyOrderElementsOf(kinds);
  }
}
