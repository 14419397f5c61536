package dev.plasticity.streamjobs.drift;

import java.io.Serializable;

/**
 * An online concept-drift detector fed one value at a time, typically a model's error (0 or 1)
 * or loss on each labelled event. After the style of River's {@code DriftDetector}: one method
 * to feed it, one read-only flag, all tuning in the constructor.
 *
 * <p>{@link #driftDetected()} describes only the <em>last</em> call to {@link #update}: it is
 * true for exactly the update at which a drift was detected and false again after the next
 * update. On detection every detector adapts by itself, so callers never reset it: most forget
 * everything they had seen and start afresh with the next value (DDM, EDDM, HDDM-A, Page–Hinkley);
 * ADWIN drops only the older part of its window, and KSWIN keeps its most recent values. Each
 * implementation's Javadoc says which.
 *
 * <p>Implementations are Java-serializable so a stream processor can keep one per key in its
 * state and restore it from a checkpoint; they hold only primitives and small arrays. They are
 * not thread-safe.
 *
 * @see ChangeDetectorKind the detectors by name, with default parameters
 */
public interface ChangeDetector extends Serializable {

  /**
   * Feeds the next value of the monitored stream.
   *
   * @throws IllegalArgumentException if the value is outside the domain the detector accepts
   *     (NaN or infinite for all of them; not 0 or 1 for the binary ones; outside [0, 1] for
   *     HDDM-A)
   */
  void update(double value);

  /** Whether the last {@link #update} detected a drift. */
  boolean driftDetected();
}
