package dev.plasticity.inference;

import java.util.OptionalInt;

/**
 * A new version went into service.
 *
 * @param model model name
 * @param fromVersion the version served before, or -1 when none was
 * @param toVersion the version served now
 * @param loadMillis download, verification, loading and warm-up, until the swap
 */
public record SwapEvent(String model, int fromVersion, int toVersion, long loadMillis) {
  /** The version served before, empty when this was the first one. */
  public OptionalInt previousVersion() {
    return fromVersion < 0 ? OptionalInt.empty() : OptionalInt.of(fromVersion);
  }

  @Override
  public String toString() {
    return "swapped " + model + " " + (fromVersion < 0 ? "(none)" : "v" + fromVersion) + " -> v" + toVersion
        + " in " + loadMillis + " ms";
  }
}
