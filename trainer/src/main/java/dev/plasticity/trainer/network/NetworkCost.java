package dev.plasticity.trainer.network;

import dev.plasticity.registry.client.EarlyExitBlock;
import dev.plasticity.registry.client.InputLayout;
import dev.plasticity.registry.client.NetworkFamily;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.Expert;
import java.util.List;

/**
 * Parameters and multiply–adds of the network {@code ModelFormat.buildBlock} builds from an
 * architecture, computed from the descriptor alone (nothing is built), as {@link
 * CandidateFigures} defines them. For an experts network both are what one row costs: the gate
 * plus the {@code topK} largest experts (a row runs its gate and its k experts only), which is
 * what a constraint on parameters or multiply–adds limits; {@link #totalParameters} counts every
 * expert. Stateless.
 */
public final class NetworkCost {
  private NetworkCost() {}

  /**
   * Trainable parameters a row uses: linear weights and biases, plus scale and shift of each
   * normalisation; with early exits, every exit head's too (what the artifact stores); for an
   * experts network the gate's and the {@code topK} largest experts'.
   */
  public static long parameters(Architecture architecture) {
    if (architecture.getEarlyExits()) {
      long[] byExit = EarlyExitBlock.parametersByExit(architecture);
      return byExit[byExit.length - 1];
    }
    return switch (NetworkFamily.of(architecture)) {
      case MLP -> mlpParameters(architecture, architecture.getHiddenUnits(), architecture.getNumClasses());
      case EXPERTS -> gateParameters(architecture) + largest(expertParameters(architecture), architecture.getTopK());
    };
  }

  /** Trainable parameters of the whole network: for an experts network the gate and every expert. */
  public static long totalParameters(Architecture architecture) {
    return switch (NetworkFamily.of(architecture)) {
      case MLP -> parameters(architecture);
      case EXPERTS -> gateParameters(architecture) + java.util.Arrays.stream(expertParameters(architecture)).sum();
    };
  }

  /** The gate of an experts network: the mlp of the top-level widths to one score per expert. */
  public static long gateParameters(Architecture experts) {
    return mlpParameters(experts, experts.getHiddenUnits(), experts.getExperts().size());
  }

  /** Each expert's trainable parameters, in order. */
  public static long[] expertParameters(Architecture experts) {
    List<Expert> all = experts.getExperts();
    long[] out = new long[all.size()];
    for (int e = 0; e < out.length; e++) {
      out[e] = mlpParameters(experts, all.get(e).getHiddenUnits(), experts.getNumClasses());
    }
    return out;
  }

  /**
   * Multiply–adds of one row through the linear layers: the sum of inputs × outputs; with early
   * exits, of a row that runs to full depth through every exit head (the most a row costs; {@link
   * #expectedMultiplyAdds} is the mean over where rows leave); for an experts network, the gate and
   * the top-k largest experts.
   */
  public static long multiplyAdds(Architecture architecture) {
    if (architecture.getEarlyExits()) {
      long[] byExit = EarlyExitBlock.multiplyAddsByExit(architecture);
      return byExit[byExit.length - 1];
    }
    return switch (NetworkFamily.of(architecture)) {
      case MLP -> mlpMultiplyAdds(architecture, architecture.getHiddenUnits(), architecture.getNumClasses());
      case EXPERTS -> {
        List<Expert> all = architecture.getExperts();
        long[] experts = new long[all.size()];
        for (int e = 0; e < experts.length; e++) {
          experts[e] = mlpMultiplyAdds(architecture, all.get(e).getHiddenUnits(), architecture.getNumClasses());
        }
        yield mlpMultiplyAdds(architecture, architecture.getHiddenUnits(), all.size())
            + largest(experts, architecture.getTopK());
      }
    };
  }

  private static long mlpParameters(Architecture style, List<Integer> widths, int outputs) {
    boolean normalised = !"none".equals(style.getNormalization());
    long total = 0;
    long in = InputLayout.of(style).width();
    for (int width : widths) {
      total += in * width + width;
      if (normalised) {
        total += 2L * width;
      }
      in = width;
    }
    return total + in * outputs + outputs;
  }

  private static long mlpMultiplyAdds(Architecture style, List<Integer> widths, int outputs) {
    long total = 0;
    long in = InputLayout.of(style).width();
    for (int width : widths) {
      total += in * width;
      in = width;
    }
    return total + in * outputs;
  }

  /** The sum of the {@code k} largest of {@code values}. */
  private static long largest(long[] values, int k) {
    long[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    long sum = 0;
    for (int i = 0; i < Math.min(k, sorted.length); i++) {
      sum += sorted[sorted.length - 1 - i];
    }
    return sum;
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
