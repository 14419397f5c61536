package dev.plasticity.ops.demo;

import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.schemas.TrainingProgress;
import dev.plasticity.trainer.adaptation.IncrementalUpdate;
import dev.plasticity.trainer.run.ProgressSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Shows a trainer's {@link TrainingProgress} events as an operator wants to read them. On a live
 * console a progress bar (strategy, share of the budget spent, candidates tried of the most the
 * budget allows, epoch, best score so far) is redrawn in place while a run trains; on a plain one
 * (not a terminal: log files, CI) the same figures appear as lines, only at milestones: each
 * searched candidate, the first, every quarter and the last epoch of a single training. Either way
 * the plan (which strategy, with what budget, and why), each search candidate, the evaluation and
 * the outcome are printed as lines. Not thread-safe: one watcher thread feeds it.
 */
public final class TrainingProgressDisplay {
  static final int BAR_WIDTH = 20;

  private final Console console;

  public TrainingProgressDisplay(Console console) {
    this.console = console;
  }

  /** A display that prints plain, timestamped lines to {@code out}: for commands that follow one run. */
  public static TrainingProgressDisplay lines(java.io.PrintStream out) {
    return new TrainingProgressDisplay(new Console(out, false, System::nanoTime));
  }

  /** Shows one progress event. */
  public void show(TrainingProgress p) {
    if (routine(p)) {
      console.status(bar(p));
      return;
    }
    switch (p.getPhase()) {
      case STARTED -> console.say("PLAN         %s: %s", p.getModel(), p.getMessage());
      case READING_DATA -> {
        console.status(bar(p));
        if (p.getBudgetUsed() >= 0.099) { // every event read
          console.say("training     %s %s", gauge(p.getBudgetUsed()), p.getMessage());
        }
      }
      case TRAINING -> {
        console.status(bar(p));
        if (milestone(p)) {
          console.say("training     %s %s", gauge(p.getBudgetUsed()), p.getMessage());
        }
      }
      case EVALUATING -> {
        console.status(bar(p));
        console.say("training     %s %s: %s", gauge(p.getBudgetUsed()), p.getPhase(), p.getMessage());
      }
      case REGISTERED, REJECTED, SKIPPED, FAILED -> {
        console.clearStatus();
        console.say("training     %s %s: %s", gauge(p.getBudgetUsed()), p.getPhase(), p.getMessage());
      }
      default -> console.say("training     %s: %s", p.getPhase(), p.getMessage());
    }
  }

  /**
   * Progress no operator needs a line for: a cadence update's steps before its verdict (its plan and
   * whether it was served get lines), and a trigger skipped because something newer answers it
   * ({@link ProgressSink#NOTHING_PLANNED}).
   */
  private static boolean routine(TrainingProgress p) {
    String strategy = p.getStrategy().toString();
    if (strategy.equals(ProgressSink.NOTHING_PLANNED)) {
      return true;
    }
    return strategy.equals(IncrementalUpdate.STANDARD.wireName()) && switch (p.getPhase()) {
      case STARTED, REGISTERED, REJECTED, FAILED -> false;
      default -> true;
    };
  }

  /**
   * Whether a TRAINING event gets a line of its own: a searched candidate always (a live console
   * too, since each is a result), else the network about to train (epoch 0) and, on a plain
   * console, the first, every quarter and the last epoch.
   */
  private boolean milestone(TrainingProgress p) {
    if (p.getCandidatesTotal() > 1 || p.getEpoch() == 0) {
      return true;
    }
    if (console.live()) {
      return false;
    }
    int step = Math.max(1, p.getEpochs() / 4);
    return p.getEpoch() == 1 || p.getEpoch() % step == 0 || p.getEpoch() == p.getEpochs();
  }

  /**
   * The status line for {@code p}, e.g. {@code sea search:evolution [#########...........]  45%
   * candidate 3/6, epoch 4/4, best 0.912}: the model, the strategy, the share of the budget
   * spent, then what is known of candidates (a search's), epochs and score.
   */
  static String bar(TrainingProgress p) {
    List<String> figures = new ArrayList<>();
    if (p.getPhase() == TrainingPhase.READING_DATA) {
      figures.add("reading events");
    } else if (p.getPhase() == TrainingPhase.EVALUATING) {
      figures.add("evaluating");
    }
    if (p.getCandidatesTotal() > 1) {
      figures.add("candidate " + p.getCandidatesTried() + "/" + p.getCandidatesTotal());
    }
    if (p.getEpoch() > 0 && p.getEpochs() > 0) {
      figures.add("epoch " + p.getEpoch() + "/" + p.getEpochs());
    }
    if (p.getBestScore() != null) {
      figures.add(String.format(Locale.ROOT, "%s %.3f", p.getCandidatesTotal() > 1 ? "best" : "accuracy",
          p.getBestScore()));
    }
    return String.format(Locale.ROOT, "%s %s %s %3.0f%%%s", p.getModel(), p.getStrategy(), gauge(p.getBudgetUsed()),
        100 * clamp(p.getBudgetUsed()), figures.isEmpty() ? "" : "  " + String.join(", ", figures));
  }

  /** {@code [#####...............]}: the share {@code fraction} of {@link #BAR_WIDTH} cells filled. */
  static String gauge(double fraction) {
    int filled = (int) Math.round(clamp(fraction) * BAR_WIDTH);
    return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
  }

  private static double clamp(double fraction) {
    return Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
  }
}
