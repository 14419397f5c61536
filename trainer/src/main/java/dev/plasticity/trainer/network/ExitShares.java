package dev.plasticity.trainer.network;

import dev.plasticity.registry.client.EarlyExitBlock;
import dev.plasticity.schemas.Architecture;
import java.util.List;
import java.util.Locale;

/**
 * Where the rows of a network with early exits leave: the share of rows at each exit, exit 0 (after
 * the first hidden layer) first, and on what ground ({@code basis}, which a constraint summary
 * repeats). What a cost expected over the rows is weighed with. Immutable.
 *
 * @param shares one share per exit, each in [0, 1], summing to 1
 * @param basis where the shares come from, e.g. {@code at exit confidence 0.912 over 600 held-out rows}
 */
public record ExitShares(List<Double> shares, String basis) {
  public ExitShares {
    shares = List.copyOf(shares);
    double sum = 0;
    for (double share : shares) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("exit shares must be in [0, 1], were " + shares);
      }
      sum += share;
    }
    if (shares.isEmpty() || Math.abs(sum - 1) > 1e-6) {
      throw new IllegalArgumentException("exit shares must sum to 1, were " + shares);
    }
  }

  /** The best case: every row leaving at the first exit. What is checked before a threshold is known. */
  public static ExitShares firstExit(Architecture architecture) {
    Double[] shares = new Double[architecture.getHiddenUnits().size()];
    java.util.Arrays.fill(shares, 0.0);
    shares[0] = 1.0;
    return new ExitShares(List.of(shares), "at best, every row leaving at the first exit");
  }

  /** The shares calibration measured at {@code confidence} over {@code rows} held-out rows. */
  public static ExitShares calibrated(double confidence, double[] shares, int rows) {
    return new ExitShares(java.util.Arrays.stream(shares).boxed().toList(),
        String.format(Locale.ROOT, "at exit confidence %.3f over %d held-out rows", confidence, rows));
  }

  /** The mean of {@code perExit} (a cost of a row leaving at each exit) weighted by the shares. */
  public double expected(long[] perExit) {
    check(perExit.length);
    double mean = 0;
    for (int k = 0; k < perExit.length; k++) {
      mean += shares.get(k) * perExit[k];
    }
    return mean;
  }

  /** @throws IllegalArgumentException unless there is one share per exit of a network of {@code exits} */
  void check(int exits) {
    if (exits != shares.size()) {
      throw new IllegalArgumentException("a network with " + exits + " exits needs " + exits + " exit shares, had "
          + shares.size());
    }
  }

  /** Checks the shares fit {@code architecture}: it has early exits, one per hidden layer. */
  void checkFits(Architecture architecture) {
    if (!architecture.getEarlyExits()) {
      throw new IllegalArgumentException("exit shares apply only to a network with early exits; "
          + "this one runs every row to full depth");
    }
    check(EarlyExitBlock.multiplyAddsByExit(architecture).length);
  }
}
