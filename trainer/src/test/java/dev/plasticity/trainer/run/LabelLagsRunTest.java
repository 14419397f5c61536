package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.generators.ElectricityLikeGenerator;
import dev.plasticity.generators.Instance;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.GateResult;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.trainer.LabelLags;
import dev.plasticity.trainer.RetrainingPolicy;
import dev.plasticity.trainer.SeaEvents;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainingOutcome;
import dev.plasticity.trainer.network.LatencyProbes;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs with label lags: on a stream whose labels persist, {@code auto} gives the network the
 * previous label and it beats the champion that reads the features alone; on a stream without
 * temporal dependence {@code auto} adds nothing. Real DJL training, I/O in memory.
 */
class LabelLagsRunTest {
  private static final long OLD = 0;
  private static final long NEW = 1_000_000;

  private final InMemoryIo.Versions versions = new InMemoryIo.Versions();
  private final InMemoryIo.Progress progress = new InMemoryIo.Progress();

  private static TrainerConfig.Builder config() {
    return TrainerConfig.builder("no-broker:9092", URI.create("http://no-registry")).trainingEvents(1000)
        .minTrainingEvents(200).epochs(8).hiddenUnits(List.of(16, 16));
  }

  private RetrainingRun run(TrainerConfig config, InMemoryIo.Events events) {
    return new RetrainingRun(config, events, versions, progress, Clock.systemUTC(),
        LatencyProbes.ticking(Duration.ofNanos(50_000)));
  }

  private static DataWindow window(long start) {
    return DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(start).setEndTime(start)
        .setEventCount(1000).setOffsets(List.of()).build();
  }

  /** 1000 events of the electricity-like stream at OLD, the next 1000 at NEW. */
  private static InMemoryIo.Events electricity() {
    ElectricityLikeGenerator generator = new ElectricityLikeGenerator(5);
    List<String> names = generator.featureNames();
    List<LabelledEvent> events = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      Instance instance = generator.next();
      Map<String, Double> features = new HashMap<>();
      for (int f = 0; f < names.size(); f++) {
        features.put(names.get(f), instance.features()[f]);
      }
      events.add(LabelledEvent.newBuilder().setEventId("elec-" + i).setModel("elec")
          .setEventTime((i < 1000 ? OLD : NEW - 1000) + i).setFeatures(features).setLabel(instance.label()).build());
    }
    return new InMemoryIo.Events().add(events);
  }

  @Test
  void autoGivesAStreamWhoseLabelsPersistThePreviousLabelAndBeatsTheChampionWithoutIt() {
    InMemoryIo.Events events = electricity();
    TrainingOutcome first = run(config().build(), events).run("bootstrap-elec", "elec", null, window(OLD), 1000);
    assertThat(first.version().orElseThrow().getArchitecture().getLabelLags()).isZero();

    // the plan warm-starts from v1, whose network cannot take the lags: the run trains fresh weights
    TrainingOutcome outcome = run(config().strategy("fine-tune:all").labelLags("elec", LabelLags.AUTO).build(), events)
        .run("concept-elec", "elec", 1, window(NEW), 1000, new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3));

    ModelVersion v2 = outcome.version().orElseThrow();
    GateResult gate = v2.getLineage().getGate();
    assertThat(v2.getArchitecture().getLabelLags()).isEqualTo(1);
    assertThat(v2.getArchitecture().getInputFeatures()).hasSize(6);
    assertThat(v2.getLineage().getReason()).contains("label lags (auto): 1, since predicting the previous label")
        .contains("fine-tune:all cannot reuse the weights of v1, whose network takes 0 label lags and its features"
            + " as they are where this run's takes 1 and its features as they are: fell back to retrain from fresh"
            + " weights");
    assertThat(v2.getLineage().getStrategy()).isEqualTo("retrain");
    assertThat(gate.getPromoted()).as(gate.getVerdict()).isTrue();
    assertThat(gate.getChallengerAccuracy()).isGreaterThan(gate.getChampionAccuracy() + 0.1);
    assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.CHAMPION);
  }

  @Test
  void autoAddsNoLagsOnAStreamWithoutTemporalDependence() {
    InMemoryIo.Events events = new InMemoryIo.Events().add(SeaEvents.generate("sea", 1000, 7.0, 11, OLD));

    TrainingOutcome outcome = run(config().labelLags("sea", LabelLags.AUTO).build(), events)
        .run("bootstrap-sea", "sea", null, window(OLD), 1000);

    ModelVersion v1 = outcome.version().orElseThrow();
    assertThat(v1.getArchitecture().getLabelLags()).isZero();
    assertThat(v1.getLineage().getReason()).contains("label lags (auto): none, since predicting the previous label");
    assertThat(v1.getLineage().getStrategy()).isEqualTo("retrain");
  }
}
