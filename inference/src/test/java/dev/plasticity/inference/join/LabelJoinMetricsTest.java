package dev.plasticity.inference.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.metrics.MetricsEndpoint;
import dev.plasticity.metrics.ServiceMetrics;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import dev.plasticity.testkit.KafkaBroker;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The join's counts and each version's live accuracy in its Prometheus scrape, on a real broker:
 * predictions of two versions meet their labels, some agreeing, and a record that does not decode
 * is dead-lettered.
 */
@Timeout(180)
class LabelJoinMetricsTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @TempDir Path stateDir;

  @Test
  void joinedEventsDeadLettersAndLiveAccuracyPerVersionAppearInTheScrape() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String model = "live-" + run;
    long t0 = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
    try (LabelJoinApp join = LabelJoinApp.start(kafka.bootstrapServers(), "label-join-metrics-" + run, stateDir,
            JoinSettings.defaults(), Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100));
        ServiceMetrics metrics = ServiceMetrics.create();
        MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, metrics);
        KafkaProducer<String, byte[]> producer = producer()) {
      join.bindTo(metrics.registry());
      // v1 predicts class 0 for events 0..5 and v2 for events 6..9; the label of event i is i % 2, so
      // v1 is right on 0, 2, 4 and wrong on 1, 3, 5; v2 right on 6, 8 and wrong on 7, 9. On 6..9 v1, the
      // champion before v2, also scores without answering (alias previous), predicting class 1: right on 7, 9
      for (int i = 0; i < 10; i++) {
        String id = run + "-" + i;
        long time = t0 + i;
        producer.send(new ProducerRecord<>(Topics.EVENTS_UNLABELLED, null, time, id, JoinCodecs.EVENTS.encode(
            UnlabelledEvent.newBuilder().setEventId(id).setModel(model).setEventTime(time)
                .setFeatures(Map.of("x", (double) i)).build())));
        producer.send(new ProducerRecord<>(Topics.PREDICTIONS, null, time, id, JoinCodecs.PREDICTIONS.encode(
            Prediction.newBuilder().setEventId(id).setModel(model).setVersion(i < 6 ? 1 : 2).setPredictedClass(0)
                .setProbabilities(List.of(0.6f, 0.4f)).setEventTime(time).setScoringTime(time)
                .setFeatures(Map.of("x", (double) i)).build())));
        if (i >= 6) {
          producer.send(new ProducerRecord<>(Topics.PREDICTIONS, null, time, id, JoinCodecs.PREDICTIONS.encode(
              Prediction.newBuilder().setEventId(id).setModel(model).setVersion(1).setAlias("previous")
                  .setServed(false).setPredictedClass(1).setProbabilities(List.of(0.4f, 0.6f)).setEventTime(time)
                  .setScoringTime(time).setFeatures(Map.of("x", (double) i)).build())));
        }
        producer.send(new ProducerRecord<>(Topics.LABELS, null, time + 1000, id, JoinCodecs.LABELS.encode(
            Label.newBuilder().setEventId(id).setModel(model).setLabel(i % 2).setLabelTime(time + 1000).build())));
      }
      producer.send(new ProducerRecord<>(Topics.LABELS, null, t0, run + "-bad", new byte[] {42}));
      producer.flush();

      await("every label is joined and the bad record dead-lettered", () -> live(join, model, 1, "champion")
          + live(join, model, 2, "champion") == 10 && live(join, model, 1, "previous") == 4
          && join.counters().deadLettered(JoinDeadLetterRule.UNDECODABLE) >= 1);

      String scrape = scrape(endpoint);
      assertThat(scrape)
          .contains(livePredictions("champion", model, "correct", 1) + " 3.0")
          .contains(livePredictions("champion", model, "wrong", 1) + " 3.0")
          .contains(livePredictions("champion", model, "correct", 2) + " 2.0")
          .contains(livePredictions("champion", model, "wrong", 2) + " 2.0")
          .contains(livePredictions("previous", model, "correct", 1) + " 2.0")
          .contains(livePredictions("previous", model, "wrong", 1) + " 2.0")
          .containsPattern("plasticity_join_live_outcomes_total [1-9]")
          .contains("plasticity_join_late_predictions_total")
          .contains("plasticity_join_dropped_predictions_total")
          .containsPattern("plasticity_join_events_joined_total [1-9]")
          .contains("plasticity_join_labels_without_prediction_total")
          .contains("plasticity_join_labels_held_total")
          .containsPattern("plasticity_join_dead_letters_total\\{reason=\"undecodable\"} [1-9]")
          .contains("plasticity_join_dead_letters_total{reason=\"orphan-label\"}");
    }
  }

  private static String livePredictions(String alias, String model, String outcome, int version) {
    return "plasticity_live_predictions_total{alias=\"" + alias + "\",model=\"" + model + "\",outcome=\"" + outcome
        + "\",version=\"" + version + "\"}";
  }

  private static long live(LabelJoinApp join, String model, int version, String alias) {
    JoinCounters.LiveVersion served = new JoinCounters.LiveVersion(model, version, alias);
    return join.counters().livePredictions(served, true) + join.counters().livePredictions(served, false);
  }

  private static String scrape(MetricsEndpoint endpoint) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.uri()).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer());
  }

  /** Waits (bounded, for liveness only) until {@code condition} holds. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up waiting until " + what);
      }
      Thread.sleep(50);
    }
  }
}
