package dev.plasticity.trainer;

/**
 * Which layers of the serving network a fine-tune may change; the rest keep the parent's
 * weights. {@code NetworkTraining} applies it to the block {@code ModelFormat.buildBlock} makes:
 * hidden layers in order (a Linear with its normalisation, activation and dropout, or a
 * skip-connected one), then the output Linear. In an experts network the gate is the output
 * side: {@code TOP} and {@code HEAD} train the gate with every expert frozen.
 */
public enum FineTuneScope {
  /** Every layer. */
  ALL,
  /** The last hidden layer and the output layer; lower layers keep what they learnt. */
  TOP,
  /** The output layer only. */
  HEAD
}
