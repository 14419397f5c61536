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
    assertEquals(Duration.ofSeconds(2), defaults.checkpointInterval());
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
}
