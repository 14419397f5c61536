package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plasticity.ops.replay.ExampleCsv;
import dev.plasticity.ops.replay.ReplayReport;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import picocli.CommandLine;

/**
 * The distributed deployment for real: Testcontainers brings {@code docker-compose.yml} up with
 * the local {@code docker compose} (three Kafka nodes, the topic creation, PostgreSQL, the
 * registry, a Flink JobManager and two TaskManagers with the drift job submitted by {@code flink
 * run}, two trainers, two inference and two scoring replicas, Prometheus and Grafana), and {@code
 * plasticity replay} sends it a CSV with an abrupt concept drift from the host, through the
 * published Kafka listeners and registry. The first rows train the first version; the drift must
 * end in a newer champion in the registry, trained for a trigger, while the topics are replicated
 * three times and Prometheus scrapes the services and the drift job.
 *
 * <p>Needs a Docker engine with the compose plugin and the built launcher and job jar, and takes
 * several minutes (images, JVMs, training), so it is not part of the default build: it runs with
 * {@code mvn -B -Pcompose -pl ops/launcher -am verify} (failsafe, after the jars are packaged), and
 * is skipped, saying why, without Docker.
 */
@Tag("compose")
@Timeout(1800)
class DistributedStackIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();
  private static final String KAFKA = "127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094";
  private static final URI REGISTRY = URI.create("http://127.0.0.1:8080");
  private static final URI FLINK = URI.create("http://127.0.0.1:8081");
  private static final URI PROMETHEUS = URI.create("http://127.0.0.1:9090");
  private static final String MODEL = "sea"; // the model compose's scoring and inference services serve
  private static final int ROWS = 14_000;
  private static final int DRIFT_AT = 6_000;
  private static final int BOOTSTRAP = 2_000;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** Skips the test (reported as skipped, with the reason) where Docker or its compose plugin is missing. */
  private static void assumeDockerComposeAndTheJars() throws Exception {
    Assumptions.assumeTrue(dockerAvailable(), "no Docker engine answers: the distributed stack cannot be brought up here");
    Assumptions.assumeTrue(exitCode("docker", "compose", "version") == 0, "no `docker compose` plugin here");
    assertThat(ROOT.resolve("ops/launcher/target/plasticity.jar")).as("the launcher (mvn package)").isRegularFile();
    assertThat(ROOT.resolve("stream-jobs/target/plasticity-drift-job.jar")).as("the drift job jar (mvn package)").isRegularFile();
  }

  @Test
  void aConceptDriftSentThroughTheDistributedStackEndsInANewChampion() throws Exception {
    assumeDockerComposeAndTheJars();
    String token = secret();
    Path tokenFile = Files.writeString(dir.resolve("registry-token"), token);
    try (ComposeContainer stack = new ComposeContainer(ROOT.resolve("docker-compose.yml").toFile())
        .withEnv("PLASTICITY_REGISTRY_TOKEN", token)
        .withEnv("POSTGRES_PASSWORD", secret())
        .withEnv("GRAFANA_ADMIN_PASSWORD", secret())
        .withRemoveVolumes(true)
        .withStartupTimeout(Duration.ofMinutes(10))) {
      stack.start();

      await("the registry answers /health", Duration.ofMinutes(5), () -> status(REGISTRY.resolve("/health")) == 200);
      await("the drift job runs on the Flink cluster", Duration.ofMinutes(5), () -> {
        String jobs = body(FLINK.resolve("/jobs/overview"));
        return jobs.contains("\"plasticity-drift\"") && jobs.contains("\"RUNNING\"");
      });
      assertTopicsAreReplicatedThreeTimes();

      Path csv = dir.resolve(MODEL + ".csv");
      new ExampleCsv(ROWS, DRIFT_AT, false, 11).write(csv, new ArrayList<>());
      Path reportFile = dir.resolve("out/" + MODEL + ".json");
      ReplayReport report = replay(csv, reportFile, tokenFile);

      assertThat(report.rowsJoined()).as("rows joined with their labels").isEqualTo(ROWS);
      assertThat(report.timeline().triggers()).as("triggers after the drift")
          .anySatisfy(t -> assertThat(t.row()).isGreaterThanOrEqualTo(DRIFT_AT));

      RegistryClient registry = new RegistryClient(REGISTRY, Duration.ofSeconds(30), token);
      ModelVersion[] champion = new ModelVersion[1];
      await("a champion newer than the bootstrapped version, trained for a trigger", Duration.ofMinutes(5), () -> {
        Optional<ModelVersion> current = registry.champion(MODEL);
        champion[0] = current.orElse(null);
        return current.isPresent() && current.get().getVersion() > 1 && current.get().getLineage().getTriggerId() != null;
      });
      assertThat(report.timeline().versions()).as("versions the replay saw registered")
          .anySatisfy(v -> assertThat(v.version()).isEqualTo(champion[0].getVersion()));

      await("Prometheus scrapes the trainers' runs and the drift job's events", Duration.ofMinutes(2),
          () -> hasSeries("plasticity_trainer_runs_total")
              && hasSeries("flink_taskmanager_job_task_operator_plasticity_events_per_second")
              && hasSeries("plasticity_scoring_events_scored_total"));
    }
  }

  private static ReplayReport replay(Path csv, Path reportFile, Path tokenFile) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CommandLine commandLine = Plasticity.commandLine();
    ReplayCommand replay = commandLine.getSubcommands().get("replay").getCommand();
    replay.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    replay.err = replay.out;
    int code;
    try {
      code = commandLine.execute("replay", csv.toString(), "--label", ExampleCsv.LABEL, "--categorical",
          ExampleCsv.CATEGORICAL, "--drop", ExampleCsv.NOTE, "--bootstrap", Integer.toString(BOOTSTRAP),
          "--label-delay", "50", "--rate", "400", "--policy", "*=retrain", "--report", reportFile.toString(),
          "--timeout", "15m", "--bootstrap-servers", KAFKA, "--registry", REGISTRY.toString(),
          "--registry-token-file", tokenFile.toString());
    } finally {
      System.out.println(out.toString(StandardCharsets.UTF_8));
    }
    assertThat(code).as("plasticity replay's exit status").isZero();
    return ReplayReport.read(reportFile);
  }

  private static void assertTopicsAreReplicatedThreeTimes() throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
    try (Admin admin = Admin.create(props)) {
      assertThat(admin.describeCluster().nodes().get()).as("brokers").hasSize(3);
      Map<String, TopicDescription> topics = admin.describeTopics(Topics.ALL).allTopicNames().get();
      assertThat(topics.values()).allSatisfy(t -> assertThat(t.partitions())
          .allSatisfy(p -> assertThat(p.replicas()).as(t.name()).hasSize(3)));
      ConfigResource versions = new ConfigResource(ConfigResource.Type.TOPIC, Topics.MODEL_VERSIONS);
      var config = admin.describeConfigs(java.util.List.of(versions)).all().get().get(versions);
      assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
      assertThat(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("2");
    }
  }

  private static boolean hasSeries(String metric) throws Exception {
    JsonNode answer = JSON.readTree(body(PROMETHEUS.resolve("/api/v1/query?query="
        + URLEncoder.encode(metric, StandardCharsets.UTF_8))));
    return answer.path("data").path("result").size() > 0;
  }

  /** Asks {@code condition} every two seconds until it holds; fails, naming what was awaited, after {@code limit}. */
  private static void await(String what, Duration limit, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.call()) {
          return;
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        last = e; // not up yet
      }
      Thread.sleep(2000);
    }
    throw new AssertionError("waited " + limit + " for " + what + (last == null ? "" : "; last error: " + last), last);
  }

  private static int status(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String body(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static String secret() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static int exitCode(String... command) throws InterruptedException {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().transferTo(System.out);
      return process.waitFor();
    } catch (IOException e) {
      return -1;
    }
  }
}
