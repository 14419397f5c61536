package dev.plasticity.trainer;

import dev.plasticity.registry.client.FeatureLevels;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.network.NetworkTraining;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Whether a stream's labels follow its features better as they are or relative to their recent
 * levels: a linear softmax model is fitted on the older four fifths of the events, once per reading
 * (as they are, span 0, and relative to levels over each span, {@link FeatureLevels}), and scored on
 * the newest fifth. A cheap, fixed-seed proxy for the networks the run then trains, so that the
 * choice costs milliseconds. Immutable.
 *
 * @param scored how many of the newest events each reading was scored on (0: too few events to weigh)
 * @param correct whether each reading got each scored event right, by span (0 for the features as they
 *     are), in the order weighed
 */
record LevelEvidence(int scored, Map<Integer, boolean[]> correct) {
  private static final int EPOCHS = 20;
  private static final double LEARNING_RATE = 0.05;
  private static final int MIN_EVENTS = 50;

  LevelEvidence {
    correct = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(correct));
  }

  /** The span (above 0) whose relative reading scored best; 0 when none was weighed. */
  int bestSpan() {
    int best = 0;
    for (int span : correct.keySet()) {
      if (span > 0 && (best == 0 || of(span) > of(best))) {
        best = span;
      }
    }
    return best;
  }

  /** The accuracy of reading the features against levels over {@code span} (0: as they are). */
  double of(int span) {
    boolean[] right = correct.get(span);
    if (right == null || right.length == 0) {
      return 0;
    }
    int n = 0;
    for (boolean r : right) {
      if (r) {
        n++;
      }
    }
    return n / (double) right.length;
  }

  /** Events that the reading over {@code span} got right and the one over {@code other} wrong. */
  int wins(int span, int other) {
    boolean[] a = correct.get(span);
    boolean[] b = correct.get(other);
    int wins = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] && !b[i]) {
        wins++;
      }
    }
    return wins;
  }

  /** How many readings were weighed: the features as they are and each span. */
  int readings() {
    return correct.size();
  }

  /**
   * The evidence of {@code events} (oldest first) for {@code features}, as they are and under each of
   * {@code spans}.
   */
  static LevelEvidence of(List<String> features, List<LabelledEvent> events, List<Integer> spans) {
    if (events.size() < MIN_EVENTS) {
      return new LevelEvidence(0, Map.of());
    }
    int fit = events.size() * 4 / 5;
    int classes = 2;
    for (LabelledEvent e : events) {
      classes = Math.max(classes, e.getLabel() + 1);
    }
    List<Map<String, Double>> rows = NetworkTraining.featuresOrZero(features, events);
    Map<Integer, boolean[]> correct = new java.util.LinkedHashMap<>();
    correct.put(0, correct(read(features, rows, 0), events, fit, classes));
    for (int span : spans) {
      if (span > 0) {
        correct.putIfAbsent(span, correct(read(features, rows, span), events, fit, classes));
      }
    }
    return new LevelEvidence(events.size() - fit, correct);
  }

  /** The rows' features, relative to their levels over {@code span} events (as they are for 0). */
  private static double[][] read(List<String> features, List<Map<String, Double>> rows, int span) {
    FeatureLevels levels = span > 0 ? FeatureLevels.startingOn(features, span, rows) : null;
    double[][] x = new double[rows.size()][features.size()];
    for (int e = 0; e < x.length; e++) {
      double[] level = levels == null ? null : levels.next(rows.get(e));
      for (int f = 0; f < features.size(); f++) {
        x[e][f] = rows.get(e).get(features.get(f)) - (level == null ? 0 : level[f]);
      }
    }
    return x;
  }

  /** Fits a softmax model on rows {@code [0, fit)}, standardised by their moments; whether it gets each later row right. */
  private static boolean[] correct(double[][] x, List<LabelledEvent> events, int fit, int classes) {
    int d = x[0].length;
    double[] mean = new double[d];
    double[] std = new double[d];
    for (int e = 0; e < fit; e++) {
      for (int f = 0; f < d; f++) {
        mean[f] += x[e][f] / fit;
      }
    }
    for (int e = 0; e < fit; e++) {
      for (int f = 0; f < d; f++) {
        std[f] += (x[e][f] - mean[f]) * (x[e][f] - mean[f]) / fit;
      }
    }
    for (int f = 0; f < d; f++) {
      std[f] = std[f] > 1e-24 ? Math.sqrt(std[f]) : 1;
    }
    double[][] z = new double[x.length][d];
    for (int e = 0; e < x.length; e++) {
      for (int f = 0; f < d; f++) {
        z[e][f] = (x[e][f] - mean[f]) / std[f];
      }
    }
    double[][] w = new double[classes][d + 1];
    List<Integer> order = new ArrayList<>();
    for (int e = 0; e < fit; e++) {
      order.add(e);
    }
    Random random = new Random(17);
    double[] p = new double[classes];
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      java.util.Collections.shuffle(order, random);
      for (int e : order) {
        probabilities(w, z[e], p);
        int label = events.get(e).getLabel();
        for (int c = 0; c < classes; c++) {
          double g = p[c] - (c == label ? 1 : 0);
          for (int f = 0; f < d; f++) {
            w[c][f] -= LEARNING_RATE * g * z[e][f];
          }
          w[c][d] -= LEARNING_RATE * g;
        }
      }
    }
    boolean[] right = new boolean[x.length - fit];
    for (int e = fit; e < x.length; e++) {
      probabilities(w, z[e], p);
      int argmax = 0;
      for (int c = 1; c < classes; c++) {
        if (p[c] > p[argmax]) {
          argmax = c;
        }
      }
      right[e - fit] = argmax == events.get(e).getLabel();
    }
    return right;
  }

  private static void probabilities(double[][] w, double[] z, double[] p) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < w.length; c++) {
      double s = w[c][z.length];
      for (int f = 0; f < z.length; f++) {
        s += w[c][f] * z[f];
      }
      p[c] = s;
      max = Math.max(max, s);
    }
    double sum = 0;
    for (int c = 0; c < p.length; c++) {
      p[c] = Math.exp(p[c] - max);
      sum += p[c];
    }
    for (int c = 0; c < p.length; c++) {
      p[c] /= sum;
    }
  }
}
