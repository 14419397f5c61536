package dev.plasticity.inference.verify;

import dev.plasticity.schemas.Setting;
import dev.plasticity.schemas.SharedSettings;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Every environment variable live verification reads, declared once as a {@link Setting}: {@link
 * VerifyConfig#fromEnvironment} reads them, and a launcher's help can print {@link #ALL}. Immutable
 * and thread-safe.
 */
public final class VerifyEnvironment {
  static final Setting<Boolean> ENABLED = Setting.of("PLASTICITY_VERIFY", "on",
      "whether the label join verifies each new champion live against the one before it, rolling back one "
          + "that loses (on or off)", VerifyEnvironment::onOff);
  static final Setting<Double> ALPHA = Setting.of("PLASTICITY_VERIFY_ALPHA", String.valueOf(VerifySettings.DEFAULT_ALPHA),
      "live verification's highest rate of rolling back a champion that is not worse (false LOST)",
      VerifyEnvironment::probability);
  static final Setting<Double> BETA = Setting.of("PLASTICITY_VERIFY_BETA", String.valueOf(VerifySettings.DEFAULT_BETA),
      "live verification's highest rate of keeping a champion that is worse by the tolerance (false WON)",
      VerifyEnvironment::probability);
  static final Setting<Double> DELTA = Setting.of("PLASTICITY_VERIFY_DELTA", String.valueOf(VerifySettings.DEFAULT_DELTA),
      "live verification's tolerance: how far above one half the share of discordant events the new champion "
          + "gets wrong must be to count as worse", VerifyEnvironment::probability);
  static final Setting<Integer> MAX_PAIRED_EVENTS = Setting.positiveInt("PLASTICITY_VERIFY_MAX_PAIRED_EVENTS",
      String.valueOf(VerifySettings.DEFAULT_MAX_PAIRED_EVENTS),
      "how many events scored by both champions a watch reads at most; then it ends without a verdict");
  static final Setting<String> GROUP_ID = Setting.text("PLASTICITY_VERIFY_GROUP_ID", VerifyConfig.DEFAULT_GROUP_ID,
      "the live verifier's consumer group on plasticity.live.outcomes");
  static final Setting<URI> REGISTRY_URL = SharedSettings.REGISTRY_URL;
  static final Setting<String> REGISTRY_TOKEN = SharedSettings.REGISTRY_TOKEN;

  /** Every variable live verification reads, in the order its help lists them. */
  public static final List<Setting<?>> ALL = List.of(ENABLED, ALPHA, BETA, DELTA, MAX_PAIRED_EVENTS, GROUP_ID,
      REGISTRY_URL, REGISTRY_TOKEN);

  private VerifyEnvironment() {}

  private static boolean onOff(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException("must be on or off");
    };
  }

  private static double probability(String text) {
    double value;
    try {
      value = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a number strictly between 0 and 1");
    }
    if (!(value > 0 && value < 1)) {
      throw new IllegalArgumentException("must be a number strictly between 0 and 1");
    }
    return value;
  }
}
