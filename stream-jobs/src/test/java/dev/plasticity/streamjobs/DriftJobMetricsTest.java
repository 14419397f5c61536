package dev.plasticity.streamjobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.streamjobs.drift.SeaData;
import dev.plasticity.testkit.KafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drift job's metrics through Flink's Prometheus reporter, on a local MiniCluster against a
 * real broker: a SEA stream whose concept moves half way, with two malformed records.
 */
class DriftJobMetricsTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  private static final String OPERATOR = "flink_taskmanager_job_task_operator_plasticity_";

  @Test
  @Timeout(240)
  void deadLettersTriggersAndEachFeaturesDriftStatisticAreScrapedFromTheReporter() throws Exception {
    // Flink's reporter writes a label value's characters outside [a-zA-Z0-9_:] as _: a name without them reads as it is
    String model = "metered" + UUID.randomUUID().toString().substring(0, 8);
    try (KafkaIO io = new KafkaIO(kafka.bootstrapServers())) {
      io.send(Topics.MODEL_VERSIONS, null, model, Fixtures.champion(model, 1), ModelVersion.class);
      List<SeaData.Point> points = SeaData.lowDiscrepancy(21, 3000, 1500);
      for (int i = 0; i < points.size(); i++) {
        LabelledEvent event = Fixtures.event(model, i, points.get(i), 1);
        io.send(Topics.EVENTS_LABELLED, i % 2, event.getEventId(), event, LabelledEvent.class);
      }
      io.send(Topics.EVENTS_LABELLED, 0, model + "-garbage", KafkaIO.utf8("{\"not\": \"avro\"}"));
      LabelledEvent good = Fixtures.event(model, 9_000, points.get(0), 1);
      io.send(Topics.EVENTS_LABELLED, 1, model + "-nan", LabelledEvent.newBuilder(good).setEventId(model + "-nan")
          .setFeatures(Map.of("x1", Double.NaN, "x2", 1.0, "x3", 1.0)).build(), LabelledEvent.class);
      io.flush();
    }
    int port = DriftJob.prometheusPort(0);
    JobClient job = DriftJob.startLocal(DriftJobOptions.builder(kafka.bootstrapServers())
        .groupId("drift-metrics-" + UUID.randomUUID()).transactionalIdPrefix("drift-metrics-" + UUID.randomUUID())
        .checkpointInterval(Duration.ofSeconds(1)).parallelism(2).restartAttempts(0).build(), OptionalInt.of(port));
    try {
      Pattern undecodable = line("reason_dead_letters", "reason=\"undecodable\"");
      Pattern invalid = line("reason_dead_letters", "reason=\"invalid\"");
      Pattern concept = line("kind_signal_triggers", "kind=\"CONCEPT\"");
      Pattern statistic = line("model_feature_test_drift_statistic", "feature=\"x1\"", "model=\"" + model + "\"");
      Pattern severity = line("model_feature_test_drift_severity", "feature=\"_error\"", "model=\"" + model + "\"");
      String scrape = "";
      long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
      while (!(undecodable.matcher(scrape).find() && invalid.matcher(scrape).find() && concept.matcher(scrape).find()
          && statistic.matcher(scrape).find() && severity.matcher(scrape).find())) {
        assertThat(System.nanoTime() - deadline).as("the scrape until now:\n%s", plasticityLines(scrape)).isNegative();
        assertThat(DriftJob.failureOf(job)).isEmpty();
        Thread.sleep(500);
        scrape = scrape(port);
      }
      assertThat(scrape).containsPattern(OPERATOR + "events_per_second\\{[^}]*\\} ");
      System.out.println(plasticityLines(scrape));
    } finally {
      job.cancel().get();
    }
  }

  /** A sample of {@code metric} (after the operator's scope) with every one of {@code labels}, and a value above 0. */
  private static Pattern line(String metric, String... labels) {
    StringBuilder regex = new StringBuilder("(?m)^").append(Pattern.quote(OPERATOR + metric)).append("\\{");
    for (String label : labels) {
      regex.append("(?=[^}]*").append(Pattern.quote(label)).append(")");
    }
    return Pattern.compile(regex.append("[^}]*\\} (?!0\\.0$)[0-9.E-]+$").toString());
  }

  private static String scrape(int port) throws InterruptedException {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : "";
    } catch (IOException e) {
      return ""; // the reporter starts with the MiniCluster
    }
  }

  private static String plasticityLines(String scrape) {
    return scrape.lines().filter(l -> l.startsWith(OPERATOR)).collect(Collectors.joining("\n"));
  }
}
