package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import dev.plasticity.generators.HyperplaneGenerator;
import dev.plasticity.generators.Instance;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.schemas.TriggerSignal;
import dev.plasticity.trainer.RetrainingPolicy;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainingOutcome;
import dev.plasticity.trainer.network.LatencyProbes;
import dev.plasticity.trainer.network.NetworkTraining;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cadence updates with real DJL training and in-memory I/O: a slowly rotating hyperplane is
 * followed by gated incremental updates alone, with no drift alarm at all.
 */
class CadenceTest {
  private static final int BLOCK = 2000;
  private static final int BLOCKS = 7;
  private static final RetrainingPolicy.Drift CADENCE = new RetrainingPolicy.Drift(DriftKind.COVARIATE, 0,
      TriggerSignal.CADENCE, RetrainingPolicy.Harm.UNKNOWN);

  private final InMemoryIo.Versions versions = new InMemoryIo.Versions();
  private final InMemoryIo.Progress progress = new InMemoryIo.Progress();

  /**
   * Five attributes, the first two with weights that grow 0.0002 per event (no reversals), 2 %
   * label noise: over seven blocks of 2,000 events the boundary turns far from where it started.
   */
  private static List<LabelledEvent> rotatingHyperplane() {
    HyperplaneGenerator generator = new HyperplaneGenerator(2, 5, 2, 0.0002, 2, 0, 7);
    List<LabelledEvent> events = new ArrayList<>();
    for (int i = 0; i < BLOCK * BLOCKS; i++) {
      Instance instance = generator.next();
      Map<String, Double> features = new HashMap<>();
      for (int f = 0; f < instance.numFeatures(); f++) {
        features.put("att" + (f + 1), instance.feature(f));
      }
      events.add(LabelledEvent.newBuilder().setEventId("plane-" + i).setModel("plane").setEventTime(i)
          .setFeatures(features).setLabel(instance.label()).build());
    }
    return events;
  }

  private static DataWindow block(int k) {
    return DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime((long) k * BLOCK)
        .setEndTime((long) (k + 1) * BLOCK - 1).setEventCount(BLOCK).setOffsets(List.of()).build();
  }

  private double accuracy(ModelVersion version, List<LabelledEvent> events) {
    try (Model model = ModelFormat.load(version.getModel(), version.getArchitecture(),
        versions.downloadVerified(version))) {
      return NetworkTraining.accuracy(model, version.getArchitecture(), events);
    }
  }

  @Test
  void cadenceUpdatesFollowASlowlyRotatingHyperplaneWithoutAnyAlarm() {
    List<LabelledEvent> stream = rotatingHyperplane();
    InMemoryIo.Events events = new InMemoryIo.Events().add(stream);
    TrainerConfig config = TrainerConfig.builder("no-broker:9092", URI.create("http://no-registry"))
        .trainingEvents(BLOCK).minTrainingEvents(200).epochs(10).hiddenUnits(List.of(16, 16)).cadenceEvents(BLOCK)
        .build();
    RetrainingRun run = new RetrainingRun(config, events, versions, progress, Clock.systemUTC(),
        LatencyProbes.ticking(Duration.ofNanos(50_000)));

    ModelVersion v1 = run.run("bootstrap-plane", "plane", null, block(0), BLOCK).version().orElseThrow();
    List<TrainingOutcome> outcomes = new ArrayList<>();
    for (int k = 1; k < BLOCKS - 1; k++) {
      int serving = versions.champion("plane").orElseThrow().getVersion();
      outcomes.add(run.run("cadence-" + k, "plane", serving, block(k), BLOCK, CADENCE));
    }

    List<LabelledEvent> newest = stream.subList((BLOCKS - 1) * BLOCK, BLOCKS * BLOCK);
    ModelVersion served = versions.champion("plane").orElseThrow();
    double frozen = accuracy(v1, newest);
    double followed = accuracy(served, newest);
    assertThat(v1.getDriftConfig().getCadenceEvents()).isEqualTo(BLOCK);
    assertThat(outcomes).extracting(TrainingOutcome::status)
        .containsOnly(TrainingOutcome.Status.CHAMPION, TrainingOutcome.Status.REJECTED)
        .filteredOn(s -> s == TrainingOutcome.Status.CHAMPION).hasSizeGreaterThanOrEqualTo(2);
    assertThat(served.getVersion()).isGreaterThan(1);
    assertThat(served.getLineage().getSignal()).isEqualTo(TriggerSignal.CADENCE);
    assertThat(served.getLineage().getStrategy()).isEqualTo("incremental");
    // only winners are registered: one version per promoted update, besides v1
    assertThat(versions.all("plane")).hasSize(1 + (int) outcomes.stream()
        .filter(o -> o.status() == TrainingOutcome.Status.CHAMPION).count());
    assertThat(outcomes).filteredOn(o -> o.status() == TrainingOutcome.Status.REJECTED)
        .allSatisfy(o -> assertThat(progress.phases(o.triggerId())).contains(TrainingPhase.REJECTED));
    assertThat(followed).as("served v%d %.3f vs frozen v1 %.3f on the newest %d events", served.getVersion(),
        followed, frozen, newest.size()).isGreaterThan(frozen + 0.05);
  }
}
