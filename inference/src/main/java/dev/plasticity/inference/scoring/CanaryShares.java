package dev.plasticity.inference.scoring;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which events a model's challenger answers (a canary): a fixed share of each model's events,
 * chosen by event key, so that the same event id of the same model always goes the same way, on
 * every instance and after every restart. An event goes to the challenger when its {@linkplain
 * #position position} is below its model's share; positions are spread evenly over [0, 1), so a
 * share of 0.05 sends about one event in twenty. The events a share takes grow with it: raising a
 * share from 0.05 to 0.1 keeps every event the smaller share took.
 *
 * <p>The position is a 64-bit FNV-1a hash of the model name, a zero byte and the event id (UTF-8),
 * mixed by SplitMix64's finaliser, of which the top 53 bits are read as a fraction.
 *
 * <p>Immutable and thread-safe.
 *
 * @param share the share of every model's events answered by its challenger, 0 (no canary) to 1
 * @param perModel shares that replace {@code share} for the models they name
 */
public record CanaryShares(double share, Map<String, Double> perModel) {
  /** No canary: every event is answered by its champion. */
  public static final CanaryShares OFF = new CanaryShares(0, Map.of());

  /** What a share may be, in words, for error messages. */
  static final String SHARE_RANGE = "a number from 0 (no canary) to 1 (every event)";
  /** The rule a share follows, as a sentence. */
  static final String SHARE_RULE = "a canary share is " + SHARE_RANGE;

  /** @throws IllegalArgumentException when a share is not a number from 0 to 1, or a model name is blank */
  public CanaryShares {
    check("the canary share", share);
    perModel = Map.copyOf(Objects.requireNonNull(perModel, "perModel"));
    perModel.forEach((model, each) -> {
      if (model.isBlank()) {
        throw new IllegalArgumentException("a canary share names its model; a name was blank");
      }
      check("the canary share of " + model, each);
    });
  }

  /** The share of {@code model}'s events its challenger answers. */
  public double of(String model) {
    return perModel.getOrDefault(model, share);
  }

  /** Whether any model has a canary. */
  public boolean any() {
    return share > 0 || perModel.values().stream().anyMatch(s -> s > 0);
  }

  /** Whether the challenger of {@code model} answers event {@code eventId}. */
  public boolean takes(String model, String eventId) {
    double of = of(model);
    return of > 0 && position(model, eventId) < of;
  }

  /** Where event {@code eventId} of {@code model} falls in [0, 1); the same for the same pair, always. */
  static double position(String model, String eventId) {
    long hash = 0xcbf29ce484222325L;
    hash = fnv(hash, model.getBytes(StandardCharsets.UTF_8));
    hash = (hash ^ 0) * 0x100000001b3L;
    hash = fnv(hash, eventId.getBytes(StandardCharsets.UTF_8));
    hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L;
    hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
    hash ^= hash >>> 31;
    return (hash >>> 11) * 0x1.0p-53;
  }

  private static long fnv(long hash, byte[] bytes) {
    for (byte b : bytes) {
      hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    }
    return hash;
  }

  /** A share as written: a number from 0 to 1. */
  static double parseShare(String text) {
    double share;
    try {
      share = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be " + SHARE_RANGE);
    }
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("must be " + SHARE_RANGE);
    }
    return share;
  }

  /** Shares per model as written: {@code model=share} pairs separated by commas, e.g. {@code fraud=0.1,churn=0}. */
  static Map<String, Double> parsePerModel(String text) {
    Map<String, Double> shares = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      int equals = pair.indexOf('=');
      String model = equals < 0 ? "" : pair.substring(0, equals).trim();
      if (model.isEmpty()) {
        throw new IllegalArgumentException("must be model=share pairs separated by commas, each share " + SHARE_RANGE);
      }
      double share;
      try {
        share = parseShare(pair.substring(equals + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("must be model=share pairs separated by commas; the share of " + model
            + " " + e.getMessage());
      }
      if (shares.put(model, share) != null) {
        throw new IllegalArgumentException("must name each model once; " + model + " is named twice");
      }
    }
    return shares;
  }

  private static void check(String what, double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException(what + " was " + share + "; " + SHARE_RULE);
    }
  }

  @Override
  public String toString() {
    return perModel.isEmpty() ? "CanaryShares[" + share + "]" : "CanaryShares[" + share + ", " + perModel + "]";
  }
}
