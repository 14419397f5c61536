package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plasticity.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose.yml} is the distributed deployment {@code docs/deployment.md} describes,
 * checked without Docker: a three-node KRaft quorum whose brokers hold every topic three times and
 * acknowledge a write once two have it; every image pinned (Kafka's and Flink's to the root pom's
 * versions); the drift job submitted to a Flink session cluster with the job jar stream-jobs
 * builds; trainer replicas in one consumer group; scoring replicas; no default secrets and nothing
 * published beyond the host's 127.0.0.1; Prometheus' configuration scraping every metrics endpoint
 * of every service; and the Grafana dashboard querying only metrics {@code docs/metrics.md}
 * documents. {@code ComposeSchemaTest} validates the file against the Compose Specification and
 * {@code ConfigurationNamesTest} its variables against the README; {@code DistributedStackIT} brings
 * it up where Docker runs.
 */
class ComposeClusterTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();
  private static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");
  private static final Pattern PINNED = Pattern.compile("[a-z0-9./_-]+:v?\\d+\\.\\d+[A-Za-z0-9._-]*");
  private static final Pattern METRIC = Pattern.compile("\\b((?:plasticity|flink)_[a-z0-9_]+)\\b");
  private static final Pattern DOCUMENTED_METRIC = Pattern.compile("`((?:plasticity|flink)_[a-z0-9_]+)`");

  private final Map<String, Object> compose = yaml(ROOT.resolve("docker-compose.yml"));
  private final Map<String, Map<String, Object>> services = cast(compose.get("services"));

  @Test
  void threeKraftNodesFormTheQuorumAndKeepEveryTopicOnThreeBrokersAcknowledgedByTwo() {
    Set<String> nodeIds = new TreeSet<>();
    Set<String> voters = new TreeSet<>();
    Set<String> clusterIds = new TreeSet<>();
    for (String broker : BROKERS) {
      assertThat(services).as("compose services").containsKey(broker);
      Map<String, Object> env = environment(broker);
      assertThat(image(broker)).as(broker).isEqualTo("apache/kafka:" + rootPomProperty("kafka.version"));
      assertThat(env.get("KAFKA_PROCESS_ROLES")).as(broker + " roles").isEqualTo("broker,controller");
      nodeIds.add(String.valueOf(env.get("KAFKA_NODE_ID")));
      voters.add(String.valueOf(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")));
      clusterIds.add(String.valueOf(env.get("CLUSTER_ID")));
      assertThat(String.valueOf(env.get("KAFKA_ADVERTISED_LISTENERS"))).as(broker + " advertised listeners")
          .contains("PLAINTEXT://" + broker + ":9092");
      assertThat(env).as(broker).containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", 3).containsEntry("KAFKA_MIN_INSYNC_REPLICAS", 2)
          .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", 3)
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", 3)
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", 2);
      assertThat(volumes(broker)).as(broker + " keeps its log on a volume").anyMatch(v -> v.endsWith(":/var/lib/kafka/data"));
    }
    assertThat(nodeIds).containsExactly("1", "2", "3");
    assertThat(voters).as("every node names the same quorum").containsExactly("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
    assertThat(clusterIds).as("every node formats the same cluster").hasSize(1);

    List<String> topics = command("kafka-topics");
    assertThat(topics).as("the topic service runs plasticity topics").containsSubsequence("plasticity.jar", "topics")
        .containsSubsequence("--replication-factor", "3").containsSubsequence("--min-insync-replicas", "2");
    assertThat(Topics.isCompacted(Topics.MODEL_VERSIONS)).as("the versions topic is created compacted").isTrue();
    for (String service : plasticityServices()) {
      assertThat(String.valueOf(environment(service).get("PLASTICITY_KAFKA_BOOTSTRAP")).split(","))
          .as("%s's PLASTICITY_KAFKA_BOOTSTRAP", service)
          .containsExactlyInAnyOrder("kafka-1:9092", "kafka-2:9092", "kafka-3:9092");
      if (!service.equals("kafka-topics")) {
        assertThat(dependsOn(service)).as("%s starts after the topics exist", service).containsKey("kafka-topics");
      }
    }
  }

  @Test
  void everyImageIsPinnedToARelease() {
    for (String service : services.keySet()) {
      assertThat(image(service)).as("%s's image", service).matches(PINNED);
    }
    String flink = "flink:" + rootPomProperty("flink.version") + "-";
    assertThat(List.of("jobmanager", "taskmanager", "drift-job")).allSatisfy(s -> assertThat(image(s)).startsWith(flink));
  }

  @Test
  void theDriftJobIsSubmittedToAFlinkSessionClusterWithTheJobJarStreamJobsBuilds() throws IOException {
    assertThat(command("jobmanager")).containsExactly("jobmanager");
    assertThat(command("taskmanager")).containsExactly("taskmanager");
    String flinkProperties = String.valueOf(environment("taskmanager").get("FLINK_PROPERTIES"));
    assertThat(flinkProperties).contains("jobmanager.rpc.address: jobmanager",
        "metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
        "metrics.reporter.prom.port: 9249");
    assertThat(String.valueOf(environment("drift-job").get("FLINK_PROPERTIES"))).as("the submitter finds the JobManager")
        .contains("rest.address: jobmanager");

    String submit = String.join(" ", command("drift-job"));
    assertThat(String.valueOf(environment("drift-job").get("PLASTICITY_KAFKA_BOOTSTRAP")).split(","))
        .as("the brokers the job is given").containsExactlyInAnyOrder("kafka-1:9092", "kafka-2:9092", "kafka-3:9092");
    assertThat(submit).contains("flink run --detached /opt/plasticity/plasticity-drift-job.jar", "--bootstrap-servers",
        "--checkpoint-dir", "flink list --running");
    assertThat(volumes("drift-job")).contains("./stream-jobs/target/plasticity-drift-job.jar:/opt/plasticity/plasticity-drift-job.jar:ro");
    assertThat(dependsOn("drift-job")).containsKeys("jobmanager", "taskmanager", "kafka-topics");
    assertThat(restart("drift-job")).as("the submitter runs once").isEqualTo("no");

    String streamJobsPom = Files.readString(ROOT.resolve("stream-jobs/pom.xml"));
    assertThat(streamJobsPom).as("stream-jobs shades the jar flink run takes")
        .contains("<outputFile>${project.build.directory}/plasticity-drift-job.jar</outputFile>",
            "<mainClass>dev.plasticity.streamjobs.DriftJob</mainClass>");
    for (String flink : List.of("jobmanager", "taskmanager")) {
      assertThat(volumes(flink)).as("%s shares the checkpoint volume", flink).contains("flink-checkpoints:/opt/flink/checkpoints");
    }
  }

  @Test
  void trainerReplicasShareOneConsumerGroupAndScoringRunsTwice() {
    assertThat(replicas("trainer")).as("trainer replicas").isGreaterThanOrEqualTo(2);
    assertThat(environment("trainer").get("PLASTICITY_TRAINER_GROUP")).as("the trainers' one group").isEqualTo("plasticity-trainer");
    assertThat(replicas("scoring")).as("scoring replicas").isGreaterThanOrEqualTo(2);
    assertThat(environment("scoring").get("PLASTICITY_SCORING_APPLICATION_ID")).isNotNull();
    assertThat(replicas("taskmanager")).as("TaskManagers").isGreaterThanOrEqualTo(2);
  }

  @Test
  void noSecretHasADefaultAndNothingIsPublishedBeyondTheHost() {
    Pattern required = Pattern.compile("\\$\\{[A-Z_]+:\\?[^}]+}");
    Pattern optionalEmpty = Pattern.compile("\\$\\{[A-Z_]+:-}");
    for (String service : services.keySet()) {
      environment(service).forEach((name, value) -> {
        if (name.matches(".*(PASSWORD|TOKEN|SECRET).*")) {
          assertThat(String.valueOf(value)).as("%s's %s", service, name)
              .matches(v -> required.matcher(v).matches() || optionalEmpty.matcher(v).matches(),
                  "read from the environment with no default");
        }
      });
      List<Object> ports = cast(services.get(service).getOrDefault("ports", List.of()));
      assertThat(ports).as("%s's published ports", service).allSatisfy(p -> assertThat(String.valueOf(p)).startsWith("127.0.0.1:"));
    }
  }

  @Test
  void prometheusScrapesEveryMetricsEndpointOfEveryService() {
    assertThat(volumes("prometheus")).contains("./ops/compose/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    Map<String, Object> prometheus = yaml(ROOT.resolve("ops/compose/prometheus.yml"));
    List<Map<String, Object>> jobs = cast(prometheus.get("scrape_configs"));
    Set<String> targets = new TreeSet<>();
    Set<String> discovered = new TreeSet<>();
    for (Map<String, Object> job : jobs) {
      for (Map<String, Object> config : this.<List<Map<String, Object>>>cast(job.getOrDefault("static_configs", List.of()))) {
        targets.addAll(cast(config.get("targets")));
      }
      for (Map<String, Object> config : this.<List<Map<String, Object>>>cast(job.getOrDefault("dns_sd_configs", List.of()))) {
        assertThat(config.get("type")).as("one target per replica").isEqualTo("A");
        for (String name : this.<List<String>>cast(config.get("names"))) {
          targets.add(name + ":" + config.get("port"));
          discovered.add(name);
        }
      }
    }
    String metricsPort = String.valueOf(environment("trainer").get("PLASTICITY_METRICS_PORT"));
    assertThat(targets).as("Prometheus' targets").containsExactlyInAnyOrder(
        "registry:" + environment("registry").get("PLASTICITY_REGISTRY_PORT"),
        "inference:" + environment("inference").get("PLASTICITY_INFERENCE_PORT"),
        "trainer:" + metricsPort,
        "scoring:" + environment("scoring").get("PLASTICITY_METRICS_PORT"),
        "jobmanager:9249",
        "taskmanager:9249");
    for (String target : targets) {
      String service = target.substring(0, target.indexOf(':'));
      assertThat(services).as("a compose service for target %s", target).containsKey(service);
      if (replicas(service) > 1) {
        assertThat(discovered).as("%s has replicas: each is found through DNS", service).contains(service);
      }
    }
  }

  @Test
  void theGrafanaDashboardQueriesOnlyDocumentedMetricsOnTheProvisionedDataSource() throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode dashboard = json.readTree(ROOT.resolve("ops/compose/grafana/dashboards/plasticity.json").toFile());
    Map<String, Object> datasources = yaml(ROOT.resolve("ops/compose/grafana/provisioning/datasources/prometheus.yml"));
    Map<String, Object> datasource = this.<List<Map<String, Object>>>cast(datasources.get("datasources")).get(0);
    Map<String, Object> provider = this.<List<Map<String, Object>>>cast(
        yaml(ROOT.resolve("ops/compose/grafana/provisioning/dashboards/plasticity.yml")).get("providers")).get(0);
    Set<String> documented = matches(DOCUMENTED_METRIC, Files.readString(ROOT.resolve("docs/metrics.md")));

    assertThat(datasource).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090");
    assertThat(volumes("grafana")).contains("./ops/compose/grafana/provisioning:/etc/grafana/provisioning:ro",
        "./ops/compose/grafana/dashboards:" + this.<Map<String, Object>>cast(provider.get("options")).get("path") + ":ro");
    Set<String> queried = new TreeSet<>();
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      if (panel.get("type").asText().equals("row")) {
        continue;
      }
      assertThat(panel.get("datasource").get("uid").asText()).as(panel.get("title").asText()).isEqualTo(datasource.get("uid"));
      assertThat(panel.get("targets")).as("queries of " + panel.get("title")).isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        String expr = target.get("expr").asText();
        expressions.add(expr);
        Set<String> names = matches(METRIC, expr);
        assertThat(names).as("metrics in %s", expr).isNotEmpty();
        for (String name : names) {
          queried.add(documentedName(name, documented));
        }
      }
    }
    assertThat(queried).as("metrics the dashboard queries, each in docs/metrics.md").isSubsetOf(documented);
    assertThat(queried).as("what the dashboard shows").contains(
        "plasticity_scoring_events_scored_total", "flink_taskmanager_job_task_operator_plasticity_events_per_second",
        "plasticity_scoring_dead_letters_total", "flink_taskmanager_job_task_operator_plasticity_reason_dead_letters",
        "flink_taskmanager_job_task_operator_plasticity_kind_signal_triggers", "plasticity_trainer_triggers_total",
        "plasticity_trainer_runs_total", "plasticity_trainer_run_duration_seconds", "plasticity_swaps_total",
        "plasticity_served_version", "plasticity_predictions_total", "plasticity_predictions_failed_total",
        "plasticity_live_predictions_total", "plasticity_verify_verdicts_total", "plasticity_verify_rollbacks_total");
    assertThat(expressions).allSatisfy(e -> assertThat(balanced(e)).as("brackets of %s", e).isTrue());
  }

  /** A histogram's or summary's series ({@code _bucket}, {@code _count}, {@code _sum}, {@code _max}) under its documented name. */
  private static String documentedName(String name, Set<String> documented) {
    Matcher series = Pattern.compile("(.+)_(bucket|count|sum|max)").matcher(name);
    return !documented.contains(name) && series.matches() && documented.contains(series.group(1)) ? series.group(1) : name;
  }

  private static boolean balanced(String expr) {
    int depth = 0;
    for (char c : expr.toCharArray()) {
      depth += (c == '(' || c == '[' || c == '{') ? 1 : (c == ')' || c == ']' || c == '}') ? -1 : 0;
      if (depth < 0) {
        return false;
      }
    }
    return depth == 0;
  }

  /** The services that run the launcher. */
  private List<String> plasticityServices() {
    return services.keySet().stream().filter(s -> command(s).contains("plasticity.jar")).toList();
  }

  private String image(String service) {
    return String.valueOf(services.get(service).get("image"));
  }

  private Map<String, Object> environment(String service) {
    return cast(services.get(service).getOrDefault("environment", Map.of()));
  }

  private List<String> command(String service) {
    Object command = services.get(service).get("command");
    return command == null ? List.of() : this.<List<Object>>cast(command).stream().map(String::valueOf).toList();
  }

  private List<String> volumes(String service) {
    return this.<List<Object>>cast(services.get(service).getOrDefault("volumes", List.of())).stream().map(String::valueOf).toList();
  }

  private int replicas(String service) {
    Map<String, Object> deploy = cast(services.get(service).getOrDefault("deploy", Map.of()));
    return ((Number) deploy.getOrDefault("replicas", 1)).intValue();
  }

  private String restart(String service) {
    return String.valueOf(services.get(service).get("restart"));
  }

  private Map<String, Object> dependsOn(String service) {
    Object dependsOn = services.get(service).getOrDefault("depends_on", Map.of());
    if (dependsOn instanceof List<?> list) {
      Map<String, Object> asMap = new java.util.LinkedHashMap<>();
      list.forEach(name -> asMap.put(String.valueOf(name), Map.of()));
      return asMap;
    }
    return cast(dependsOn);
  }

  private static String rootPomProperty(String name) {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(read(ROOT.resolve("pom.xml")));
    assertThat(m.find()).as("%s in the root pom", name).isTrue();
    return m.group(1);
  }

  private static Set<String> matches(Pattern pattern, String text) {
    Set<String> found = new TreeSet<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  @SuppressWarnings("unchecked")
  private <T> T cast(Object value) {
    return (T) value;
  }

  private static Map<String, Object> yaml(Path file) {
    return new org.yaml.snakeyaml.Yaml().load(read(file)); // resolves anchors and merge keys as Compose does
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
