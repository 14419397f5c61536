package dev.plasticity.streamjobs.drift;

/**
 * A {@link ChangeDetector} with a warning zone: a level of evidence below the drift level at
 * which a caller may start preparing for a drift, e.g. by buffering recent events to train a
 * replacement model on.
 */
public interface WarningDetector extends ChangeDetector {

  /**
   * Whether the detector is in its warning zone after the last {@link #update}. Never true
   * together with {@link #driftDetected()}.
   */
  boolean warningDetected();
}
