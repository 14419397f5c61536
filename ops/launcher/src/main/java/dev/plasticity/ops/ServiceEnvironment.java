package dev.plasticity.ops;

import dev.plasticity.inference.InferenceEnvironment;
import dev.plasticity.registry.server.RegistryEnvironment;
import dev.plasticity.schemas.AvroCodec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The environment variables each service command reads, as one table per command: the registry's
 * and inference's come from the declarations beside the code that reads them ({@link
 * RegistryEnvironment}, {@link InferenceEnvironment}); the trainer's mirror {@code
 * TrainerService.configFromEnvironment}; the health endpoint's are the launcher's own. {@code
 * --help} of each command prints its table, and {@code ConfigurationNamesTest} holds the README's
 * configuration table and {@code docker-compose.yml} to the same names. Immutable and thread-safe.
 */
final class ServiceEnvironment {
  static final String HEALTH_HOST = "PLASTICITY_HEALTH_HOST";
  static final String HEALTH_PORT = "PLASTICITY_HEALTH_PORT";

  /** One variable: its name, what applies when it is unset (empty: nothing), and what it is for. */
  record Variable(String name, String defaultValue, String description) {
    /** Two lines of {@code --help}: the name and its default, then what it sets. */
    Stream<String> helpLines() {
      return Stream.of("  " + name + (defaultValue.isEmpty() ? "" : " (default " + defaultValue + ")"),
          "      " + description);
    }
  }

  private static final List<Variable> HEALTH = List.of(
      new Variable(HEALTH_HOST, HealthEndpoint.DEFAULT_HOST, "the interface GET /health listens on"),
      new Variable(HEALTH_PORT, "0", "the port of GET /health (0: any free port, printed at start)"));

  private static final List<Variable> TRAINER = List.of(
      new Variable("PLASTICITY_KAFKA_BOOTSTRAP", "localhost:9092", "Kafka's bootstrap servers"),
      new Variable("PLASTICITY_REGISTRY_URL", "http://localhost:8081", "the registry's base URL"),
      new Variable("PLASTICITY_REGISTRY_TOKEN", "", "the registry's bearer token for writes"),
      new Variable("PLASTICITY_TRAINER_GROUP", "plasticity-trainer", "the consumer group all replicas share"),
      new Variable("PLASTICITY_TRAINER_POLICY", "", "retraining rules tried before the default ones (as --policy)"));

  private static final List<Variable> DRIFT_JOB = List.of(
      new Variable("PLASTICITY_KAFKA_BOOTSTRAP", "localhost:9092", "Kafka's bootstrap servers (--bootstrap-servers overrides it)"));

  private static final List<Variable> EVERY_SERVICE = List.of(
      new Variable(AvroCodec.MAX_RECORD_BYTES_ENV, String.valueOf(AvroCodec.DEFAULT_MAX_RECORD_BYTES),
          "the largest Avro record decoded (-D" + AvroCodec.MAX_RECORD_BYTES_PROPERTY + " wins)"));

  private ServiceEnvironment() {}

  /** The variables {@code command} reads, in the order its help lists them. */
  static List<Variable> of(String command) {
    List<Variable> own = switch (command) {
      case "registry" -> Arrays.stream(RegistryEnvironment.values())
          .map(v -> new Variable(v.variable(), v.defaultValue(), v.description())).toList();
      case "inference" -> Arrays.stream(InferenceEnvironment.values())
          .map(v -> new Variable(v.variable(), v.defaultValue(), v.description())).toList();
      case "trainer" -> Stream.concat(TRAINER.stream(), HEALTH.stream()).toList();
      case "drift-job" -> Stream.concat(DRIFT_JOB.stream(), HEALTH.stream()).toList();
      case "stack" -> HEALTH.subList(1, 2);
      default -> throw new IllegalArgumentException("no service command named '" + command + "'");
    };
    return Stream.concat(own.stream(), EVERY_SERVICE.stream()).toList();
  }

  /** Every service command and the variables it reads. */
  static Map<String, List<Variable>> all() {
    return Map.of("registry", of("registry"), "inference", of("inference"), "trainer", of("trainer"),
        "drift-job", of("drift-job"), "stack", of("stack"));
  }

  /** The footer of {@code command}'s {@code --help}: its variables, one a line. */
  static String[] helpFooter(String command) {
    return Stream.concat(Stream.of("", "Environment:"), of(command).stream().flatMap(Variable::helpLines))
        .toArray(String[]::new);
  }
}
