package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every environment variable a service reads has one name everywhere: the names are those the
 * services declare ({@link dev.plasticity.schemas.Setting}s gathered by {@link ServiceEnvironment},
 * which the services read through and {@code --help} prints); each is a row of the README's
 * configuration table, and is set in {@code docker-compose.yml} (for each service that reads it)
 * unless {@link #NOT_IN_COMPOSE} says why compose leaves it to its default. No module's main code
 * names a variable that is not declared (a {@code "PLASTICITY_…"} string literal, or picocli's
 * {@code ${env:PLASTICITY_…}}). Where {@code docker compose} is installed, it must accept the file
 * too.
 *
 * <p>{@code ComposeSchemaTest} validates the same file against the Compose Specification's JSON schema.
 */
class ConfigurationNamesTest {
  private static final Pattern READ_IN_CODE = Pattern.compile("(?:\"|\\$\\{env:)(PLASTICITY_[A-Z0-9_]+)[\":}]");
  private static final Pattern README_ROW = Pattern.compile("^\\| `(PLASTICITY_[A-Z0-9_]+)`", Pattern.MULTILINE);
  private static final Pattern COMPOSE_SETTING = Pattern.compile("^\\s+(PLASTICITY_[A-Z0-9_]+):", Pattern.MULTILINE);

  /** Variables compose deliberately leaves unset, and why. */
  private static final Map<String, String> NOT_IN_COMPOSE = Map.of(
      "PLASTICITY_REGISTRY_PUBLIC_URL", "only logged: versions store artifact locations relative to the registry",
      "PLASTICITY_MAX_RECORD_BYTES", "the 8 MiB default bounds every topic",
      "PLASTICITY_REGISTRY_MAX_ARTIFACT_BYTES", "the 256 MiB default",
      "PLASTICITY_REGISTRY_MAX_METADATA_BYTES", "the 1 MiB default");

  private static final Path ROOT = repositoryRoot();

  @Test
  void everyVariableAServiceReadsIsInTheReadmesConfigurationTable() {
    Set<String> read = declared();
    Set<String> documented = matches(README_ROW, read(ROOT.resolve("README.md")));

    assertThat(read).as("variables read in the services' main code").contains("PLASTICITY_KAFKA_BOOTSTRAP", "PLASTICITY_MODEL");
    assertThat(documented).as("rows of the README's configuration table").containsAll(read);
    assertThat(read).as("variables the README documents that nothing reads").containsAll(documented);
  }

  @Test
  void everyVariableAServiceReadsIsSetInComposeOrSaysWhyNot() {
    Set<String> read = declared();
    Set<String> setInCompose = matches(COMPOSE_SETTING, read(ROOT.resolve("docker-compose.yml")));

    assertThat(read).as("variables read in the services' main code").isNotEmpty();
    assertThat(read.stream().filter(name -> !NOT_IN_COMPOSE.containsKey(name)))
        .as("variables docker-compose.yml sets").allMatch(setInCompose::contains, "set in docker-compose.yml");
    assertThat(read).as("variables compose sets or leaves out on purpose").containsAll(setInCompose)
        .containsAll(NOT_IN_COMPOSE.keySet());
  }

  @Test
  @SuppressWarnings("unchecked")
  void eachComposeServiceIsGivenEveryVariableItsCommandReads() throws IOException {
    Map<String, Object> compose;
    try (var in = Files.newInputStream(ROOT.resolve("docker-compose.yml"))) {
      compose = new org.yaml.snakeyaml.Yaml().load(in); // resolves the file's anchors and merge keys
    }
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");

    java.util.Set<String> checked = new java.util.TreeSet<>();
    for (Map.Entry<String, Map<String, Object>> entry : services.entrySet()) {
      Object command = entry.getValue().get("command");
      java.util.List<String> words = command instanceof java.util.List<?> list
          ? list.stream().map(String::valueOf).toList() : java.util.List.of();
      int jar = words.indexOf("plasticity.jar");
      if (jar < 0 || jar + 1 >= words.size() || !ServiceEnvironment.all().containsKey(words.get(jar + 1))) {
        continue; // not a launcher service command (Kafka, Flink, the topic creation, Prometheus, ...)
      }
      String service = entry.getKey();
      String launched = words.get(jar + 1);
      checked.add(launched);
      Map<String, Object> environment = (Map<String, Object>) entry.getValue().getOrDefault("environment", Map.of());
      assertThat(ServiceEnvironment.of(launched)).as("variables %s reads", launched).isNotEmpty()
          .map(dev.plasticity.schemas.Setting::name).filteredOn(name -> !NOT_IN_COMPOSE.containsKey(name))
          .as("variables compose gives the %s service", service).allMatch(environment::containsKey,
              "set in its environment " + environment.keySet());
    }
    // the drift job runs on the Flink cluster (ComposeClusterTest checks its submission)
    assertThat(checked).as("launcher services compose runs").contains("registry", "trainer", "inference", "scoring");
  }

  @Test
  void dockerComposeAcceptsTheFileWhereItIsInstalled() throws Exception {
    Assumptions.assumeTrue(exitCode(new ProcessBuilder("docker", "compose", "version")) == 0,
        "no `docker compose` here (the Docker client has no compose plugin); the YAML checks above still ran");
    ProcessBuilder config = new ProcessBuilder("docker", "compose", "-f", "docker-compose.yml", "config", "--quiet")
        .directory(ROOT.toFile());
    config.environment().put("PLASTICITY_REGISTRY_TOKEN", "checked-by-ConfigurationNamesTest");
    config.environment().put("POSTGRES_PASSWORD", "checked-by-ConfigurationNamesTest");
    config.environment().put("GRAFANA_ADMIN_PASSWORD", "checked-by-ConfigurationNamesTest");

    assertThat(exitCode(config)).as("`docker compose config` on docker-compose.yml").isZero();
  }

  private static int exitCode(ProcessBuilder process) throws InterruptedException {
    try {
      Process started = process.redirectErrorStream(true).start();
      started.getInputStream().transferTo(System.out);
      return started.waitFor();
    } catch (IOException e) {
      return -1; // no docker client at all
    }
  }

  @Test
  void everyVariableTheServicesCodeNamesIsDeclaredAndListedByTheLaunchersHelp() {
    Set<String> named = namedInMainCode();

    assertThat(named).as("variables named in the services' main code").contains("PLASTICITY_KAFKA_BOOTSTRAP",
        "PLASTICITY_MODEL", "PLASTICITY_TRAINER_MAX_ATTEMPTS");
    assertThat(declared()).as("variables the service commands declare and their --help lists").containsAll(named);
    String registryHelp = Plasticity.commandLine().getSubcommands().get("registry").getUsageMessage();
    assertThat(registryHelp).contains("PLASTICITY_REGISTRY_JDBC_URL", "PLASTICITY_REGISTRY_TOKEN");
    String trainerHelp = Plasticity.commandLine().getSubcommands().get("trainer").getUsageMessage();
    assertThat(trainerHelp).contains("PLASTICITY_TRAINER_RETRY_BACKOFF (default 5s)",
        "PLASTICITY_TRAINER_MAX_RETRY_BACKOFF (default 5m)", "PLASTICITY_TRAINER_MAX_ATTEMPTS (default 3)",
        "PLASTICITY_TRAINER_MAX_CLASSES (default 1000)");
  }

  @Test
  void theDriftJobsHelpNamesTheFlagTheJobAccepts() {
    String help = Plasticity.commandLine().getSubcommands().get("drift-job").getUsageMessage();

    assertThat(help).contains("--bootstrap-servers").doesNotContainPattern("--bootstrap(?!-servers)");
  }

  /** The variables the service commands declare, as their --help lists them. */
  private static Set<String> declared() {
    return ServiceEnvironment.all().values().stream().flatMap(java.util.List::stream)
        .map(dev.plasticity.schemas.Setting::name).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The variables any module's main code names. */
  private static Set<String> namedInMainCode() {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files.filter(file -> file.toString().endsWith(".java"))
          .filter(file -> file.toString().contains("/src/main/java/"))
          .filter(file -> !ROOT.relativize(file).toString().contains("/target/"))
          .flatMap(file -> matches(READ_IN_CODE, read(file)).stream())
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> matches(Pattern pattern, String text) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("docker-compose.yml")) && Files.exists(dir.resolve("README.md"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no directory above " + Path.of("").toAbsolutePath() + " holds docker-compose.yml");
  }
}
