package dev.plasticity.trainer.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.SearchAlgorithm;
import dev.plasticity.trainer.SearchBudget;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.LatencyProbes;
import dev.plasticity.trainer.network.NetworkCost;
import dev.plasticity.trainer.network.NetworkTraining;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gradient search on DJL, on a toy problem that needs a nonlinearity: inside a circle or not. */
@Timeout(120)
class GradientSearchTest {
  private static final List<String> FEATURES = List.of("x1", "x2");
  private static final SearchSpace SPACE = new SearchSpace(1, 2, List.of(4, 16, 64), List.of("relu", "tanh"),
      List.of("none"), List.of(0.0), List.of(false));
  private static final TrainingSettings SETTINGS = new TrainingSettings(List.of(), 15, 32, 0.01f, 0.2, 7);
  private static final SearchBudget BUDGET = new SearchBudget(Duration.ofMinutes(10), 1, 15);
  private static final LabelledData DATA = circle(1500, 3);

  /** Points uniform in [-1, 1]², label 1 inside the circle of radius 0.7 (about 38% of them). */
  private static LabelledData circle(int n, long seed) {
    Random random = new Random(seed);
    List<LabelledEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x1 = random.nextDouble() * 2 - 1;
      double x2 = random.nextDouble() * 2 - 1;
      events.add(LabelledEvent.newBuilder().setEventId("e" + i).setModel("circle").setEventTime(i)
          .setFeatures(Map.of("x1", x1, "x2", x2)).setLabel(x1 * x1 + x2 * x2 < 0.49 ? 1 : 0).build());
    }
    return LabelledData.split(events, 0.2);
  }

  private static Architecture inputs() {
    return NetworkTraining.architecture(FEATURES, DATA.train(), 2, List.of());
  }

  /** A listener that keeps what it heard. */
  private static final class Heard implements SearchListener {
    final List<SearchTrial> trials = new ArrayList<>();
    final List<ConstraintCheck.Result> rejected = new ArrayList<>();

    @Override
    public void onTrial(SearchTrial trial, SearchTrial best, double budgetUsed) {
      trials.add(trial);
    }

    @Override
    public void onRejected(ConstraintCheck.Result result) {
      rejected.add(result);
    }
  }

  private static ArchitectureSearch.Outcome search(long maxParameters, Heard heard) {
    ConstraintCheck check = new ConstraintCheck(List.of(new Constraint.MaxParameters(maxParameters)),
        LatencyProbes.ticking(Duration.ofNanos(50_000)));
    ArchitectureSearch search = new ArchitectureSearch(SPACE, check, SETTINGS, SearchAlgorithm.GRADIENT, BUDGET);
    return search.run("circle", DATA, inputs(), null, null, heard);
  }

  private static int units(Architecture a) {
    return a.getHiddenUnits().stream().mapToInt(Integer::intValue).sum();
  }

  @Test
  void aTightParameterLimitGivesASmallerNetworkWithinTheLimitAndTheSameSeedTheSameSearch() {
    Heard looseHeard = new Heard();
    ArchitectureSearch.Outcome loose = search(1_000_000, looseHeard);
    Heard tightHeard = new Heard();
    ArchitectureSearch.Outcome tight = search(100, tightHeard);

    Architecture small = tight.best().architecture();
    Architecture large = loose.best().architecture();
    assertThat(NetworkCost.parameters(small)).as("%s", small.getHiddenUnits()).isLessThanOrEqualTo(100);
    assertThat(units(small)).as("%s against %s", small.getHiddenUnits(), large.getHiddenUnits())
        .isLessThan(units(large));
    for (ArchitectureSearch.Outcome outcome : List.of(loose, tight)) {
      assertThat(outcome.search().strategy()).isEqualTo("gradient");
      assertThat(outcome.search().trials()).hasSize(1);
      assertThat(outcome.search().rejected())
          .allSatisfy(r -> assertThat(r.passed()).isFalse());
    }
    assertThat(looseHeard.trials).hasSize(1);
    assertThat(tightHeard.trials).hasSize(1);
    assertThat(tightHeard.rejected).isEqualTo(tight.search().rejected());

    ArchitectureSearch.Outcome again = search(100, new Heard());
    assertThat(again.best().architecture()).isEqualTo(small);
    assertThat(again.best().heldOutAccuracy()).isEqualTo(tight.best().heldOutAccuracy());
    assertThat(again.search().rejected()).extracting(ConstraintCheck.Result::candidate)
        .isEqualTo(tight.search().rejected().stream().map(ConstraintCheck.Result::candidate).toList());
  }

  @Test
  void onACircleTheSearchedNetworkBeatsALinearModel() {
    ArchitectureSearch.Outcome outcome = search(1_000_000, new Heard());
    ConstraintCheck any = new ConstraintCheck(List.of(), LatencyProbes.ticking(Duration.ofNanos(50_000)));
    NetworkTraining.Result linear = NetworkTraining.train("linear", DATA, any.check(inputs()), SETTINGS,
        NetworkTraining.EpochListener.QUIET);

    assertThat(outcome.best().architecture().getHiddenUnits()).isNotEmpty();
    assertThat(outcome.best().heldOutAccuracy()).isGreaterThan(0.85)
        .isGreaterThan(linear.heldOutAccuracy() + 0.15);
  }

  @Test
  void needsTheRunsEvents() {
    ConstraintCheck check = new ConstraintCheck(List.of(), LatencyProbes.ticking(Duration.ofNanos(50_000)));
    SearchRun run = new SearchRun(SPACE, inputs(), null, check, (candidate, epochs) -> 0.5, BUDGET, new Random(1),
        new AtomicLong()::get, SearchListener.NONE);
    assertThatThrownBy(() -> GradientSearch.DEFAULTS.search(run)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("supernet");
    assertThatThrownBy(() -> new GradientSearch(0, 0.5)).hasMessageContaining("searchEpochs");
    assertThatThrownBy(() -> new GradientSearch(5, 1.0)).hasMessageContaining("searchShare");
  }
}
