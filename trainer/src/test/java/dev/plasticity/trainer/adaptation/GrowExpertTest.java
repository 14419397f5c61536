package dev.plasticity.trainer.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import dev.plasticity.registry.client.ExpertsBlock;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.Expert;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.SegmentEvents;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.LatencyProbe;
import dev.plasticity.trainer.network.NetworkCost;
import dev.plasticity.trainer.network.NetworkTraining;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * grow-expert on {@link SegmentEvents}: an mlp trained on A knows nothing of B; grow-expert adds
 * B's expert and keeps A's, the gate routing each region to its own.
 */
class GrowExpertTest {
  private static final List<String> FEATURES = List.of("x1", "x2", "x3");
  private static final TrainingSettings TRAINING = TrainingSettings.DEFAULTS.withEpochs(12)
      .withHiddenUnits(List.of(16)).withSeed(7);
  private static final ConstraintCheck UNCONSTRAINED = new ConstraintCheck(List.of(), LatencyProbe.standard());
  private static final long DAY = Duration.ofDays(1).toMillis();

  private static LabelledData windowA;
  private static LabelledData windowB;
  private static Strategy.Parent mlp;
  private static Strategy.Adapted grown;

  @BeforeAll
  static void growAnExpertForB() {
    windowA = LabelledData.split(SegmentEvents.A.generate("segments", 1200, 1, 0), 0.2);
    windowB = LabelledData.split(SegmentEvents.B.generate("segments", 1200, 2, 1_000_000), 0.2);
    Architecture architecture = NetworkTraining.architecture(FEATURES, windowA.train(), 2, TRAINING.hiddenUnits());
    NetworkTraining.Result parent = NetworkTraining.train("segments", windowA, UNCONSTRAINED.check(architecture),
        TRAINING, NetworkTraining.EpochListener.QUIET);
    mlp = new Strategy.Parent("segments", architecture, parent.artifact());
    grown = GrowExpert.STANDARD.adapt(mlp, windowB, windowA.train(), architecture, UNCONSTRAINED, TRAINING,
        AdaptationSettings.DEFAULTS, NetworkTraining.EpochListener.QUIET);
  }

  private static double accuracy(Architecture architecture, byte[] artifact, List<LabelledEvent> events) {
    try (Model model = ModelFormat.load("segments", architecture, artifact)) {
      return NetworkTraining.accuracy(model, architecture, events);
    }
  }

  private static byte[] expertArtifact(Architecture architecture, byte[] artifact, int expert) throws Exception {
    try (Model model = ModelFormat.load("segments", architecture, artifact)) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ((ExpertsBlock) model.getBlock()).expert(expert).saveParameters(new DataOutputStream(bytes));
      return bytes.toByteArray();
    }
  }

  @Test
  void theServingMlpBecomesExpertZeroUnchangedAndANewExpertJoinsIt() throws Exception {
    Architecture architecture = grown.result().architecture();
    assertThat(architecture.getFamily()).isEqualTo("experts");
    assertThat(architecture.getTopK()).isEqualTo(1);
    assertThat(architecture.getHiddenUnits()).as("a linear gate").isEmpty();
    assertThat(architecture.getExperts()).extracting(Expert::getHiddenUnits).containsExactly(List.of(16), List.of(16));
    assertThat(expertArtifact(architecture, grown.result().artifact(), 0)).isEqualTo(mlp.artifact());
    assertThat(architecture.getExperts().get(1).getAddedAt()).isEqualTo(1_000_000 + 1199);
    assertThat(grown.metrics()).containsEntry("experts", 2.0).containsEntry("experts_pruned", 0.0);
    assertThat(grown.note()).contains("expert 1 ([16]) trained on 960 new events").contains("960 reference events");
  }

  @Test
  void beatsTheParentOnTheNewConceptAndKeepsTheOldOne() {
    Architecture architecture = grown.result().architecture();
    double parentOnB = accuracy(mlp.architecture(), mlp.artifact(), windowB.heldOut());
    double grownOnB = accuracy(architecture, grown.result().artifact(), windowB.heldOut());
    double parentOnA = accuracy(mlp.architecture(), mlp.artifact(), windowA.heldOut());
    double grownOnA = accuracy(architecture, grown.result().artifact(), windowA.heldOut());
    System.out.printf("grow-expert A -> B: held-out accuracy on B %.3f (parent %.3f), on A %.3f (parent %.3f); %s%n",
        grownOnB, parentOnB, grownOnA, parentOnA, grown.note());
    assertThat(grownOnB).isGreaterThan(0.85).isGreaterThan(parentOnB + 0.2);
    assertThat(grownOnA).as("A's rows route back to A's frozen expert").isGreaterThan(parentOnA - 0.02);
    // B's held-out rows go to B's expert, and each costs the gate and one expert
    assertThat(grown.metrics().get("expert_1_share")).isGreaterThan(0.9);
    long perRow = NetworkCost.gateParameters(architecture) + NetworkCost.expertParameters(architecture)[1];
    assertThat(grown.metrics().get("active_parameters_per_row")).isBetween(perRow - 1.0, perRow + 1.0);
    assertThat(grown.candidate().summary()).contains("per row (gate and top-1 experts; "
        + NetworkCost.totalParameters(architecture) + " parameters in all)");
  }

  @Test
  void aSecondGrowAddsAThirdExpertAndRoutesEachConceptToItsOwn() throws Exception {
    Strategy.Parent experts = new Strategy.Parent("segments", grown.result().architecture(), grown.result().artifact());
    LabelledData windowC = LabelledData.split(SegmentEvents.C.generate("segments", 1200, 3, 2_000_000), 0.2);
    // the reference a run reads for an experts parent: each expert's window
    List<LabelledEvent> reference = new ArrayList<>(windowA.train());
    reference.addAll(windowB.train());
    Strategy.Adapted again = GrowExpert.STANDARD.adapt(experts, windowC, reference, null, UNCONSTRAINED,
        TRAINING, AdaptationSettings.DEFAULTS, NetworkTraining.EpochListener.QUIET);
    Architecture architecture = again.result().architecture();
    System.out.printf("grow-expert A, B -> C: held-out accuracy on C %.3f, B %.3f, A %.3f; %s%n",
        accuracy(architecture, again.result().artifact(), windowC.heldOut()),
        accuracy(architecture, again.result().artifact(), windowB.heldOut()),
        accuracy(architecture, again.result().artifact(), windowA.heldOut()), again.note());
    assertThat(architecture.getExperts()).hasSize(3);
    assertThat(again.metrics()).containsEntry("experts", 3.0);
    assertThat(accuracy(architecture, again.result().artifact(), windowC.heldOut())).isGreaterThan(0.85);
    assertThat(accuracy(architecture, again.result().artifact(), windowB.heldOut())).isGreaterThan(0.85);
    assertThat(accuracy(architecture, again.result().artifact(), windowA.heldOut()))
        .as("a returning A finds its expert: the gate still routes it there")
        .isGreaterThan(accuracy(mlp.architecture(), mlp.artifact(), windowA.heldOut()) - 0.03);
    assertThat(architecture.getExperts().get(0).getTrainedFrom()).isZero();
    assertThat(architecture.getExperts().get(0).getAddedAt()).isEqualTo(959);
    assertThat(architecture.getExperts().get(2).getTrainedFrom()).isEqualTo(2_000_000);
    for (int e = 0; e < 2; e++) {
      assertThat(expertArtifact(architecture, again.result().artifact(), e))
          .as("expert %d stays frozen", e).isEqualTo(expertArtifact(experts.architecture(), experts.artifact(), e));
    }
  }

  @Test
  void anExpertUnusedPastTheLimitIsPruned() {
    Strategy.Parent experts = new Strategy.Parent("segments", grown.result().architecture(), grown.result().artifact());
    // two days on: C's rows fall on B's side of the gate, so A's expert has had no rows since B's window
    LabelledData windowC = LabelledData.split(SegmentEvents.C.generate("segments", 1200, 3, 2 * DAY), 0.2);
    Strategy.Adapted pruned = GrowExpert.STANDARD.adapt(experts, windowC, windowB.train(), null, UNCONSTRAINED,
        TRAINING, AdaptationSettings.DEFAULTS, NetworkTraining.EpochListener.QUIET);
    assertThat(pruned.result().architecture().getExperts()).hasSize(2);
    assertThat(pruned.result().architecture().getExperts().get(0).getAddedAt())
        .as("B's expert is kept").isEqualTo(1_000_000 + 1199);
    assertThat(pruned.metrics()).containsEntry("experts_pruned", 1.0);
    // B's expert keeps its route (its gate row moved from place 1 to place 0) and C gets the new one
    assertThat(accuracy(pruned.result().architecture(), pruned.result().artifact(), windowB.heldOut()))
        .isGreaterThan(0.9);
    assertThat(accuracy(pruned.result().architecture(), pruned.result().artifact(), windowC.heldOut()))
        .isGreaterThan(0.9);
    assertThat(pruned.note()).contains("pruned expert 0 [16]: no rows for").contains("over the limit of 24 h");
  }

  @Test
  void beyondTheMostExpertsTheLeastRecentlyUsedIsPruned() {
    Strategy.Parent experts = new Strategy.Parent("segments", grown.result().architecture(), grown.result().artifact());
    LabelledData windowC = LabelledData.split(SegmentEvents.C.generate("segments", 600, 4, 2_000_000), 0.2);
    Strategy.Adapted capped = GrowExpert.STANDARD.adapt(experts, windowC, windowB.train(), null, UNCONSTRAINED,
        TRAINING.withEpochs(4), AdaptationSettings.DEFAULTS.withExperts(Duration.ofHours(24), 2),
        NetworkTraining.EpochListener.QUIET);
    assertThat(capped.result().architecture().getExperts()).hasSize(2);
    assertThat(capped.note()).contains("least recently used").contains("of more than 2 experts");
  }

  @Test
  void fineTuningAnExpertsNetworkAtTheHeadTrainsTheGateAloneAndAtAllEveryExpert() throws Exception {
    Architecture architecture = grown.result().architecture();
    byte[] artifact = grown.result().artifact();
    LabelledData windowC = LabelledData.split(SegmentEvents.C.generate("segments", 400, 5, 2_000_000), 0.2);
    NetworkTraining.Result head = NetworkTraining.train("segments", windowC, UNCONSTRAINED.check(architecture),
        TRAINING.withEpochs(2), new NetworkTraining.Start(artifact, dev.plasticity.trainer.FineTuneScope.HEAD),
        NetworkTraining.EpochListener.QUIET);
    NetworkTraining.Result all = NetworkTraining.train("segments", windowC, UNCONSTRAINED.check(architecture),
        TRAINING.withEpochs(2), new NetworkTraining.Start(artifact, dev.plasticity.trainer.FineTuneScope.ALL),
        NetworkTraining.EpochListener.QUIET);
    for (int e = 0; e < 2; e++) {
      assertThat(expertArtifact(architecture, head.artifact(), e)).as("expert %d under head", e)
          .isEqualTo(expertArtifact(architecture, artifact, e));
      assertThat(expertArtifact(architecture, all.artifact(), e)).as("expert %d under all", e)
          .isNotEqualTo(expertArtifact(architecture, artifact, e));
    }
    assertThat(head.artifact()).as("the gate moved").isNotEqualTo(artifact);
  }
}
