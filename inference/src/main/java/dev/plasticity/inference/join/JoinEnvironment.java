package dev.plasticity.inference.join;

import dev.plasticity.inference.verify.VerifyEnvironment;
import dev.plasticity.schemas.Setting;
import dev.plasticity.schemas.SharedSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every environment variable the label join reads, declared once as a {@link Setting} (those of the
 * live verification it starts are {@link VerifyEnvironment}'s): {@link
 * JoinConfig#fromEnvironment} reads them, and a launcher's help can print {@link #ALL}. Immutable
 * and thread-safe.
 */
public final class JoinEnvironment {
  static final Setting<String> KAFKA_BOOTSTRAP = SharedSettings.KAFKA_BOOTSTRAP;
  static final Setting<Duration> WINDOW = Setting.duration("PLASTICITY_JOIN_WINDOW",
      Setting.durationText(JoinSettings.DEFAULT_WINDOW),
      "how long an event waits for its label, and a label for its event (stream time)");
  static final Setting<Duration> GRACE = Setting.durationOrZero("PLASTICITY_JOIN_GRACE",
      Setting.durationText(JoinSettings.DEFAULT_GRACE),
      "extra wait for records that arrive out of order, added to the window (0: none)");
  static final Setting<Duration> PREDICTION_WAIT = Setting.durationOrZero("PLASTICITY_JOIN_PREDICTION_WAIT",
      Setting.durationText(JoinSettings.DEFAULT_PREDICTION_WAIT),
      "how long a label that met its event waits for the event's prediction before it is joined without one "
          + "(stream time; 0: no wait)");
  static final Setting<String> APPLICATION_ID = Setting.text("PLASTICITY_JOIN_APPLICATION_ID",
      LabelJoinApp.DEFAULT_APPLICATION_ID,
      "the join's Kafka Streams application id; instances sharing it split the partitions");
  static final Setting<Path> STATE_DIR = Setting.of("PLASTICITY_JOIN_STATE_DIR", "join-state",
      "the join's Kafka Streams state directory (its event and expiry stores)", text -> Path.of(text.trim()));

  /** Every variable the label join reads, its live verification's included, in the order its help lists them. */
  public static final List<Setting<?>> ALL = java.util.stream.Stream.concat(
      List.<Setting<?>>of(KAFKA_BOOTSTRAP, WINDOW, GRACE, PREDICTION_WAIT, APPLICATION_ID, STATE_DIR).stream(),
      VerifyEnvironment.ALL.stream()).toList();

  private JoinEnvironment() {}
}
