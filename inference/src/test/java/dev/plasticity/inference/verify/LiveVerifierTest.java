package dev.plasticity.inference.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.inference.ServingFixtures;
import dev.plasticity.inference.join.JoinConfig;
import dev.plasticity.inference.join.JoinSettings;
import dev.plasticity.inference.join.LabelJoinApp;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.ChangeCause;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.RegistryChange;
import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
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
 * Live verification end to end, on a real broker and a real registry: v2 is registered as champion
 * over v1, the predictions topic carries v2's served answers and v1's unserved ones (alias {@code
 * previous}) for the same events, then their labels come; the label join writes the live outcomes
 * and the verifier decides. A v2 clearly worse than v1 is rolled back (cause AUTOMATIC_ROLLBACK in
 * the history, with the test's reason); a v2 clearly better stays.
 */
class LiveVerifierTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  private static final AvroCodec<Prediction> PREDICTIONS = AvroCodec.of(Prediction.class);
  private static final AvroCodec<Label> LABELS = AvroCodec.of(Label.class);
  private static final int EVENTS = 600;

  @TempDir Path registryDir;
  @TempDir Path stateDir;

  @Test
  @Timeout(180) // a guard against a hang, not a measure
  void aNewChampionClearlyWorseThanTheOneBeforeIsRolledBackAutomatically() throws Exception {
    String model = "verify-" + UUID.randomUUID().toString().substring(0, 8);
    try (RegistryServer registry = startRegistry()) {
      RegistryClient client = twoChampions(registry, model);

      try (LabelJoinApp join = startJoin(registry, model)) {
        sendPairs(model, 0.6, 0.9, new Random(21));
        LiveVerifier verifier = join.verifier().orElseThrow();
        // the registry moves the champion before its answer reaches the verifier, which counts the rollback then
        await("the verifier rolls v2 back",
            () -> client.champion(model).orElseThrow().getVersion() == 1 && verifier.rollbacks() == 1);

        // the broker is shared: the other test's outcomes are read too, but it has no LOST to give
        assertThat(verifier.verdicts(Verdict.LOST)).isEqualTo(1);
        assertThat(verifier.rollbacks()).isEqualTo(1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        join.bindTo(meters);
        assertThat(meters.get("plasticity.verify.rollbacks").functionCounter().count()).isEqualTo(1.0);
        assertThat(meters.get("plasticity.verify.verdicts").tag("verdict", "lost").functionCounter().count())
            .isEqualTo(1.0);
        RegistryChange last = client.history(model, 0, 100).stream()
            .filter(change -> "champion".equals(change.getAlias())).reduce((first, second) -> second).orElseThrow();
        assertThat(last.getVersion()).isEqualTo(1);
        assertThat(last.getCause()).isEqualTo(ChangeCause.AUTOMATIC_ROLLBACK);
        assertThat(last.getReason()).contains("Wald SPRT on discordant pairs", "version 2 is worse than version 1",
            "paired events");
      }
    }
  }

  @Test
  @Timeout(180)
  void aNewChampionClearlyBetterThanTheOneBeforeWinsAndStays() throws Exception {
    String model = "verify-" + UUID.randomUUID().toString().substring(0, 8);
    try (RegistryServer registry = startRegistry()) {
      RegistryClient client = twoChampions(registry, model);

      try (LabelJoinApp join = startJoin(registry, model)) {
        sendPairs(model, 0.9, 0.6, new Random(22));
        LiveVerifier verifier = join.verifier().orElseThrow();
        // the broker is shared: the other test's outcomes are read too, but it has no WON to give
        await("the verifier decides", () -> verifier.verdicts(Verdict.WON) == 1);

        assertThat(client.champion(model).orElseThrow().getVersion()).isEqualTo(2);
        assertThat(client.history(model, 0, 100)).extracting(RegistryChange::getCause)
            .doesNotContain(ChangeCause.AUTOMATIC_ROLLBACK);
      }
    }
  }

  private RegistryServer startRegistry() {
    return RegistryServer.start(RegistryConfig.builder().dataDir(registryDir)
        .kafkaBootstrapServers(kafka.bootstrapServers()).build());
  }

  /** v1, then v2, each registered as champion: v2 serves, v1 is the champion before it. */
  private static RegistryClient twoChampions(RegistryServer registry, String model) {
    RegistryClient client = new RegistryClient(registry.baseUri());
    client.ensureModel(model);
    client.register(ServingFixtures.champion(model, "t-1"), ServingFixtures.artifact(1));
    client.register(ServingFixtures.champion(model, "t-2"), ServingFixtures.artifact(2));
    assertThat(client.champion(model).orElseThrow().getVersion()).isEqualTo(2);
    return client;
  }

  private LabelJoinApp startJoin(RegistryServer registry, String model) {
    VerifyConfig verify = new VerifyConfig("verifier-" + model, registry.baseUri(), null, VerifySettings.defaults());
    return LabelJoinApp.start(new JoinConfig(kafka.bootstrapServers(), "join-" + model, stateDir,
        JoinSettings.defaults(), Optional.of(verify)), Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100));
  }

  /**
   * For each event: v2's served prediction and v1's unserved one, right at the accuracies given
   * (independently); then, once all predictions are sent, the labels.
   */
  private static void sendPairs(String model, double v2Accuracy, double v1Accuracy, Random random) {
    long t0 = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
        new ByteArraySerializer())) {
      int[] labels = new int[EVENTS];
      for (int i = 0; i < EVENTS; i++) {
        String id = model + "-" + i;
        long time = t0 + i;
        labels[i] = random.nextInt(2);
        int v2 = random.nextDouble() < v2Accuracy ? labels[i] : 1 - labels[i];
        int v1 = random.nextDouble() < v1Accuracy ? labels[i] : 1 - labels[i];
        producer.send(new ProducerRecord<>(Topics.PREDICTIONS, null, time, id,
            PREDICTIONS.encode(prediction(model, id, time, 2, "champion", true, v2))));
        producer.send(new ProducerRecord<>(Topics.PREDICTIONS, null, time, id,
            PREDICTIONS.encode(prediction(model, id, time, 1, "previous", false, v1))));
      }
      producer.flush();
      for (int i = 0; i < EVENTS; i++) {
        String id = model + "-" + i;
        long labelTime = t0 + i + 1_000;
        producer.send(new ProducerRecord<>(Topics.LABELS, null, labelTime, id, LABELS.encode(Label.newBuilder()
            .setEventId(id).setModel(model).setLabel(labels[i]).setLabelTime(labelTime).build())));
      }
      producer.flush();
    }
  }

  private static Prediction prediction(String model, String id, long time, int version, String alias, boolean served,
      int predicted) {
    return Prediction.newBuilder().setEventId(id).setModel(model).setVersion(version).setAlias(alias)
        .setServed(served).setPredictedClass(predicted)
        .setProbabilities(predicted == 0 ? List.of(0.8f, 0.2f) : List.of(0.2f, 0.8f)).setEventTime(time)
        .setScoringTime(time).setFeatures(Map.of("x", 1.0)).build();
  }

  /** Waits (bounded, for liveness only) until {@code condition} holds. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(100);
    }
  }
}
