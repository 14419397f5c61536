package dev.plasticity.ops.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.schemas.TrainingProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an operator sees of a training run, on a terminal and in a log. */
class TrainingProgressDisplayTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private TrainingProgressDisplay display(boolean live) {
    return new TrainingProgressDisplay(new Console(new PrintStream(out, true, StandardCharsets.UTF_8), live, () -> 0L));
  }

  private String printed() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private static TrainingProgress progress(String strategy, TrainingPhase phase, int tried, int total, int epoch,
      int epochs, Double best, double budget, String message) {
    return TrainingProgress.newBuilder().setTriggerId("t-1").setModel("sea").setStrategy(strategy).setPhase(phase)
        .setCandidatesTried(tried).setCandidatesTotal(total).setEpoch(epoch).setEpochs(epochs).setBestScore(best)
        .setBudgetUsed(budget).setMessage(message).setTimestamp(0).build();
  }

  /** A single training of {@code epochs} epochs as RetrainingRun reports it. */
  private static List<TrainingProgress> training(int epochs) {
    List<TrainingProgress> run = new ArrayList<>();
    run.add(progress("fine-tune:all", TrainingPhase.STARTED, 0, 1, 0, epochs, null, 0,
        "fine-tune:all, 20 epochs on cpu(). Why: CONCEPT drift, severity 0.30 (default rule): the task changed"));
    run.add(progress("fine-tune:all", TrainingPhase.READING_DATA, 0, 1, 0, epochs, null, 0.05, "read 2000/4000 events"));
    run.add(progress("fine-tune:all", TrainingPhase.READING_DATA, 0, 1, 0, epochs, null, 0.1, "read 4000/4000 events"));
    run.add(progress("fine-tune:all", TrainingPhase.TRAINING, 0, 1, 0, epochs, null, 0.1, "candidate [32, 32] relu"));
    for (int e = 1; e <= epochs; e++) {
      run.add(progress("fine-tune:all", TrainingPhase.TRAINING, 0, 1, e, epochs, 0.9, 0.1 + 0.8 * e / epochs,
          "epoch " + e + "/" + epochs));
    }
    run.add(progress("fine-tune:all", TrainingPhase.EVALUATING, 0, 1, epochs, epochs, 0.9, 0.95, "challenger 0.9"));
    run.add(progress("fine-tune:all", TrainingPhase.REGISTERED, 1, 1, epochs, epochs, 0.9, 1.0, "registered v2"));
    return run;
  }

  @Test
  void theBarShowsStrategyBudgetCandidatesEpochAndBestScore() {
    assertThat(TrainingProgressDisplay.bar(progress("search:evolution", TrainingPhase.TRAINING, 3, 6, 4, 4, 0.9123,
        0.45, "candidate 3")))
        .isEqualTo("sea search:evolution [#########...........]  45%  candidate 3/6, epoch 4/4, best 0.912");
    assertThat(TrainingProgressDisplay.bar(progress("retrain", TrainingPhase.TRAINING, 0, 1, 5, 20, 0.88, 0.3, "")))
        .isEqualTo("sea retrain [######..............]  30%  epoch 5/20, accuracy 0.880");
    assertThat(TrainingProgressDisplay.bar(progress("retrain", TrainingPhase.READING_DATA, 0, 1, 0, 20, null, 0.05, "")))
        .isEqualTo("sea retrain [#...................]   5%  reading events");
  }

  @Test
  void aTerminalRedrawsOneBarInPlaceBelowTheLinesAndErasesItWhenTheRunEnds() {
    TrainingProgressDisplay display = display(true);

    training(20).forEach(display::show);

    String printed = printed();
    // the bar went through every epoch in place...
    for (int e = 1; e <= 20; e++) {
      assertThat(printed).contains(Console.ERASE_LINE + "sea fine-tune:all [");
      assertThat(printed).contains("epoch " + e + "/20, accuracy 0.900");
    }
    // ...while the lines that stay are the plan, the data, the network, the evaluation and the outcome
    List<String> lines = finishedLines(printed);
    assertThat(lines).containsExactly(
        "[   0.0s] PLAN         sea: fine-tune:all, 20 epochs on cpu(). Why: CONCEPT drift, severity 0.30"
            + " (default rule): the task changed",
        "[   0.0s] training     [##..................] read 4000/4000 events",
        "[   0.0s] training     [##..................] candidate [32, 32] relu",
        "[   0.0s] training     [###################.] EVALUATING: challenger 0.9",
        "[   0.0s] training     [####################] REGISTERED: registered v2");
    // and once the run is over, no bar is left on the screen
    assertThat(printed).endsWith("REGISTERED: registered v2" + System.lineSeparator());
  }

  @Test
  void withoutATerminalPrintsPlainLinesAtMilestonesOnly() {
    TrainingProgressDisplay display = display(false);

    training(20).forEach(display::show);

    String printed = printed();
    assertThat(printed).doesNotContain("\r").doesNotContain("\033");
    assertThat(printed.lines().filter(l -> l.contains("epoch ")).map(l -> l.substring(l.indexOf("epoch "))))
        .containsExactly("epoch 1/20", "epoch 5/20", "epoch 10/20", "epoch 15/20", "epoch 20/20");
    assertThat(printed.lines()).hasSize(10);
  }

  @Test
  void everySearchedCandidateGetsALineOfItsOwn() {
    TrainingProgressDisplay display = display(false);

    for (int c = 1; c <= 6; c++) {
      display.show(progress("search:evolution", TrainingPhase.TRAINING, c, 6, 4, 4, 0.9, 0.1 + 0.8 * c / 6,
          "candidate " + c + ": [16] relu, 4 epochs, validation 0.900"));
    }

    assertThat(printed().lines()).hasSize(6)
        .allSatisfy(l -> assertThat(l).containsPattern("candidate \\d: \\[16\\] relu, 4 epochs, validation 0.900"));
  }

  @Test
  void aLineSaidWhileABarShowsIsPrintedAboveTheBar() {
    Console console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8), true, () -> 0L);

    console.status("sea retrain [#####...............]  25%");
    console.say("events %d", 1000);

    assertThat(printed()).isEqualTo(Console.ERASE_LINE + "sea retrain [#####...............]  25%"
        + Console.ERASE_LINE + "[   0.0s] events 1000" + System.lineSeparator()
        + "sea retrain [#####...............]  25%");
  }

  /** The lines a terminal keeps: what comes after the last erase on each line ended by a newline. */
  private static List<String> finishedLines(String printed) {
    List<String> lines = new ArrayList<>();
    for (String line : printed.split(System.lineSeparator())) {
      int erased = line.lastIndexOf(Console.ERASE_LINE);
      lines.add(erased < 0 ? line : line.substring(erased + Console.ERASE_LINE.length()));
    }
    return lines.stream().filter(l -> !l.isEmpty()).toList();
  }
}
