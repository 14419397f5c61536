package dev.plasticity.inference.verify;

/** What live verification concluded about a new champion against the version it replaced. */
public enum Verdict {
  /** The new champion is not worse than the version before it by the tolerance: it stays. */
  WON,
  /** The new champion is worse than the version before it by the tolerance: it is rolled back. */
  LOST,
  /** Neither yet, or the watch ended (its cap of paired events was reached) without deciding. */
  UNDECIDED
}
