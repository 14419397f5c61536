package dev.plasticity.streamjobs;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.streamjobs.drift.DriftMonitor;
import dev.plasticity.streamjobs.drift.DriftSettings;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes the records of the compacted versions topic into {@link ModelVersion}s for the drift
 * operator's broadcast side. A record that does not decode, and a champion the drift job could not
 * monitor ({@link #championProblem}), goes to {@link #DEAD_LETTERS} with the reason and is counted
 * ({@code versionsDecoded}, {@code versionDeadLetters}); nothing is skipped silently. A tombstone
 * (null value: the registry deleted the model's entry) is no version and no error, and is passed
 * over. Run it at parallelism 1 before the broadcast, so that each bad version is one dead letter.
 * Never throws on bad input; one instance per subtask.
 */
final class DecodeModelVersions extends ProcessFunction<KafkaRecord, ModelVersion> {
  private static final long serialVersionUID = 1L;

  static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("version-dead-letters", TypeInformation.of(DeadLetter.class));

  private final DriftSettings defaults;
  private transient AvroCodec<ModelVersion> codec;
  private transient Counter decoded;
  private transient Counter deadLetters;

  /** @param defaults the job's drift settings, which each champion's drift config overrides */
  DecodeModelVersions(DriftSettings defaults) {
    this.defaults = Objects.requireNonNull(defaults, "defaults");
  }

  @Override
  public void open(OpenContext openContext) {
    codec = AvroCodec.of(ModelVersion.class);
    decoded = getRuntimeContext().getMetricGroup().counter("versionsDecoded");
    deadLetters = new DriftJobMetrics(getRuntimeContext().getMetricGroup())
        .deadLetters("version", getRuntimeContext().getMetricGroup().counter("versionDeadLetters"));
  }

  @Override
  public void processElement(KafkaRecord record, Context ctx, Collector<ModelVersion> out) {
    if (record.value() == null) {
      return;
    }
    String error;
    try {
      ModelVersion version = codec.decode(record.value());
      error = championProblem(version, defaults);
      if (error == null) {
        decoded.inc();
        out.collect(version);
        return;
      }
      error = "champion " + version.getModel() + " v" + version.getVersion() + " cannot be monitored: " + error;
    } catch (AvroCodec.InvalidPayloadException e) {
      error = e.getMessage();
    } catch (RuntimeException e) {
      error = "could not decode or check the model version: " + e;
    }
    deadLetters.inc();
    ctx.output(DEAD_LETTERS, record.deadLetter(error, ctx.timerService().currentProcessingTime()));
  }

  /**
   * Why the drift job cannot monitor {@code version} as a champion, or null when it can (and for
   * any version that is not a champion, which the job does not monitor): its architecture must name
   * its input features and between 1 and {@link DecodeLabelledEvents#MAX_CLASSES} classes, and its
   * reference statistics and drift config must make a {@link DriftMonitor}.
   */
  static String championProblem(ModelVersion version, DriftSettings defaults) {
    if (!ChampionDriftFunction.CHAMPION.equals(version.getAlias())) {
      return null;
    }
    if (version.getModel().isBlank()) {
      return "missing model name";
    }
    Architecture architecture = version.getArchitecture();
    int classes = architecture.getNumClasses();
    if (classes < 1 || classes > DecodeLabelledEvents.MAX_CLASSES) {
      return "numClasses must be in [1, " + DecodeLabelledEvents.MAX_CLASSES + "], got " + classes;
    }
    if (architecture.getInputFeatures().isEmpty()) {
      return "the architecture names no input features";
    }
    DriftSettings settings;
    try {
      settings = defaults.overriddenBy(version.getDriftConfig());
    } catch (IllegalArgumentException e) {
      return "invalid driftConfig: " + e.getMessage();
    }
    try {
      new DriftMonitor(version.getReference(), settings);
    } catch (IllegalArgumentException e) {
      return "unusable reference statistics: " + e.getMessage();
    }
    return null;
  }
}
