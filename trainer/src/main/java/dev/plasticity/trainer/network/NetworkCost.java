package dev.plasticity.trainer.network;

import dev.plasticity.registry.client.InputLayout;
import dev.plasticity.schemas.Architecture;

/**
 * Parameters and multiply–adds of the network {@code ModelFormat.buildBlock} builds from an
 * architecture, computed from the descriptor alone (nothing is built), as {@link
 * CandidateFigures} defines them. Stateless.
 */
public final class NetworkCost {
  private NetworkCost() {}

  /** Trainable parameters: linear weights and biases, plus scale and shift of each normalisation. */
  public static long parameters(Architecture architecture) {
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

  /** Multiply–adds of one row through the linear layers: the sum of inputs × outputs. */
  public static long multiplyAdds(Architecture architecture) {
    long total = 0;
    long in = InputLayout.of(architecture).width();
    for (int width : architecture.getHiddenUnits()) {
      total += in * width;
      in = width;
    }
    return total + in * architecture.getNumClasses();
  }
}
