package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.trainer.SeaEvents;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainingOutcome;
import dev.plasticity.trainer.network.LatencyProbes;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs with {@code meta-start} over a lineage of SEA concepts, events and versions in memory: the
 * run reads back the windows of the serving version and the earlier champions.
 */
class MetaStartRunTest {
  private static final long A = 0;
  private static final long B = 1_000_000;
  private static final long C = 2_000_000;

  private final InMemoryIo.Versions versions = new InMemoryIo.Versions();
  private final InMemoryIo.Progress progress = new InMemoryIo.Progress();

  private static TrainerConfig.Builder config() {
    return TrainerConfig.builder("no-broker:9092", URI.create("http://no-registry")).trainingEvents(1200)
        .minTrainingEvents(200).epochs(6).hiddenUnits(List.of(16));
  }

  private RetrainingRun run(TrainerConfig config, InMemoryIo.Events events) {
    return new RetrainingRun(config, events, versions, progress, Clock.systemUTC(),
        LatencyProbes.ticking(Duration.ofNanos(50_000)));
  }

  private static DataWindow window(long start) {
    return DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(start).setEndTime(start)
        .setEventCount(1200).setOffsets(List.of()).build();
  }

  @Test
  void fallsBackToTheChampionWithOneWindowThenMetaLearnsOnceTheLineageKnowsTwoConcepts() {
    InMemoryIo.Events events = new InMemoryIo.Events().add(SeaEvents.generate("sea", 1200, 7, 1, A))
        .add(SeaEvents.generate("sea", 1200, 12, 2, B)).add(SeaEvents.generate("sea", 1200, 9.5, 3, C));
    RetrainingRun bootstrap = run(config().build(), events);
    RetrainingRun metaStart = run(config().strategy("meta-start").build(), events);

    ModelVersion v1 = bootstrap.run("bootstrap", "sea", null, window(A), 1200).version().orElseThrow();
    TrainingOutcome second = metaStart.run("to-b", "sea", v1.getVersion(), window(B), 1200);
    ModelVersion v2 = second.version().orElseThrow();

    assertThat(second.status()).isEqualTo(TrainingOutcome.Status.CHAMPION);
    assertThat(v2.getLineage().getStrategy()).isEqualTo("meta-start");
    assertThat(second.message()).contains("1 past window(s) of the lineage").contains("from the champion");
    assertThat(v2.getMetrics()).containsEntry("meta_windows", 1.0).containsEntry("meta_iterations", 0.0);

    TrainingOutcome third = metaStart.run("to-c", "sea", v2.getVersion(), window(C), 1200);
    ModelVersion v3 = third.version().orElseThrow();

    assertThat(v3.getLineage().getStrategy()).isEqualTo("meta-start");
    assertThat(third.message()).contains("Reptile start learned on 2 windows of the lineage (v1, v2");
    assertThat(v3.getMetrics()).containsEntry("meta_windows", 2.0)
        .containsEntry("meta_iterations", 200.0);
    assertThat(v3.getMetrics().get("meta_seconds")).isPositive();
  }
}
