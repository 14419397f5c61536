package dev.plasticity.ops;

import dev.plasticity.inference.service.InferenceEnvironment;
import dev.plasticity.inference.join.JoinEnvironment;
import dev.plasticity.inference.scoring.ScoringEnvironment;
import dev.plasticity.metrics.MetricsSettings;
import dev.plasticity.registry.server.RegistryEnvironment;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.Setting;
import dev.plasticity.schemas.SharedSettings;
import dev.plasticity.streamjobs.DriftJobOptions;
import dev.plasticity.trainer.TrainerEnvironment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The environment variables each service command reads, as one list of {@link Setting}s per
 * command, taken from the declarations beside the code that reads them ({@link
 * RegistryEnvironment}, {@link InferenceEnvironment}, {@link ScoringEnvironment}, {@link
 * JoinEnvironment}, {@link TrainerEnvironment}, {@link
 * DriftJobOptions#BOOTSTRAP}, {@link SharedSettings}, {@link AvroCodec#MAX_RECORD_BYTES}); the
 * health endpoint's are the launcher's own. {@code --help} of each command prints its list, and
 * {@code ConfigurationNamesTest} holds the README's configuration table and {@code
 * docker-compose.yml} to the same declarations. Immutable and thread-safe.
 */
final class ServiceEnvironment {
  /** The name of {@link #HEALTH_PORT}, a constant so that picocli's {@code ${env:…}} default can name it. */
  static final String HEALTH_PORT_NAME = "PLASTICITY_HEALTH_PORT";
  static final Setting<String> HEALTH_HOST = Setting.text("PLASTICITY_HEALTH_HOST", HealthEndpoint.DEFAULT_HOST,
      "the interface GET /health listens on");
  static final Setting<Integer> HEALTH_PORT = Setting.port(HEALTH_PORT_NAME, "0",
      "the port of GET /health (0: any free port, printed at start)");

  private static final List<Setting<?>> HEALTH = List.of(HEALTH_HOST, HEALTH_PORT);

  /** The drift job's Prometheus reporter takes the port only: Flink binds it on every interface. */
  private static final List<Setting<?>> DRIFT_JOB_METRICS = List.of(MetricsSettings.PORT);

  /** The drift job reads Kafka's address from the environment; everything else from its flags. */
  private static final List<Setting<?>> DRIFT_JOB = List.of(DriftJobOptions.BOOTSTRAP);

  private static final List<Setting<?>> EVERY_SERVICE = List.of(AvroCodec.MAX_RECORD_BYTES);

  /** Every service command and what it reads of its own, in the order of the launcher's help. */
  private static final Map<String, List<Setting<?>>> OWN = ownSettings();

  private ServiceEnvironment() {}

  private static Map<String, List<Setting<?>>> ownSettings() {
    Map<String, List<Setting<?>>> own = new LinkedHashMap<>();
    own.put("registry", RegistryEnvironment.ALL);
    own.put("inference", InferenceEnvironment.ALL);
    own.put("trainer", Stream.of(TrainerEnvironment.ALL, HEALTH, MetricsSettings.ALL).flatMap(List::stream).toList());
    own.put("drift-job", Stream.of(DRIFT_JOB, HEALTH, DRIFT_JOB_METRICS).flatMap(List::stream).toList());
    own.put("scoring", distinct(Stream.of(ScoringEnvironment.ALL, JoinEnvironment.ALL, HEALTH, MetricsSettings.ALL)
        .flatMap(List::stream)));
    own.put("stack", List.of(HEALTH_PORT));
    return java.util.Collections.unmodifiableMap(own);
  }

  /** The settings in their order, each name once (the scoring app and the join share Kafka's address). */
  private static List<Setting<?>> distinct(Stream<Setting<?>> settings) {
    Map<String, Setting<?>> byName = new LinkedHashMap<>();
    settings.forEach(setting -> byName.putIfAbsent(setting.name(), setting));
    return List.copyOf(byName.values());
  }

  /** The variables {@code command} reads, in the order its help lists them. */
  static List<Setting<?>> of(String command) {
    List<Setting<?>> own = OWN.get(command);
    if (own == null) {
      throw new IllegalArgumentException("no service command named '" + command + "' (known: " + OWN.keySet() + ")");
    }
    return Stream.concat(own.stream(), EVERY_SERVICE.stream()).toList();
  }

  /** Every service command and the variables it reads. */
  static Map<String, List<Setting<?>>> all() {
    Map<String, List<Setting<?>>> all = new LinkedHashMap<>();
    OWN.keySet().forEach(command -> all.put(command, of(command)));
    return java.util.Collections.unmodifiableMap(all);
  }

  /** The footer of {@code command}'s {@code --help}: its variables, two lines each. */
  static String[] helpFooter(String command) {
    return Stream.concat(Stream.of("", "Environment:"), of(command).stream().flatMap(ServiceEnvironment::helpLines))
        .toArray(String[]::new);
  }

  /** Two lines of {@code --help}: the name and its default, then what it sets. */
  private static Stream<String> helpLines(Setting<?> setting) {
    return Stream.of("  " + setting.name() + (setting.defaultValue().isEmpty() ? "" : " (default " + setting.defaultValue() + ")"),
        "      " + setting.description());
  }
}
