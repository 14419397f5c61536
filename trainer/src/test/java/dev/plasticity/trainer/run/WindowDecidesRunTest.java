package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.RetrainingPolicy;
import dev.plasticity.trainer.SeaEvents;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainingOutcome;
import dev.plasticity.trainer.network.LatencyProbes;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs under the default policy whose window decides the strategy ({@link RetrainingPolicy#refine}):
 * a lineage of SEA concepts (label 1 when x1 + x2 &lt;= the concept's threshold), events and
 * versions in memory, a strong concept drift whose default rule is an evolutionary search.
 */
class WindowDecidesRunTest {
  private static final long A = 0;
  private static final long B = 1_000_000;
  private static final long C = 2_000_000;
  private static final RetrainingPolicy.Drift CONCEPT = new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.9);

  private final InMemoryIo.Versions versions = new InMemoryIo.Versions();
  private final InMemoryIo.Progress progress = new InMemoryIo.Progress();

  private static TrainerConfig.Builder config() {
    return TrainerConfig.builder("no-broker:9092", URI.create("http://no-registry")).trainingEvents(1200)
        .minTrainingEvents(200).epochs(8).hiddenUnits(List.of(16, 16));
  }

  private RetrainingRun run(TrainerConfig config, InMemoryIo.Events events) {
    return new RetrainingRun(config, events, versions, progress, Clock.systemUTC(),
        LatencyProbes.ticking(Duration.ofNanos(50_000)));
  }

  private static DataWindow window(long start) {
    return DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(start).setEndTime(start)
        .setEventCount(1200).setOffsets(List.of()).build();
  }

  /** v1 trained on concept {@code a} by a bootstrap, v2 on {@code b} (retrained, as configured), both champions. */
  private ModelVersion lineage(InMemoryIo.Events events) {
    ModelVersion v1 = run(config().build(), events).run("bootstrap", "sea", null, window(A), 1200).version()
        .orElseThrow();
    TrainingOutcome second = run(config().strategy("retrain").build(), events)
        .run("to-b", "sea", v1.getVersion(), window(B), 1200, CONCEPT);
    assertThat(second.status()).isEqualTo(TrainingOutcome.Status.CHAMPION);
    return second.version().orElseThrow();
  }

  @Test
  void aWindowTwoKnownConceptsShareGrowsAnExpert() {
    // on x1 + x2 <= 10, v1 (<= 7) is right on 10 < s <= 12 where v2 (<= 12) is wrong, and v2 on 7 < s <= 10 where v1 is
    InMemoryIo.Events events = new InMemoryIo.Events().add(SeaEvents.generate("sea", 1200, 7, 1, A))
        .add(SeaEvents.generate("sea", 1200, 12, 2, B)).add(SeaEvents.generate("sea", 1200, 10, 3, C));
    ModelVersion v2 = lineage(events);

    TrainingOutcome third = run(config().build(), events).run("to-c", "sea", v2.getVersion(), window(C), 1200,
        CONCEPT);

    ModelVersion v3 = third.version().orElseThrow();
    assertThat(v3.getLineage().getStrategy()).isEqualTo("grow-expert");
    assertThat(v3.getLineage().getReason().toString()).contains("(default rule)")
        .contains("the window decides: the window mixes concepts");
    assertThat(v3.getMetrics()).containsKey("active_parameters");
  }

  @Test
  void anAbruptChangeToANewConceptStartsFromMetaLearnedWeights() {
    // v1 (<= 7) is never right where v2 (<= 9) is wrong on the new concept (<= 12): nothing known comes back
    InMemoryIo.Events events = new InMemoryIo.Events().add(SeaEvents.generate("sea", 1200, 7, 1, A))
        .add(SeaEvents.generate("sea", 1200, 9, 2, B)).add(SeaEvents.generate("sea", 1200, 12, 3, C));
    ModelVersion v2 = lineage(events);

    TrainingOutcome third = run(config().build(), events).run("to-c", "sea", v2.getVersion(), window(C), 1200,
        CONCEPT);

    assertThat(third.version().orElseThrow().getLineage().getStrategy()).isEqualTo("meta-start");
    assertThat(third.version().orElseThrow().getLineage().getReason().toString())
        .contains("the window decides: an abrupt change on a lineage that knows 2 concepts");
  }

  @Test
  void aTightMultiplyAddLimitTrainsEarlyExits() {
    // [16, 16] on 3 inputs: 336 multiply-adds per row at full depth, two thirds of a 500 limit
    List<Constraint> tight = new ArrayList<>(Constraint.defaults().stream()
        .filter(c -> !(c instanceof Constraint.MaxMultiplyAdds)).toList());
    tight.add(new Constraint.MaxMultiplyAdds(500));
    InMemoryIo.Events events = new InMemoryIo.Events().add(SeaEvents.generate("sea", 1200, 7, 1, A))
        .add(SeaEvents.generate("sea", 1200, 12, 2, B));
    ModelVersion v1 = run(config().constraints(tight).build(), events)
        .run("bootstrap", "sea", null, window(A), 1200).version().orElseThrow();

    TrainingOutcome second = run(config().constraints(tight).build(), events)
        .run("to-b", "sea", v1.getVersion(), window(B), 1200, CONCEPT);

    ModelVersion v2 = second.version().orElseThrow();
    assertThat(v2.getLineage().getStrategy()).isEqualTo("early-exit");
    assertThat(v2.getLineage().getReason().toString()).contains("multiply-adds per row limit")
        .contains("336 of a limit of 500");
    assertThat(v2.getArchitecture().getEarlyExits()).isTrue();
  }
}
