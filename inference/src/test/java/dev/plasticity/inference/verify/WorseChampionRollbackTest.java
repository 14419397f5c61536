package dev.plasticity.inference.verify;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.plasticity.inference.AliasPredictors;
import dev.plasticity.inference.AliasRole;
import dev.plasticity.inference.PredictionFailure;
import dev.plasticity.inference.ServingFixtures;
import dev.plasticity.inference.join.JoinConfig;
import dev.plasticity.inference.join.JoinSettings;
import dev.plasticity.inference.join.LabelJoinApp;
import dev.plasticity.inference.scoring.ScoringApp;
import dev.plasticity.inference.scoring.ScoringConfig;
import dev.plasticity.inference.scoring.ScoringCounts;
import dev.plasticity.metrics.MetricsEndpoint;
import dev.plasticity.metrics.ServiceMetrics;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.ChangeCause;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.LiveOutcome;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.RegistryChange;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import dev.plasticity.schemas.VersionOutcome;
import dev.plasticity.testkit.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole live loop on a real broker, a real registry with named tokens, the real scoring app and
 * the real label join with live verification: a good v1 serves a stream, an operator promotes a v2
 * that learned another concept, the scoring app answers with v2 and scores v1 beside it as {@code
 * previous}, the join pairs their predictions with the labels, and the verifier's LOST verdict rolls
 * the champion back to v1, which the scoring app then serves again. Nothing here writes a
 * prediction or an outcome by hand.
 */
@Timeout(300) // a guard against a hang, not a measure
class WorseChampionRollbackTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  private static final AvroCodec<UnlabelledEvent> EVENTS = AvroCodec.of(UnlabelledEvent.class);
  private static final AvroCodec<Label> LABELS = AvroCodec.of(Label.class);
  private static final AvroCodec<Prediction> PREDICTIONS = AvroCodec.of(Prediction.class);
  private static final AvroCodec<LiveOutcome> OUTCOMES = AvroCodec.of(LiveOutcome.class);
  private static final String TOKENS =
      "operator:admin:operator-secret,trainer:write:trainer-secret,scoring:write:scoring-secret,"
          + "label-join:write:join-secret";
  private static final long WATCH_EVENTS = 3_000;
  private static final int ROUND = 100;
  /** Rounds of events after the promotion before the test gives up on a verdict (it needs one or two). */
  private static final int MAX_ROUNDS = 25;
  /** The share of labels flipped: the stream's noise, which the good version gets wrong too. */
  private static final double LABEL_NOISE = 0.05;
  private static final Map<String, Object> FAST_COMMITS = Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);

  @TempDir Path registryDir;
  @TempDir Path scoringStateDir;
  @TempDir Path joinStateDir;

  @Test
  void aWorseChampionPromotedByAnOperatorIsRolledBackOnLiveLabelsAndTheScoringAppServesTheGoodOneAgain() {
    String model = "worse-" + UUID.randomUUID().toString().substring(0, 8);
    Random random = new Random(42);
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(registryDir)
            .kafkaBootstrapServers(kafka.bootstrapServers()).namedTokens(TOKENS).build());
        KafkaProducer<String, byte[]> producer = producer();
        Collected<Prediction> predictions = new Collected<>(Topics.PREDICTIONS, PREDICTIONS::decode,
            p -> p.getModel().equals(model));
        Collected<LiveOutcome> outcomes = new Collected<>(Topics.LIVE_OUTCOMES, OUTCOMES::decode,
            o -> o.getModel().equals(model))) {
      RegistryClient trainer = client(registry, "trainer-secret");
      RegistryClient operator = client(registry, "operator-secret");
      trainer.ensureModel(model);
      // v1 learned the stream's concept; v2 learned another one (a model from before a concept drift)
      trainer.register(version(model, "t-good"), artifact(model + "-good", 1, 1));
      trainer.register(ModelVersion.newBuilder(version(model, "t-worse")).setAlias("challenger").build(),
          artifact(model + "-worse", 1, -1));
      assertThat(operator.champion(model).orElseThrow().getVersion()).isEqualTo(1);

      VerifyConfig verify = new VerifyConfig("verifier-" + model, registry.baseUri(), "join-secret",
          VerifySettings.defaults());
      ScoringConfig scoringConfig = ScoringConfig.of(kafka.bootstrapServers(), registry.baseUri(), List.of(model),
          scoringStateDir).withApplicationId("scoring-" + model).withRegistryToken("scoring-secret")
          .withVerifyWatch(WATCH_EVENTS);
      try (ScoringApp scoring = ScoringApp.start(scoringConfig, FAST_COMMITS);
          LabelJoinApp join = LabelJoinApp.start(new JoinConfig(kafka.bootstrapServers(), "join-" + model,
              joinStateDir, JoinSettings.defaults(), Optional.of(verify)), FAST_COMMITS);
          ServiceMetrics scoringMetrics = ServiceMetrics.create();
          MetricsEndpoint scoringEndpoint = MetricsEndpoint.start("127.0.0.1", 0, scoringMetrics);
          ServiceMetrics joinMetrics = ServiceMetrics.create();
          MetricsEndpoint joinEndpoint = MetricsEndpoint.start("127.0.0.1", 0, joinMetrics)) {
        scoring.bindTo(scoringMetrics.registry());
        join.bindTo(joinMetrics.registry());
        AliasPredictors aliases = scoring.scorers().aliases(model).orElseThrow();
        LiveVerifier verifier = join.verifier().orElseThrow();
        await("v1 serves and both apps run", () -> scoring.servedVersion(model).equals(OptionalInt.of(1))
            && scoring.state() == KafkaStreams.State.RUNNING && join.state() == KafkaStreams.State.RUNNING);

        // v1 serves the stream, and its predictions are labelled
        List<String> before = round(producer, predictions, model, "a", random);
        assertThat(served(predictions, before)).allSatisfy(p -> assertThat(describe(p)).isEqualTo("champion v1"));
        await("the join wrote v1's live outcomes", () -> outcomes.poll().size() >= before.size());

        // an operator promotes v2
        operator.promote(model, 2, "the operator trusts v2 more (test)");
        await("the scoring app serves v2 and watches v1", () -> scoring.servedVersion(model).equals(OptionalInt.of(2))
            && aliases.watchedVersion().equals(OptionalInt.of(1)));

        // the stream goes on, labelled, until the verifier has rolled v2 back
        List<String> during = new ArrayList<>();
        for (int r = 0; r < MAX_ROUNDS && operator.champion(model).orElseThrow().getVersion() == 2; r++) {
          during.addAll(round(producer, predictions, model, "b" + r + "-", random));
        }
        assertThat(operator.champion(model).orElseThrow().getVersion())
            .as("v2 rolled back within %d events", MAX_ROUNDS * ROUND).isEqualTo(1);
        // a rollback is a swap like any other: v2 is the one scoring beside the champion now
        await("the scoring app serves v1 again and watches v2", () -> scoring.servedVersion(model)
            .equals(OptionalInt.of(1)) && aliases.watchedVersion().equals(OptionalInt.of(2)));

        // after the rollback v1 answers again
        List<String> after = round(producer, predictions, model, "c", random);
        assertThat(served(predictions, after)).allSatisfy(p -> assertThat(describe(p)).isEqualTo("champion v1"));

        // while v2 served, v1 scored the same events beside it, unserved
        predictions.readToEnd();
        List<Prediction> byV2 = served(predictions, during).stream().filter(p -> p.getVersion() == 2).toList();
        assertThat(byV2).as("v2 answered events after its promotion").isNotEmpty()
            .allSatisfy(p -> assertThat(describe(p)).isEqualTo("champion v2"));
        Map<String, Prediction> previousV1 = predictions.values().stream()
            .filter(p -> p.getAlias().equals("previous") && p.getVersion() == 1)
            .collect(Collectors.toMap(p -> p.getEventId().toString(), p -> p));
        assertThat(previousV1.values()).noneMatch(Prediction::getServed);
        assertThat(previousV1.keySet()).as("v1 scored every event v2 answered")
            .containsAll(byV2.stream().map(p -> p.getEventId().toString()).toList());

        // the join paired them with the labels
        await("the join wrote the outcomes of every labelled event",
            () -> outcomes.poll().size() >= before.size() + during.size() + after.size());
        List<LiveOutcome> paired = outcomes.values().stream().filter(o -> o.getOutcomes().size() == 2
            && describe(o.getOutcomes().get(0)).equals("champion v2 served")
            && describe(o.getOutcomes().get(1)).equals("previous v1 unserved")).toList();
        assertThat(paired).hasSize(byV2.size());
        long v2Right = paired.stream().filter(o -> o.getOutcomes().get(0).getCorrect()).count();
        long v1Right = paired.stream().filter(o -> o.getOutcomes().get(1).getCorrect()).count();
        assertThat(v2Right).as("v2 is the worse one on the live labels").isLessThan(v1Right);

        // the verifier's LOST verdict rolled v2 back, recorded with the test's reason
        assertThat(verifier.verdicts(Verdict.LOST)).isEqualTo(1);
        assertThat(verifier.rollbacks()).isEqualTo(1);
        List<String> champions = operator.history(model, 0, 100).stream()
            .filter(change -> "champion".equals(change.getAlias()))
            .map(c -> "v" + c.getVersion() + " " + c.getCause() + " by " + c.getActor()).toList();
        assertThat(champions).containsExactly("v1 REGISTRATION by trainer", "v2 OPERATOR by operator",
            "v1 AUTOMATIC_ROLLBACK by label-join");
        RegistryChange rollback = operator.history(model, 0, 100).stream()
            .filter(c -> c.getCause() == ChangeCause.AUTOMATIC_ROLLBACK).findFirst().orElseThrow();
        assertThat(rollback.getReason()).contains("Wald SPRT on discordant pairs", "version 2 is worse than version 1");

        // no prediction failed, nothing was dead-lettered, and the scrapes say what happened
        assertThat(scoring.counts().deadLettered()).isZero();
        assertThat(join.counters().deadLettered()).isZero();
        assertThat(scoring.counts().aliasFailures(new ScoringCounts.AliasVersion(model, AliasRole.PREVIOUS, 1)))
            .isZero();
        assertThat(scoring.failure()).isEmpty();
        assertThat(join.failure()).isEmpty();
        String scoringScrape = scrape(scoringEndpoint);
        String tags = "model=\"" + model + "\",version=";
        assertThat(scoringScrape)
            .contains("plasticity_scoring_alias_predictions_total{alias=\"previous\"," + tags + "\"1\"} "
                + previousV1.size() + ".0")
            .contains("plasticity_scoring_alias_failures_total{alias=\"previous\"," + tags + "\"1\"} 0.0")
            .contains("plasticity_scoring_alias_failures_total{alias=\"champion\"," + tags + "\"2\"} 0.0");
        for (PredictionFailure reason : PredictionFailure.values()) {
          assertThat(scoringScrape).contains("plasticity_predictions_failed_total{model=\"" + model + "\",reason=\""
              + reason.id() + "\"} 0.0");
        }
        assertThat(scrape(joinEndpoint))
            .contains("plasticity_verify_rollbacks_total 1.0")
            .contains("plasticity_verify_verdicts_total{verdict=\"lost\"} 1.0");
      }
    }
  }

  /**
   * Sends {@value #ROUND} events, waits until the scoring app has answered each, then sends their
   * labels (as the world does: the label comes after the answer). Returns the events' ids.
   */
  private static List<String> round(KafkaProducer<String, byte[]> producer, Collected<Prediction> predictions,
      String model, String batch, Random random) {
    Map<String, Integer> labels = new LinkedHashMap<>();
    for (int i = 0; i < ROUND; i++) {
      String id = model + "-" + batch + i;
      double x1 = random.nextDouble() * 2 - 1;
      double x2 = random.nextDouble() * 2 - 1;
      int label = x1 + x2 > 0 ? 1 : 0;
      labels.put(id, random.nextDouble() < LABEL_NOISE ? 1 - label : label);
      long now = System.currentTimeMillis();
      producer.send(new ProducerRecord<>(Topics.EVENTS_UNLABELLED, null, now, id, EVENTS.encode(UnlabelledEvent
          .newBuilder().setEventId(id).setModel(model).setEventTime(now).setFeatures(Map.of("x1", x1, "x2", x2))
          .build())));
    }
    producer.flush();
    await("the scoring app answered " + batch, () -> {
      Set<String> answered = predictions.poll().stream().filter(Prediction::getServed)
          .map(p -> p.getEventId().toString()).collect(Collectors.toSet());
      return answered.containsAll(labels.keySet());
    });
    labels.forEach((id, label) -> {
      long now = System.currentTimeMillis();
      producer.send(new ProducerRecord<>(Topics.LABELS, null, now, id,
          LABELS.encode(Label.newBuilder().setEventId(id).setModel(model).setLabel(label).setLabelTime(now).build())));
    });
    producer.flush();
    return List.copyOf(labels.keySet());
  }

  private static List<Prediction> served(Collected<Prediction> predictions, List<String> ids) {
    Map<String, Prediction> byId = new HashMap<>();
    predictions.values().stream().filter(Prediction::getServed).forEach(p -> byId.put(p.getEventId().toString(), p));
    return ids.stream().map(byId::get).toList();
  }

  private static String describe(Prediction p) {
    return p.getAlias() + " v" + p.getVersion() + (p.getServed() ? "" : " unserved");
  }

  private static String describe(VersionOutcome o) {
    return o.getAlias() + " v" + o.getVersion() + (o.getServed() ? " served" : " unserved");
  }

  /** Two features, no hidden layer: class 1 scores {@code x1 + sign * x2}, class 0 its opposite. */
  private static Architecture linear() {
    return Architecture.newBuilder()
        .setInputFeatures(List.of("x1", "x2"))
        .setFeatureMeans(List.of(0.0, 0.0))
        .setFeatureStds(List.of(1.0, 1.0))
        .setHiddenUnits(List.of())
        .setNumClasses(2)
        .build();
  }

  private static ModelVersion version(String model, String triggerId) {
    return ModelVersion.newBuilder(ServingFixtures.champion(model, triggerId)).setArchitecture(linear()).build();
  }

  /**
   * The parameters of {@link #linear()} answering class 1 where {@code a * x1 + b * x2 > 0}: (1, 1)
   * is the stream's concept, (1, -1) another one, right on about half of the stream.
   */
  private static byte[] artifact(String name, float a, float b) {
    try (Model network = ModelFormat.newModel(name, linear())) {
      for (Pair<String, Parameter> p : network.getBlock().getParameters()) {
        // one row per class: class 0, then class 1
        p.getValue().getArray().set(p.getKey().endsWith("weight") ? new float[] {-a, -b, a, b} : new float[] {0, 0});
      }
      return ModelFormat.saveParameters(network);
    }
  }

  private static RegistryClient client(RegistryServer registry, String token) {
    return new RegistryClient(registry.baseUri(), Duration.ofSeconds(30), token);
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer());
  }

  /** What Prometheus reads from {@code endpoint}. */
  private static String scrape(MetricsEndpoint endpoint) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(endpoint.uri()).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while scraping " + endpoint.uri(), e);
    }
  }

  /** Waits (bounded, for liveness only) until {@code condition} holds. */
  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up waiting until " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what, e);
      }
    }
  }

  /** The committed values of a topic that match, read from its start as they come. */
  private static final class Collected<T> implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Function<byte[], T> decode;
    private final Predicate<T> wanted;
    private final List<T> values = new ArrayList<>();

    Collected(String topic, Function<byte[], T> decode, Predicate<T> wanted) {
      this.topic = topic;
      this.decode = decode;
      this.wanted = wanted;
      consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
          new ByteArrayDeserializer());
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    /** Reads what has been committed since the last poll; returns every matching value so far. */
    List<T> poll() {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        T value = decode.apply(record.value());
        if (wanted.test(value)) {
          values.add(value);
        }
      }
      return values;
    }

    List<T> values() {
      return values;
    }

    /** Reads up to the last committed record of now. */
    void readToEnd() {
      Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
      await("reading " + topic + " to its end", () -> {
        poll();
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
      });
    }

    @Override
    public void close() {
      consumer.close();
    }

    @Override
    public String toString() {
      return "Collected[" + topic + ", " + values.size() + " values]";
    }
  }
}
