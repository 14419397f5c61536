package dev.plasticity.trainer.search;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.CandidateFigures;
import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.NetworkCost;
import dev.plasticity.trainer.network.NetworkTraining;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * Gradient-based architecture search, first-order DARTS (Liu, Simonyan and Yang 2019, "DARTS:
 * Differentiable Architecture Search", ICLR): a {@link Supernet} mixes every layer's widths, the
 * activations and, past the space's minimum depth, a skip per layer, with softmax weights; each
 * step trains the network weights on a training batch, then the mixture weights on a validation
 * batch (the newest share of the run's training events) with a penalty of λ times the expected
 * parameter and multiply-add counts over the constraints' limits. λ starts at {@value
 * #INITIAL_PENALTY} and doubles after every epoch whose most likely network breaks a count
 * constraint. After {@code searchEpochs} epochs (or {@code searchShare} of the wall-time budget)
 * the most likely network is checked against every constraint, latency included; while it breaks
 * one the next most likely is tried (every refusal recorded), and the first within them is trained
 * the normal way for the budget's epochs: the search's one trial.
 *
 * <p>Normalisation, dropout and the residual setting are not searched: the discrete network takes
 * the space's simplest choice of each (no normalisation, the lowest dropout rate, no skip
 * connections, where the space offers them). The same seed gives the same search.
 *
 * @param searchEpochs passes of the supernet over the training events, at least 1
 * @param searchShare the most of the wall-time budget the supernet may take, in (0, 1): the rest
 *     is the discrete network's
 */
record GradientSearch(int searchEpochs, double searchShare) implements SearchStrategy {
  static final GradientSearch DEFAULTS = new GradientSearch(10, 0.5);
  /** λ at the start: the penalty's weight against the validation cross-entropy. */
  static final double INITIAL_PENALTY = 0.1;
  /** Adam's learning rate for the architecture weights (the network weights use the run's). */
  static final float ARCHITECTURE_RATE = 0.03f;

  GradientSearch {
    if (searchEpochs < 1) {
      throw new IllegalArgumentException("searchEpochs must be at least 1, was " + searchEpochs);
    }
    if (!(searchShare > 0 && searchShare < 1)) {
      throw new IllegalArgumentException("searchShare must be in (0, 1), was " + searchShare);
    }
  }

  @Override
  public String name() {
    return "gradient";
  }

  @Override
  public SearchResult search(SearchRun run) {
    SearchData data = run.data().orElseThrow(() -> new IllegalStateException(
        "a gradient search trains a supernet on the run's events; this run was given none"));
    Choices choices = new Choices(run.space(), run.inputs());
    double[][] probabilities = trainSupernet(run, data, choices);
    Set<Architecture> tried = new HashSet<>();
    PriorityQueue<Ranked> frontier = new PriorityQueue<>();
    Set<String> seen = new HashSet<>();
    frontier.add(Ranked.of(new int[probabilities.length], probabilities));
    int checked = 0;
    while (!frontier.isEmpty() && checked < SearchRun.MAX_DRAWS_PER_CANDIDATE && !run.exhausted()) {
      Ranked next = frontier.poll();
      for (int d = 0; d < probabilities.length; d++) { // successors: one decision one rank further down
        int[] ranks = next.ranks().clone();
        ranks[d]++;
        if (ranks[d] < probabilities[d].length && seen.add(Arrays.toString(ranks))) {
          frontier.add(Ranked.of(ranks, probabilities));
        }
      }
      Architecture candidate = choices.network(next.options(probabilities));
      if (!tried.add(candidate)) {
        continue; // a skipped layer's width does not matter: the same network again
      }
      checked++;
      Optional<ConstraintCheck.Result> feasible = run.feasible(candidate);
      if (feasible.isPresent()) {
        run.train(feasible.get(), run.budget().maxEpochs());
        return run.result(name());
      }
    }
    run.stop("none of the supernet's " + checked + " most likely networks is within the constraints");
    return run.result(name());
  }

  /** Trains the supernet; returns its decisions' probabilities. */
  private double[][] trainSupernet(SearchRun run, SearchData data, Choices choices) {
    LabelledData events = data.events();
    TrainingSettings settings = data.settings();
    float[][] rows = NetworkTraining.encode(run.inputs(), events.events());
    float[] labels = new float[rows.length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = events.events().get(i).getLabel();
    }
    int train = events.trainSize();
    Random random = new Random(settings.seed());
    List<Constraint> constraints = run.check().constraints();
    double wallSeconds = run.budget().wallTime().toNanos() / 1e9 * searchShare;
    try (Supernet supernet = new Supernet(run.space(), run.inputs(), choices.normalised(), settings.learningRate(),
        ARCHITECTURE_RATE, random)) {
      double lambda = INITIAL_PENALTY;
      int[] validation = shuffled(range(train, rows.length), random);
      int v = 0;
      for (int epoch = 0; epoch < searchEpochs && run.elapsedSeconds() < wallSeconds; epoch++) {
        int[] order = shuffled(range(0, train), random);
        for (int start = 0; start < order.length; start += settings.batchSize()) {
          int[] batch = Arrays.copyOfRange(order, start, Math.min(order.length, start + settings.batchSize()));
          supernet.weightStep(pick(rows, batch), pick(labels, batch));
          int[] validationBatch = new int[Math.min(settings.batchSize(), validation.length)];
          for (int i = 0; i < validationBatch.length; i++, v++) {
            if (v == validation.length) {
              validation = shuffled(validation, random);
              v = 0;
            }
            validationBatch[i] = validation[v];
          }
          supernet.architectureStep(pick(rows, validationBatch), pick(labels, validationBatch), constraints, lambda);
        }
        double[][] p = supernet.probabilities();
        if (breaksACount(choices.network(Ranked.of(new int[p.length], p).options(p)), constraints)) {
          lambda *= 2;
        }
      }
      return supernet.probabilities();
    }
  }

  private static boolean breaksACount(Architecture network, List<Constraint> constraints) {
    CandidateFigures counted = new CandidateFigures(NetworkCost.parameters(network), NetworkCost.multiplyAdds(network),
        Optional.empty());
    return constraints.stream().anyMatch(c -> !c.needsLatency() && c.violation(counted).isPresent());
  }

  private static int[] range(int from, int to) {
    int[] r = new int[to - from];
    Arrays.setAll(r, i -> from + i);
    return r;
  }

  /** A Fisher-Yates shuffle of a copy. */
  private static int[] shuffled(int[] values, Random random) {
    int[] s = values.clone();
    for (int i = s.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = s[i];
      s[i] = s[j];
      s[j] = t;
    }
    return s;
  }

  private static float[][] pick(float[][] rows, int[] indices) {
    float[][] picked = new float[indices.length][];
    for (int i = 0; i < indices.length; i++) {
      picked[i] = rows[indices[i]];
    }
    return picked;
  }

  private static float[] pick(float[] values, int[] indices) {
    float[] picked = new float[indices.length];
    for (int i = 0; i < indices.length; i++) {
      picked[i] = values[indices[i]];
    }
    return picked;
  }

  /**
   * One joint choice, as each decision's rank among its options (0 the most likely), with its log
   * probability; ordered most likely first, ties by ranks. Best-first expansion of such choices
   * lists the joint choices in order of probability, since the decisions are independent.
   */
  record Ranked(int[] ranks, double logProbability) implements Comparable<Ranked> {
    static Ranked of(int[] ranks, double[][] probabilities) {
      double log = 0;
      for (int d = 0; d < ranks.length; d++) {
        log += Math.log(Math.max(1e-30, probabilities[d][byProbability(probabilities[d])[ranks[d]]]));
      }
      return new Ranked(ranks, log);
    }

    /** The option each decision takes. */
    int[] options(double[][] probabilities) {
      int[] options = new int[ranks.length];
      for (int d = 0; d < ranks.length; d++) {
        options[d] = byProbability(probabilities[d])[ranks[d]];
      }
      return options;
    }

    @Override
    public int compareTo(Ranked other) {
      int byLog = Double.compare(other.logProbability, logProbability);
      return byLog != 0 ? byLog : Arrays.compare(ranks, other.ranks);
    }

    /** Option indices, most likely first; ties in the space's order. */
    private static int[] byProbability(double[] p) {
      Integer[] order = new Integer[p.length];
      Arrays.setAll(order, i -> i);
      Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -p[i]).thenComparingInt(i -> i));
      return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }
  }

  /**
   * The decisions the supernet makes (per layer a width, per layer from the minimum depth on keep
   * or skip, one activation) and the discrete network a choice of options stands for.
   */
  private record Choices(SearchSpace space, Architecture inputs) {
    String normalization() {
      return space.normalizations().contains("none") ? "none" : space.normalizations().get(0);
    }

    boolean normalised() {
      return !"none".equals(normalization());
    }

    Architecture network(int[] options) {
      int depth = space.maxDepth();
      List<Integer> hidden = new ArrayList<>();
      for (int l = 0; l < depth; l++) {
        boolean kept = l < space.minDepth() || options[depth + l - space.minDepth()] == 0;
        if (kept) {
          hidden.add(space.widths().get(options[l]));
        }
      }
      String activation = space.activations().get(options[options.length - 1]);
      double dropout = space.dropouts().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      boolean residual = !space.residual().contains(false);
      return SearchSpace.descriptor(inputs, hidden, activation, normalization(), dropout, residual);
    }
  }
}
