package dev.plasticity.trainer.network;

import dev.plasticity.registry.client.EarlyExitBlock;
import dev.plasticity.registry.client.InputLayout;
import dev.plasticity.schemas.Architecture;

/**
 * Parameters and multiply–adds of the network {@code ModelFormat.buildBlock} builds from an
 * architecture, computed from the descriptor alone (nothing is built), as {@link
 * CandidateFigures} defines them. Stateless.
 */
public final class NetworkCost {
  private NetworkCost() {}

  /**
   * Trainable parameters: linear weights and biases, plus scale and shift of each normalisation;
   * with early exits, every exit head's too (what the artifact stores).
   */
  public static long parameters(Architecture architecture) {
    if (architecture.getEarlyExits()) {
      long[] byExit = EarlyExitBlock.parametersByExit(architecture);
      return byExit[byExit.length - 1];
    }
    boolean normalised = !"none".equals(architecture.getNormalization());
    long total = 0;
    long in = InputLayout.of(architecture).width();
    for (int width : architecture.getHiddenUnits()) {
      total += in * width + width;
      if (normalised) {
        total += 2L * width;
      }
      in = width;
    }
    return total + in * architecture.getNumClasses() + architecture.getNumClasses();
  }

  /**
   * Multiply–adds of one row through the linear layers: the sum of inputs × outputs; with early
   * exits, of a row that runs to full depth through every exit head (the most a row costs; {@link
   * #expectedMultiplyAdds} is the mean over where rows leave).
   */
  public static long multiplyAdds(Architecture architecture) {
    if (architecture.getEarlyExits()) {
      long[] byExit = EarlyExitBlock.multiplyAddsByExit(architecture);
      return byExit[byExit.length - 1];
    }
    long total = 0;
    long in = InputLayout.of(architecture).width();
    for (int width : architecture.getHiddenUnits()) {
      total += in * width;
      in = width;
    }
    return total + in * architecture.getNumClasses();
  }

  /**
   * Multiply–adds of a row of a network with early exits, expected over where rows leave: the sum
   * over exits of {@code shares[k]} × the multiply–adds of a row leaving at exit {@code k}
   * ({@link EarlyExitBlock#multiplyAddsByExit}), rounded up.
   *
   * @throws IllegalArgumentException when the architecture has no early exits or the shares are not
   *     one per exit
   */
  public static long expectedMultiplyAdds(Architecture architecture, ExitShares shares) {
    long[] byExit = EarlyExitBlock.multiplyAddsByExit(architecture);
    return (long) Math.ceil(shares.expected(byExit) - 1e-9);
  }
}
