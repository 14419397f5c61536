package dev.plasticity.trainer.network;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What DJL's {@link Trainer} checks before its first optimiser step, done right. DJL sums every
 * trainable parameter's gradient, signs included, and refuses to step when that sum is exactly 0
 * ("Gradient values are all zeros, please call gradientCollector.backward() ..."). The sum is 0 by
 * construction whenever only a softmax output layer trains — a logistic domain classifier, a
 * fine-tune of the head: the cross-entropy's gradient on a row's logits is {@code p - y}, whose
 * entries sum to 0 across the classes, so each weight column's gradient cancels another's — and in
 * float arithmetic it often comes out exactly 0 though no gradient is. DJL then throws on a
 * network that was about to learn.
 *
 * <p>Here the test is the one DJL means: some trainable parameter has a non-zero gradient (the sum
 * of absolute values). When none has, training cannot move and this throws, naming the cause.
 * When some has but DJL's signed sum is exactly 0, this marks DJL's check as done (its private
 * {@code gradientsChecked} flag) so it does not refuse a step it has no reason to; were a DJL
 * version to drop that flag, DJL's own check stays in force and a warning says so.
 */
final class FirstStepCheck {
  private static final Logger log = LoggerFactory.getLogger(FirstStepCheck.class);
  private static final Field CHECKED = checkedFlag();

  private FirstStepCheck() {}

  /**
   * Checks the gradients the first backward pass left on {@code trainer}'s trainable parameters,
   * before its first step.
   *
   * @throws IllegalStateException when no trainable parameter has a non-zero gradient
   */
  static void beforeFirstStep(Trainer trainer) {
    Sums sums = sums(trainer);
    if (sums.absolute() == 0) {
      throw new IllegalStateException("no trainable parameter of " + trainer.getModel().getName()
          + " received a gradient on the first batch: the loss does not depend on them");
    }
    if (sums.signed() == 0f) {
      markChecked(trainer);
    }
  }

  /** The signed sum DJL compares with 0 (float, as DJL computes it) and the sum of absolute values. */
  record Sums(float signed, double absolute) {}

  static Sums sums(Trainer trainer) {
    float signed = 0f;
    double absolute = 0;
    for (Parameter parameter : trainer.getModel().getBlock().getParameters().values()) {
      if (!parameter.requiresGradient()) {
        continue;
      }
      NDArray gradient = parameter.getArray().getGradient();
      try (NDArray sum = gradient.sum(); NDArray abs = gradient.abs(); NDArray absSum = abs.sum()) {
        signed += sum.getFloat();
        absolute += absSum.getFloat();
      }
    }
    return new Sums(signed, absolute);
  }

  private static void markChecked(Trainer trainer) {
    if (CHECKED == null) {
      log.warn("the gradients' signed sum is exactly 0 though some are not; this DJL version has no"
          + " gradientsChecked flag to mark, so its first-step check may refuse this training");
      return;
    }
    try {
      CHECKED.setBoolean(trainer, true);
    } catch (IllegalAccessException e) {
      log.warn("could not mark DJL's first-step gradient check as done", e);
    }
  }

  private static Field checkedFlag() {
    try {
      Field field = Trainer.class.getDeclaredField("gradientsChecked");
      field.setAccessible(true);
      return field;
    } catch (NoSuchFieldException | RuntimeException e) {
      return null;
    }
  }
}
