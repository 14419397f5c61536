package dev.plasticity.inference.scoring;

import dev.plasticity.schemas.Setting;
import dev.plasticity.schemas.SharedSettings;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Every environment variable {@link ScoringApp#main} reads, declared once as a {@link Setting}:
 * {@link ScoringConfig#fromEnvironment} reads them, and a launcher's help can print {@link #ALL}.
 * Immutable and thread-safe.
 */
public final class ScoringEnvironment {
  static final Setting<List<String>> MODELS = Setting.of("PLASTICITY_SCORING_MODELS", "",
      "the models to score, separated by commas (required)", ScoringEnvironment::names);
  static final Setting<String> KAFKA_BOOTSTRAP = SharedSettings.KAFKA_BOOTSTRAP;
  static final Setting<java.net.URI> REGISTRY_URL = SharedSettings.REGISTRY_URL;
  static final Setting<String> REGISTRY_TOKEN = SharedSettings.REGISTRY_TOKEN;
  static final Setting<String> APPLICATION_ID = Setting.text("PLASTICITY_SCORING_APPLICATION_ID",
      ScoringConfig.DEFAULT_APPLICATION_ID, "the Kafka Streams application id; instances sharing it split the partitions");
  static final Setting<Path> STATE_DIR = Setting.of("PLASTICITY_SCORING_STATE_DIR", "scoring-state",
      "the Kafka Streams state directory (the recent-labels store)", text -> Path.of(text.trim()));
  static final Setting<Integer> MAX_BATCH = Setting.positiveInt("PLASTICITY_SCORING_MAX_BATCH",
      String.valueOf(ScoringConfig.DEFAULT_MAX_BATCH),
      "the most events scored in one forward pass; a batch is scored as soon as this many wait");
  static final Setting<java.time.Duration> MAX_DELAY = Setting.duration("PLASTICITY_SCORING_MAX_DELAY",
      Setting.durationText(ScoringConfig.DEFAULT_MAX_DELAY),
      "how often (wall-clock time) the events waiting for a full batch are scored");

  static final Setting<Double> CANARY_SHARE = Setting.of("PLASTICITY_CANARY_SHARE", "0",
      "the share of each model's events (chosen by event id) its challenger answers, 0 (off) to 1",
      CanaryShares::parseShare);
  static final Setting<java.util.Map<String, Double>> CANARY_SHARES = Setting.of("PLASTICITY_CANARY_SHARES", "",
      "canary shares per model, model=share pairs separated by commas; they replace PLASTICITY_CANARY_SHARE",
      CanaryShares::parsePerModel);
  static final Setting<Long> VERIFY_WATCH_EVENTS = Setting.count("PLASTICITY_VERIFY_WATCH_EVENTS",
      String.valueOf(ScoringConfig.DEFAULT_VERIFY_WATCH_EVENTS),
      "the events a replaced champion goes on scoring (alias previous) beside its successor; 0: none");

  /** Every variable the scoring app reads, in the order its help lists them. */
  public static final List<Setting<?>> ALL = List.of(MODELS, KAFKA_BOOTSTRAP, REGISTRY_URL, REGISTRY_TOKEN,
      APPLICATION_ID, STATE_DIR, MAX_BATCH, MAX_DELAY, CANARY_SHARE, CANARY_SHARES, VERIFY_WATCH_EVENTS);

  private ScoringEnvironment() {}

  private static List<String> names(String text) {
    List<String> names = Arrays.stream(text.split(",")).map(String::trim).toList();
    if (names.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("must be model names separated by commas, with none empty");
    }
    return names;
  }
}
