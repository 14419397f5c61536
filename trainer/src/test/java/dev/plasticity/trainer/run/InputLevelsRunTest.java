package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.generators.ElectricityLikeGenerator;
import dev.plasticity.generators.Instance;
import dev.plasticity.registry.client.FeatureLevels;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.trainer.InputLevels;
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
 * Runs with input levels: on a stream whose feature levels wander, {@code auto} reads the features
 * relative to their levels, records where its training left them, and keeps that reading (and so
 * its warm start) for the next run; on a stationary stream it reads them as they are. Real DJL
 * training, I/O in memory.
 */
class InputLevelsRunTest {
  private static final long OLD = 0;
  private static final long NEW = 1_000_000;

  private final InMemoryIo.Versions versions = new InMemoryIo.Versions();
  private final InMemoryIo.Progress progress = new InMemoryIo.Progress();

  private static TrainerConfig.Builder config() {
    return TrainerConfig.builder("no-broker:9092", URI.create("http://no-registry")).trainingEvents(2000)
        .minTrainingEvents(200).epochs(6).hiddenUnits(List.of(16, 16));
  }

  private RetrainingRun run(TrainerConfig config, InMemoryIo.Events events) {
    return new RetrainingRun(config, events, versions, progress, Clock.systemUTC(),
        LatencyProbes.ticking(Duration.ofNanos(50_000)));
  }

  private static DataWindow window(long start) {
    return DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(start).setEndTime(start)
        .setEventCount(2000).setOffsets(List.of()).build();
  }

  /** 2000 events of the electricity-like stream at OLD, after 4000 skipped; the next 2000 at NEW. */
  private static List<LabelledEvent> electricity() {
    ElectricityLikeGenerator generator = new ElectricityLikeGenerator(3);
    List<String> names = generator.featureNames();
    List<LabelledEvent> events = new ArrayList<>();
    for (int i = 0; i < 8000; i++) {
      Instance instance = generator.next();
      if (i < 4000) {
        continue;
      }
      Map<String, Double> features = new HashMap<>();
      for (int f = 0; f < names.size(); f++) {
        features.put(names.get(f), instance.features()[f]);
      }
      int n = i - 4000;
      events.add(LabelledEvent.newBuilder().setEventId("elec-" + n).setModel("elec")
          .setEventTime((n < 2000 ? OLD : NEW - 2000) + n).setFeatures(features).setLabel(instance.label()).build());
    }
    return events;
  }

  @Test
  void autoReadsWanderingFeaturesRelativeToTheirLevelsAndTheNextRunKeepsTheReadingAndItsWarmStart() {
    List<LabelledEvent> stream = electricity();
    InMemoryIo.Events events = new InMemoryIo.Events().add(stream);
    TrainerConfig config = config().inputLevels("elec", InputLevels.AUTO).build();

    ModelVersion v1 = run(config, events).run("bootstrap-elec", "elec", null, window(OLD), 2000).version()
        .orElseThrow();
    Architecture first = v1.getArchitecture();
    assertThat(first.getLevelSpan()).as(v1.getLineage().getReason()).isIn(InputLevels.Auto.SPANS);
    assertThat(v1.getLineage().getReason()).contains("input levels (auto): over " + first.getLevelSpan() + " events");
    // the levels a service starts from: where walking the training events (the older 80 % of the window) left them
    FeatureLevels walked = FeatureLevels.startingOn(first.getInputFeatures(), first.getLevelSpan(),
        stream.subList(0, 1600).stream().map(LabelledEvent::getFeatures).toList());
    stream.subList(0, 1600).forEach(e -> walked.next(e.getFeatures()));
    assertThat(first.getFeatureLevels()).containsExactlyElementsOf(walked.current());

    TrainingOutcome next = run(config().strategy("fine-tune:all").inputLevels("elec", InputLevels.AUTO).build(), events)
        .run("concept-elec", "elec", 1, window(NEW), 2000, new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3));

    ModelVersion v2 = next.version().orElseThrow();
    assertThat(v2.getArchitecture().getLevelSpan()).as(v2.getLineage().getReason()).isEqualTo(first.getLevelSpan());
    assertThat(v2.getLineage().getStrategy()).isEqualTo("fine-tune:all");
    assertThat(v2.getLineage().getReason()).contains("over the serving version's " + first.getLevelSpan() + " events")
        .doesNotContain("cannot reuse the weights");
    // a fine-tune keeps v1's scaling, and its levels move on to the end of its own training events
    assertThat(v2.getArchitecture().getFeatureMeans()).isEqualTo(first.getFeatureMeans());
    assertThat(v2.getArchitecture().getFeatureLevels()).isNotEqualTo(first.getFeatureLevels());
  }

  @Test
  void autoReadsTheFeaturesOfAStationaryStreamAsTheyAre() {
    InMemoryIo.Events events = new InMemoryIo.Events().add(SeaEvents.generate("sea", 2000, 7.0, 11, OLD));

    ModelVersion v1 = run(config().inputLevels("sea", InputLevels.AUTO).build(), events)
        .run("bootstrap-sea", "sea", null, window(OLD), 2000).version().orElseThrow();

    assertThat(v1.getArchitecture().getLevelSpan()).isZero();
    assertThat(v1.getArchitecture().getFeatureLevels()).isEmpty();
    assertThat(v1.getLineage().getReason()).contains("input levels (auto): none");
  }
}
