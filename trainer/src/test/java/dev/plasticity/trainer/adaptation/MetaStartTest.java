package dev.plasticity.trainer.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.FineTuneScope;
import dev.plasticity.trainer.SeaEvents;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.NetworkTraining;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MetaStartTest {
  private static SeaParent sea;
  private static final TrainingSettings FEW_EPOCHS = new TrainingSettings(List.of(16, 16), 2, 32, 0.01f, 0.2, 5);

  @BeforeAll
  static void trainChampion() {
    sea = SeaParent.trained(9);
  }

  /** The windows of versions 1 to 3: SEA concepts with thresholds 7, 11 and 8; each read counted. */
  private static Strategy.LineageWindows threeWindows(AtomicInteger reads) {
    List<List<LabelledEvent>> windows = List.of(SeaEvents.generate("sea", 500, 7, 31, 0),
        SeaEvents.generate("sea", 500, 11, 32, 0), SeaEvents.generate("sea", 500, 8, 33, 0));
    return new Strategy.LineageWindows(List.of(1, 2, 3), () -> {
      reads.incrementAndGet();
      return windows;
    });
  }

  private static Strategy.Adapted adapt(MetaStart metaStart, Strategy.LineageWindows lineage, LabelledData window) {
    return metaStart.adapt(sea.asParent(), window, List.of(), lineage, sea.architecture(),
        new dev.plasticity.trainer.network.ConstraintCheck(List.of(),
            dev.plasticity.trainer.network.LatencyProbe.standard()), FEW_EPOCHS, AdaptationSettings.DEFAULTS,
        NetworkTraining.EpochListener.QUIET);
  }

  @Test
  void learnsAStartFromTwoOrMorePastWindowsAndReusesItWhileTheLineageIsUnchanged() {
    MetaStart metaStart = new MetaStart(new Reptile.Settings(60, 8, 32, 0.01f, 0.5));
    AtomicInteger reads = new AtomicInteger();
    Strategy.LineageWindows lineage = threeWindows(reads);
    LabelledData window = LabelledData.split(SeaEvents.generate("sea", 250, 9.5, 40, 0), 0.2);

    Strategy.Adapted first = adapt(metaStart, lineage, window);
    Strategy.Adapted second = adapt(metaStart, lineage, window);

    assertThat(first.result()).isNotNull();
    assertThat(first.metrics()).containsEntry("meta_windows", 3.0).containsEntry("meta_iterations", 60.0)
        .containsEntry("meta_cached", 0.0);
    assertThat(first.metrics().get("meta_seconds")).isPositive();
    assertThat(first.note()).contains("Reptile").contains("3 windows").contains("v1, v2, v3");
    assertThat(second.metrics()).containsEntry("meta_cached", 1.0).containsEntry("meta_seconds", 0.0);
    assertThat(second.note()).contains("cached");
    assertThat(reads).as("the windows are read once").hasValue(1);
    assertThat(second.result().artifact()).isEqualTo(first.result().artifact());
    // it started from the meta start, not the champion
    NetworkTraining.Result fromChampion = NetworkTraining.train("sea", window, SeaParent.unconstrained(
        sea.architecture()), FEW_EPOCHS, new NetworkTraining.Start(sea.artifact(), FineTuneScope.ALL),
        NetworkTraining.EpochListener.QUIET);
    assertThat(first.result().artifact()).isNotEqualTo(fromChampion.artifact());

    // another lineage (a new version) learns again
    AtomicInteger moreReads = new AtomicInteger();
    Strategy.LineageWindows grown = new Strategy.LineageWindows(List.of(1, 2, 3, 4),
        () -> {
          moreReads.incrementAndGet();
          return List.of(SeaEvents.generate("sea", 500, 7, 31, 0), SeaEvents.generate("sea", 500, 11, 32, 0),
              SeaEvents.generate("sea", 500, 8, 33, 0), SeaEvents.generate("sea", 500, 9.5, 34, 0));
        });
    Strategy.Adapted third = adapt(metaStart, grown, window);
    assertThat(third.metrics()).containsEntry("meta_windows", 4.0).containsEntry("meta_cached", 0.0);
    assertThat(moreReads).hasValue(1);
  }

  @Test
  void withFewerThanTwoPastWindowsFineTunesFromTheChampionAndSaysSo() {
    LabelledData window = LabelledData.split(SeaEvents.generate("sea", 250, 9.5, 41, 0), 0.2);
    NetworkTraining.Result fromChampion = NetworkTraining.train("sea", window, SeaParent.unconstrained(
        sea.architecture()), FEW_EPOCHS, new NetworkTraining.Start(sea.artifact(), FineTuneScope.ALL),
        NetworkTraining.EpochListener.QUIET);

    Strategy.Adapted one = adapt(MetaStart.STANDARD, new Strategy.LineageWindows(List.of(1),
        () -> List.of(SeaEvents.generate("sea", 500, 7, 31, 0))), window);
    Strategy.Adapted none = MetaStart.STANDARD.adapt(sea.asParent(), window, List.of(), sea.architecture(),
        new dev.plasticity.trainer.network.ConstraintCheck(List.of(),
            dev.plasticity.trainer.network.LatencyProbe.standard()), FEW_EPOCHS, AdaptationSettings.DEFAULTS,
        NetworkTraining.EpochListener.QUIET);
    AtomicInteger reads = new AtomicInteger();
    Strategy.Adapted unreadable = adapt(MetaStart.STANDARD, new Strategy.LineageWindows(List.of(1, 2), () -> {
      reads.incrementAndGet();
      return List.of(SeaEvents.generate("sea", 500, 7, 31, 0), List.of());
    }), window);

    for (Strategy.Adapted fellBack : List.of(one, none, unreadable)) {
      assertThat(fellBack.note()).contains("fewer than the 2 meta-learning needs").contains("from the champion");
      assertThat(fellBack.metrics()).containsEntry("meta_iterations", 0.0);
      assertThat(fellBack.result().artifact()).isEqualTo(fromChampion.artifact());
    }
    assertThat(one.metrics()).containsEntry("meta_windows", 1.0);
    assertThat(none.metrics()).containsEntry("meta_windows", 0.0);
    assertThat(unreadable.metrics()).containsEntry("meta_windows", 1.0);
  }

  @Test
  void isTheMetaStartOfTheStandardTable() {
    Strategy parsed = Strategy.parse("meta-start");
    assertThat(parsed).isSameAs(MetaStart.STANDARD);
    assertThat(parsed.warmStarts()).isTrue();
    assertThat(((Strategy.DomainAdaptation) parsed).usesLineageWindows()).isTrue();
    assertThat(((Strategy.DomainAdaptation) parsed).usesReference()).isFalse();
  }
}
