package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
  void nonsenseIsRefusedWithTheFlagsName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DriftJobOptions.fromArgs(new String[] {"--bootstrap-servers", "k:9092", "--watermark-interval-ms", "0"}));
    assertTrue(e.getMessage().contains("watermarkInterval"), e.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> DriftJobOptions.fromArgs(new String[] {"--watermark-every", "5"}));
    assertTrue(unknown.getMessage().contains("--watermark-interval-ms"), unknown.getMessage());
  }
}
