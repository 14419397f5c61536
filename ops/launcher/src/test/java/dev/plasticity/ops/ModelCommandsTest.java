package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.embedded.KafkaTopics;
import dev.plasticity.registry.client.ModelDefinition;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.KafkaBroker;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainerService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A model created, trained and served entirely from the launcher's commands: {@code plasticity
 * model create}, labelled events on Kafka, {@code plasticity train}, {@code plasticity model show},
 * against a real broker, registry and trainer.
 */
@Timeout(120)
class ModelCommandsTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @TempDir Path registryDir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** Runs {@code args} as the launcher would, its output captured. */
  private int plasticity(String input, String... args) {
    CommandLine commandLine = Plasticity.commandLine();
    CommandLine model = commandLine.getSubcommands().get("model");
    ModelCommands.Create create = model.getSubcommands().get("create").getCommand();
    create.out = print(out);
    create.err = print(err);
    create.in = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
    ModelCommands.Show show = model.getSubcommands().get("show").getCommand();
    show.out = print(out);
    show.err = print(err);
    ModelCommands.Train train = commandLine.getSubcommands().get("train").getCommand();
    train.out = print(out);
    train.err = print(err);
    int code = commandLine.execute(args);
    System.out.println(out.toString(StandardCharsets.UTF_8));
    System.out.println(err.toString(StandardCharsets.UTF_8));
    return code;
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String errors() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aModelIsCreatedTrainedAndServedFromTheLaunchersCommands() throws Exception {
    String model = "loans-" + UUID.randomUUID().toString().substring(0, 8);
    KafkaTopics.ensure(kafka.bootstrapServers(), 1, (short) 1);
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(registryDir).httpPort(0)
            .bindHost("127.0.0.1").kafkaBootstrapServers(kafka.bootstrapServers()).build());
        TrainerService trainer = TrainerService.create(TrainerConfig.builder(kafka.bootstrapServers(),
            registry.baseUri()).groupId("trainer-" + model).trainingEvents(1000).minTrainingEvents(200).epochs(5)
            .cadenceEvents(0).build()).start()) {
      String[] at = {"--registry", registry.baseUri().toString(), "--bootstrap-servers", kafka.bootstrapServers()};

      int refused = plasticity("", concat(new String[] {"model", "create", model, "--classes", "1",
          "--features", "income,debt,income"}, at));
      assertThat(refused).isEqualTo(1);
      assertThat(errors()).contains("classes.count: a label has 2 to").contains("'income' appears more than once");

      int created = plasticity("", concat(new String[] {"model", "create", model, "--classes", "2",
          "--class-names", "repaid,defaulted", "--features", "income,debt", "--max-parameters", "20000",
          "--policy", "CONCEPT=retrain", "--drift", "windowSize=500,conceptDetector=ADWIN"}, at));
      assertThat(created).as(errors()).isZero();
      assertThat(output()).contains("Defined model " + model).contains("classes:     2 (repaid, defaulted)");

      publishLabelledEvents(model, 1200);
      int trained = plasticity("", concat(new String[] {"train", model, "--last", "1000"}, at));

      assertThat(trained).as(errors()).isZero();
      assertThat(output()).contains("Requested the first version of " + model).contains("PLAN").contains("REGISTERED");
      RegistryClient client = new RegistryClient(registry.baseUri());
      ModelVersion v1 = client.champion(model).orElseThrow();
      assertThat(v1.getVersion()).isEqualTo(1);
      assertThat(v1.getArchitecture().getInputFeatures()).containsExactly("income", "debt");
      assertThat(v1.getArchitecture().getNumClasses()).isEqualTo(2);
      assertThat(v1.getDriftConfig().getWindowSize()).isEqualTo(500);
      assertThat(v1.getLineage().getSignal()).hasToString("MANUAL");
      assertThat(v1.getMetrics().get("accuracy")).isGreaterThan(0.8);

      out.reset();
      assertThat(plasticity("", concat(new String[] {"model", "show", model, "--json"}, at))).isZero();
      assertThat(output()).contains("\"champion\":1").contains("\"versions\":1").contains("\"numeric\":[\"income\",\"debt\"]");
      out.reset();
      assertThat(plasticity("", concat(new String[] {"model", "show", model}, at))).isZero();
      assertThat(output()).contains("policy:      CONCEPT=retrain").contains("champion v1 (retrain");
    }
  }

  @Test
  void featuresAreInferredFromTheFirstEventsAndConfirmed() throws Exception {
    String model = "inferred-" + UUID.randomUUID().toString().substring(0, 8);
    KafkaTopics.ensure(kafka.bootstrapServers(), 1, (short) 1);
    publishLabelledEvents(model, 50);
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(registryDir).httpPort(0)
        .bindHost("127.0.0.1").build())) {
      String[] at = {"--registry", registry.baseUri().toString(), "--bootstrap-servers", kafka.bootstrapServers()};

      int declined = plasticity("n\n", concat(new String[] {"model", "create", model, "--infer-from-topic"}, at));
      assertThat(declined).isEqualTo(1);
      assertThat(output()).contains("numeric features:     debt, income").contains("classes:              2");
      assertThat(new RegistryClient(registry.baseUri()).definition(model)).isEmpty();

      int confirmed = plasticity("y\n", concat(new String[] {"model", "create", model, "--infer-from-topic"}, at));
      assertThat(confirmed).as(errors()).isZero();
      ModelDefinition definition = new RegistryClient(registry.baseUri()).definition(model).orElseThrow();
      assertThat(definition.features().numeric()).containsExactly("debt", "income");
      assertThat(definition.classes().count()).isEqualTo(2);
    }
  }

  @Test
  void trainingAModelThatIsNotRegisteredSaysSo() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(registryDir).httpPort(0)
        .bindHost("127.0.0.1").build())) {
      int code = plasticity("", "train", "nobody", "--no-wait", "--registry", registry.baseUri().toString(),
          "--bootstrap-servers", kafka.bootstrapServers(), "--since", "0");

      assertThat(code).isEqualTo(1);
      assertThat(errors()).contains("model 'nobody' is not registered; define it with plasticity model create");
    }
  }

  /** Seeded loan events: defaulted (1) when debt exceeds 40 % of income. */
  private static void publishLabelledEvents(String model, int n) throws Exception {
    Random random = new Random(42);
    AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);
    long start = System.currentTimeMillis() - n;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < n; i++) {
        double income = 20 + random.nextDouble() * 80;
        double debt = random.nextDouble() * 60;
        LabelledEvent event = LabelledEvent.newBuilder().setEventId(model + "-" + i).setModel(model)
            .setEventTime(start + i).setFeatures(Map.of("income", income, "debt", debt))
            .setLabel(debt > 0.4 * income ? 1 : 0).build();
        producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, event.getEventTime(), model + "-" + i,
            codec.encode(event)));
      }
      producer.flush();
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
