package dev.plasticity.trainer;

/**
 * The exact (binomial) form of McNemar's test for two classifiers scored on the same events: of
 * the {@code m} events where exactly one is right, how many the first must win for the difference
 * to be significant. Paired, so it needs far fewer events than comparing two accuracies as if they
 * were independent (Dietterich, "Approximate statistical tests for comparing supervised
 * classification learning algorithms", Neural Computation 10(7), 1998). Stateless.
 */
public final class McNemar {
  private McNemar() {}

  /**
   * The smallest k with P(X >= k) <= alpha for X ~ Binomial(m, 1/2), or -1 when there is none.
   * Summed from the upper tail in log space, so large m neither overflows nor underflows.
   */
  public static int leastSignificantWins(int m, double alpha) {
    double[] logFactorial = new double[m + 1];
    for (int i = 1; i <= m; i++) {
      logFactorial[i] = logFactorial[i - 1] + Math.log(i);
    }
    double tail = 0;
    for (int k = m; k >= 0; k--) {
      tail += Math.exp(logFactorial[m] - logFactorial[k] - logFactorial[m - k] - m * Math.log(2));
      if (tail > alpha) {
        return k == m ? -1 : k + 1;
      }
    }
    return 0; // unreachable for alpha < 1: the whole distribution sums to 1
  }

  /** Whether {@code wins} against {@code losses} disagreements is significant at one-sided level {@code alpha}. */
  public static boolean significant(int wins, int losses, double alpha) {
    int least = leastSignificantWins(wins + losses, alpha);
    return least >= 0 && wins >= least;
  }
}
