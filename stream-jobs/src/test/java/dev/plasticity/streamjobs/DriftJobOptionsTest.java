package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DriftJobOptionsTest {
  @Test
  void flagsOverrideTheDefaults() {
    DriftJobOptions defaults = DriftJobOptions.fromArgs(new String[] {"--bootstrap-servers", "k:9092"});
    assertEquals(Duration.ofMillis(20), defaults.watermarkInterval());
    assertEquals(Duration.ofMillis(500), defaults.checkpointInterval(), "a trigger is visible on the next checkpoint");
    assertEquals(Duration.ofMillis(200), defaults.maxOutOfOrderness(), "per partition, a small bound");
    assertEquals(Duration.ofMinutes(5), defaults.maxSourceDrift());
    DriftJobOptions set = DriftJobOptions.fromArgs(new String[] {"--bootstrap-servers", "k:9092",
        "--watermark-interval-ms", "50", "--allowed-lateness-ms", "1000", "--max-source-drift-ms", "0", "--bounded"});
    assertEquals(Duration.ZERO, set.maxSourceDrift());
    assertEquals(Duration.ofMillis(50), set.watermarkInterval());
    assertEquals(Duration.ofSeconds(1), set.allowedLateness());
    assertTrue(set.bounded());
    assertEquals(set, set.toBuilder().build());
  }

  @Test
  void readersAreAlignedUnlessTurnedOffOrBounded() {
    DriftJobOptions options = DriftJobOptions.builder("k:9092").build();
    var aligned = DriftJob.readAlignment(options).getAlignmentParameters();
    assertTrue(aligned.isEnabled());
    assertEquals(Duration.ofMinutes(5).toMillis(), aligned.getMaxAllowedWatermarkDrift());
    assertEquals(DriftJob.ALIGNMENT_UPDATE.toMillis(), aligned.getUpdateInterval());
    assertFalse(DriftJob.readAlignment(options.toBuilder().maxSourceDrift(Duration.ZERO).build())
        .getAlignmentParameters().isEnabled());
    assertFalse(DriftJob.readAlignment(options.toBuilder().maxSourceDrift(Duration.ofNanos(5)).build())
        .getAlignmentParameters().isEnabled(), "under a millisecond is off, not a zero bound");
    assertFalse(DriftJob.readAlignment(options.toBuilder().bounded(true).build()).getAlignmentParameters().isEnabled(),
        "FLINK-39728: a bounded reader may be told to pause a partition it finished");
  }

  @Test
  void nonsenseIsRefusedWithTheFlagsName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DriftJobOptions.fromArgs(new String[] {"--bootstrap-servers", "k:9092", "--watermark-interval-ms", "0"}));
    assertTrue(e.getMessage().contains("watermarkInterval"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> DriftJobOptions.builder("k:9092").watermarkInterval(Duration.ofNanos(500)).build());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> DriftJobOptions.fromArgs(new String[] {"--watermark-every", "5"}));
    assertTrue(unknown.getMessage().contains("--watermark-interval-ms"), unknown.getMessage());
  }

  @Test
  void theLocalJobBindsToLoopbackUnlessToldOtherwise() {
    DriftJobOptions defaults = DriftJobOptions.fromArgs(new String[] {"--bootstrap-servers", "k:9092"});
    assertEquals("127.0.0.1", defaults.restBindHost());
    assertEquals(java.time.Duration.ofDays(1), defaults.maxEventTimeAhead());
    DriftJobOptions set = DriftJobOptions.fromArgs(new String[] {"--bootstrap-servers", "k:9092", "--rest-bind-host", "0.0.0.0",
        "--max-event-time-ahead-ms", "60000"});
    assertEquals("0.0.0.0", set.restBindHost());
    assertEquals(java.time.Duration.ofMinutes(1), set.maxEventTimeAhead());
    org.apache.flink.configuration.Configuration conf = DriftJob.localConfiguration(defaults);
    assertEquals("127.0.0.1", conf.get(org.apache.flink.configuration.RestOptions.BIND_ADDRESS));
    assertEquals("127.0.0.1", conf.get(org.apache.flink.configuration.RestOptions.ADDRESS));
    assertEquals("0", conf.get(org.apache.flink.configuration.RestOptions.BIND_PORT));
  }

  @Test
  void bootstrapServersComeFromTheSharedVariableThenTheDeprecatedOneThenLocalhost() {
    String[] none = new String[0];
    assertEquals("shared:9092", DriftJobOptions.fromArgs(none,
        java.util.Map.of("PLASTICITY_KAFKA_BOOTSTRAP", "shared:9092", "KAFKA_BOOTSTRAP_SERVERS", "old:9092")).bootstrapServers());
    assertEquals("old:9092", DriftJobOptions.fromArgs(none, java.util.Map.of("KAFKA_BOOTSTRAP_SERVERS", "old:9092"))
        .bootstrapServers(), "the former name still works");
    assertEquals("localhost:9092", DriftJobOptions.fromArgs(none, java.util.Map.of()).bootstrapServers());
    assertEquals("flag:9092", DriftJobOptions.fromArgs(new String[] {"--bootstrap-servers", "flag:9092"},
        java.util.Map.of("PLASTICITY_KAFKA_BOOTSTRAP", "shared:9092")).bootstrapServers(), "a flag wins");
  }

  @Test
  void bootstrapServersAreTheSharedSettingAndABlankOneIsRefusedNamingIt() {
    assertEquals(dev.plasticity.schemas.SharedSettings.KAFKA_BOOTSTRAP.name(), DriftJobOptions.BOOTSTRAP.name());
    assertEquals(dev.plasticity.schemas.SharedSettings.KAFKA_BOOTSTRAP.defaultValue(), DriftJobOptions.BOOTSTRAP.defaultValue());
    assertEquals("localhost:9092", DriftJobOptions.fromArgs(new String[0],
        java.util.Map.of("PLASTICITY_KAFKA_BOOTSTRAP", "")).bootstrapServers(), "empty, as compose's ${X:-} gives, is unset");
    IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
        () -> DriftJobOptions.fromArgs(new String[0], java.util.Map.of("PLASTICITY_KAFKA_BOOTSTRAP", "  ")));
    assertTrue(blank.getMessage().startsWith("PLASTICITY_KAFKA_BOOTSTRAP is blank"),
        blank.getMessage());
  }

  @Test
  void theCheckpointDirectoryAndTheStateToRestoreFromAreFlags() {
    DriftJobOptions options = DriftJobOptions.fromArgs(new String[] {"--checkpoint-dir", "file:///var/drift",
        "--restore-from", "/var/drift/abc/chk-7"}, java.util.Map.of());
    assertEquals("file:///var/drift", options.checkpointDirectory());
    assertEquals("/var/drift/abc/chk-7", options.restoreFrom());
    org.apache.flink.configuration.Configuration conf = DriftJob.localConfiguration(options);
    assertEquals("file:///var/drift", conf.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY));
    assertEquals("/var/drift/abc/chk-7", conf.get(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH));
    assertEquals(conf.get(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH),
        DriftJob.stateConfiguration(options).get(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH),
        "the job submitted to a cluster restores the same way");
  }

  @Test
  void everyListedFlagIsReadAndEveryFlagReadIsListed() {
    java.util.List<DriftJobOptions.Flag> flags = DriftJobOptions.flags();
    assertEquals(flags.size(), flags.stream().map(DriftJobOptions.Flag::name).distinct().count());
    for (DriftJobOptions.Flag flag : flags) {
      assertTrue(flag.name().startsWith("--") && !flag.defaultValue().isBlank() && !flag.description().isBlank(), flag.toString());
      String[] args = flag.name().equals("--bounded") ? new String[] {flag.name()}
          : new String[] {flag.name(), sample(flag.name())};
      DriftJobOptions set = DriftJobOptions.fromArgs(args, java.util.Map.of());
      assertFalse(set.equals(DriftJobOptions.fromArgs(new String[0], java.util.Map.of())), flag.name() + " changes nothing");
    }
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> DriftJobOptions.fromArgs(new String[] {"--bootstrap", "k:9092"}, java.util.Map.of()));
    for (DriftJobOptions.Flag flag : flags) {
      assertTrue(unknown.getMessage().contains(flag.name()), flag.name() + " missing from: " + unknown.getMessage());
    }
  }

  @Test
  void theListedDefaultsAreTheDefaults() {
    java.util.Map<String, String> defaults = DriftJobOptions.flags().stream()
        .collect(java.util.stream.Collectors.toMap(DriftJobOptions.Flag::name, DriftJobOptions.Flag::defaultValue));
    DriftJobOptions options = DriftJobOptions.fromArgs(new String[0], java.util.Map.of());
    assertEquals(String.valueOf(options.settings().windowSize()), defaults.get("--window-size"));
    assertEquals(String.valueOf(options.checkpointInterval().toMillis()), defaults.get("--checkpoint-interval-ms"));
    assertEquals(String.valueOf(options.allowedLateness().toMillis()), defaults.get("--allowed-lateness-ms"));
    assertEquals("NONE", defaults.get("--concept-detector"));
    assertEquals(options.groupId(), defaults.get("--group-id"));
  }

  @Test
  void aFlagWhoseValueIsNotANumberIsRefusedWithTheFlagsName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DriftJobOptions.fromArgs(new String[] {"--window-size", "big"}, java.util.Map.of()));
    assertEquals("flag --window-size needs a number, got 'big'", e.getMessage());
  }

  /** A value for the flag that differs from its default. */
  static String sample(String flag) {
    return switch (flag) {
      case "--concept-detector" -> "ADWIN";
      case "--checkpoint-dir" -> "file:///tmp/x";
      case "--restore-from" -> "/tmp/x/chk-1";
      case "--bootstrap-servers" -> "elsewhere:9092";
      case "--group-id", "--transactional-id-prefix" -> "other";
      case "--rest-bind-host" -> "0.0.0.0";
      case "--window-size", "--parallelism", "--restart-attempts" -> "7";
      default -> "1234"; // every *-ms flag
    };
  }
}
