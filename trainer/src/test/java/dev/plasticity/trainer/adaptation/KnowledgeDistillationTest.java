package dev.plasticity.trainer.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.SeaEvents;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.LatencyProbe;
import dev.plasticity.trainer.network.NetworkCost;
import dev.plasticity.trainer.search.SearchSpaceTest;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class KnowledgeDistillationTest {
  @Test
  void theStudentIsSmallerAndWithinTheTeachersAccuracyOnAStableConcept() {
    SeaParent sea = SeaParent.trained(5);
    // the concept has not changed: the next window is more of the old one
    LabelledData window = LabelledData.split(SeaEvents.generate("sea", 1200, 7.0, 55, 2_000_000), 0.2);
    ConstraintCheck check = new ConstraintCheck(List.of(new Constraint.MaxParameters(400)), LatencyProbe.standard());

    Strategy.Adapted adapted = AdaptationStrategy.DISTILL.adapt(sea.asParent(), window, List.of(),
        sea.architecture(), check, sea.config(), AdaptationSettings.DEFAULTS, (epoch, epochs, accuracy) -> {});

    double teacher = SeaParent.accuracy(sea.architecture(), sea.artifact(), window.heldOut());
    assertThat(adapted.result().architecture().getHiddenUnits()).containsExactly(8, 8);
    assertThat(NetworkCost.parameters(adapted.result().architecture()))
        .isLessThan(NetworkCost.parameters(sea.architecture())).isLessThanOrEqualTo(400);
    assertThat(adapted.result().heldOutAccuracy()).isGreaterThan(teacher - 0.03);
    assertThat(adapted.metrics()).containsEntry("distill_temperature", 2.0).containsEntry("distill_alpha", 0.5);
  }

  @Test
  void aStudentThatBreaksAConstraintIsNotTrained() {
    SeaParent sea = SeaParent.trained(6);
    ConstraintCheck check = new ConstraintCheck(List.of(new Constraint.MaxParameters(50)), LatencyProbe.standard());

    Strategy.Adapted adapted = AdaptationStrategy.DISTILL.adapt(sea.asParent(), sea.newWindow(), List.of(),
        sea.architecture(), check, sea.config(), AdaptationSettings.DEFAULTS, (epoch, epochs, accuracy) -> {});

    assertThat(adapted.result()).isNull();
    assertThat(adapted.candidate().passed()).isFalse();
    assertThat(adapted.note()).contains("exceed the limit of 50");
  }

  @Test
  void halvesEachHiddenWidthKeepingAtLeastFourUnitsAndTheTeachersKindOfNetwork() {
    Architecture teacher = Architecture.newBuilder(SearchSpaceTest.INPUTS).setHiddenUnits(List.of(32, 6, 9))
        .setActivation("tanh").setNormalization("layer").build();
    List<dev.plasticity.schemas.LabelledEvent> train = SeaEvents.generate("sea", 100, 7.0, 1, 0);

    Architecture halved = KnowledgeDistillation.student(teacher, List.of(), 4, train);
    Architecture chosen = KnowledgeDistillation.student(teacher, List.of(5), 4, train);

    assertThat(halved.getHiddenUnits()).containsExactly(16, 4, 4);
    assertThat(halved.getActivation()).isEqualTo("tanh");
    assertThat(halved.getNormalization()).isEqualTo("layer");
    assertThat(halved.getFeatureMeans().get(0)).isBetween(3.5, 6.5);
    assertThat(chosen.getHiddenUnits()).containsExactly(5);
  }

  @Test
  void temperedTeacherProbabilitiesEqualTheTemperedSoftmaxOfItsLogits() {
    double[] logits = {2.0, -1.0, 0.5};
    float[] probabilities = softmax(logits, 1);
    float[] expected = softmax(logits, 3);

    float[] logTempered = KnowledgeDistillation.temperedLog(probabilities, 3);

    for (int c = 0; c < logits.length; c++) {
      assertThat((float) Math.exp(logTempered[c])).isCloseTo(expected[c], Offset.offset(1e-6f));
    }
  }

  private static float[] softmax(double[] logits, double temperature) {
    double sum = 0;
    for (double z : logits) {
      sum += Math.exp(z / temperature);
    }
    float[] p = new float[logits.length];
    for (int c = 0; c < logits.length; c++) {
      p[c] = (float) (Math.exp(logits[c] / temperature) / sum);
    }
    return p;
  }
}
