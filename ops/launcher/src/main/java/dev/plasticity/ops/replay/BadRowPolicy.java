package dev.plasticity.ops.replay;

/** What a replay does with a row it cannot send: skip it (counted, dead-lettered) or stop. */
public enum BadRowPolicy {
  /** Report the row, count it, send it to the dead-letter topic with the reason, and go on. */
  SKIP,
  /** Report the row and stop before anything is sent (exit status 1). */
  STOP
}
