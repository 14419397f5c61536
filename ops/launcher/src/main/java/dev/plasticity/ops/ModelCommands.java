package dev.plasticity.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.plasticity.ops.demo.TrainingProgressDisplay;
import dev.plasticity.registry.client.ModelDefinition;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.registry.client.RegistryJson;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftConfig;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.SharedSettings;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingProgress;
import dev.plasticity.schemas.TriggerSignal;
import dev.plasticity.streamjobs.drift.DriftSettings;
import dev.plasticity.trainer.RetrainingPolicy;
import dev.plasticity.trainer.TrainerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The commands that define models and train them without Java: {@code plasticity model create},
 * {@code plasticity model show} and {@code plasticity train}. They talk to the registry (its URL
 * and token from {@code PLASTICITY_REGISTRY_URL} and {@code PLASTICITY_REGISTRY_TOKEN}) and to
 * Kafka ({@code PLASTICITY_KAFKA_BOOTSTRAP}); flags override the addresses. Exit status 0 on
 * success, 1 when the registry refuses or training does not produce a served version, 2 for bad
 * flags. See docs/models.md.
 */
final class ModelCommands {
  private ModelCommands() {}

  /** Where the registry and Kafka are. */
  static final class Addresses {
    @Option(names = "--registry", paramLabel = "URL",
        defaultValue = "${env:PLASTICITY_REGISTRY_URL:-http://localhost:8081}",
        description = "the registry's base URL (default: PLASTICITY_REGISTRY_URL, else ${DEFAULT-VALUE})")
    URI registry;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
        defaultValue = "${env:PLASTICITY_KAFKA_BOOTSTRAP:-localhost:9092}",
        description = "Kafka's bootstrap servers (default: PLASTICITY_KAFKA_BOOTSTRAP, else ${DEFAULT-VALUE})")
    String bootstrapServers;

    RegistryClient registryClient() {
      return new RegistryClient(registry, Duration.ofSeconds(30),
          SharedSettings.REGISTRY_TOKEN.in(System.getenv()).orElse(null));
    }
  }

  @Command(name = "model", mixinStandardHelpOptions = true, description = "Defines models, shows them and moves"
      + " their versions: promote, rollback, aliases, archive, history.",
      subcommands = {Create.class, Show.class, LifecycleCommands.Promote.class, LifecycleCommands.Rollback.class,
          LifecycleCommands.SetAlias.class, LifecycleCommands.RemoveAlias.class, LifecycleCommands.Archive.class,
          LifecycleCommands.History.class, LifecycleCommands.Served.class})
  static final class Model {}

  @Command(name = "create", mixinStandardHelpOptions = true, description = {
      "Defines a model in the registry: its classes, features, constraints, retraining",
      "policy and drift settings. The trainer trains its versions by this definition.",
      "A definition the registry refuses is printed with the rule it breaks (exit 1)."})
  static final class Create implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "the model's name, as its events name it")
    String name;

    @Option(names = "--classes", paramLabel = "N", description = "how many classes the label has (labels 0..N-1);"
        + " with --infer-from-topic, the highest label seen plus one unless given")
    Integer classes;

    @Option(names = "--class-names", paramLabel = "NAME", split = ",", description = "the classes' names, in label order")
    List<String> classNames = new ArrayList<>();

    @Option(names = "--features", paramLabel = "NAME", split = ",",
        description = "numeric features, in the order the networks take them (none: inferred from the first events)")
    List<String> numeric = new ArrayList<>();

    @Option(names = "--categorical", paramLabel = "NAME", split = ",", description = "categorical features")
    List<String> categorical = new ArrayList<>();

    @Option(names = "--max-parameters", paramLabel = "N", description = "the most trainable parameters a network may have")
    Long maxParameters;

    @Option(names = "--max-multiply-adds", paramLabel = "N", description = "the most multiply-adds per row")
    Long maxMultiplyAdds;

    @Option(names = "--max-latency", paramLabel = "MEDIAN[/P99]", description = "the longest single-row latency on"
        + " the serving device, e.g. 2ms or 500us/5ms")
    String maxLatency;

    @Option(names = "--policy", paramLabel = "RULES", defaultValue = "",
        description = "the model's retraining rules: " + PolicyConverter.SYNTAX + " (default: the trainer's)")
    String policy;

    @Option(names = "--drift", paramLabel = "FIELD=VALUE", split = ",",
        description = "drift settings (DriftConfig fields), e.g. windowSize=1000,conceptDetector=ADWIN,tests=PSI;KS")
    Map<String, String> drift = new LinkedHashMap<>();

    @Option(names = "--infer-from-topic", description = "infer the features (and the classes, unless given) from"
        + " the model's first events on the labelled and unlabelled topics")
    boolean infer;

    @Option(names = "--infer-events", paramLabel = "N", defaultValue = "500",
        description = "events read to infer from (default ${DEFAULT-VALUE})")
    int inferEvents;

    @Option(names = "--yes", description = "do not ask to confirm inferred features")
    boolean yes;

    @Mixin Addresses addresses;

    PrintStream out = System.out;
    PrintStream err = System.err;
    java.io.InputStream in = System.in;

    @Override
    public Integer call() {
      ModelDefinition definition;
      try {
        if (infer && !inferInto()) {
          return 1;
        }
        definition = definition().validate();
        checkWithServices(definition);
      } catch (IllegalArgumentException e) {
        err.println("plasticity model create: " + e.getMessage());
        return 1;
      }
      try {
        ModelDefinition stored = addresses.registryClient().define(definition);
        out.println("Defined model " + stored.name() + " in " + addresses.registry + ":");
        describe(stored, out);
        return 0;
      } catch (RegistryException e) {
        err.println("plasticity model create: the registry refused the definition: " + e.getMessage());
        return 1;
      }
    }

    /** Fills features (and classes) from the model's first events; false when there are none or the user declines. */
    private boolean inferInto() {
      ModelEvents.Inferred inferred = ModelEvents.infer(addresses.bootstrapServers, name, inferEvents);
      if (inferred.events() == 0) {
        err.println("plasticity model create: no events of model '" + name + "' on " + Topics.EVENTS_LABELLED
            + " or " + Topics.EVENTS_UNLABELLED + " to infer its features from; send some, or give --features");
        return false;
      }
      out.printf(Locale.ROOT, "Inferred from the first %d events of %s (%d labelled, %d unlabelled):%n",
          inferred.events(), name, inferred.labelled(), inferred.unlabelled());
      out.println("  numeric features:     " + String.join(", ", inferred.numeric()));
      out.println("  categorical features: " + (inferred.categorical().isEmpty() ? "none"
          : String.join(", ", inferred.categorical())));
      if (classes == null) {
        out.println("  classes:              " + (inferred.classes() == 0 ? "unknown (no labelled event)"
            : inferred.classes() + " (the highest label seen plus one)"));
      }
      if (!yes) {
        out.print("Define " + name + " with these? [y/N] ");
        out.flush();
        String answer;
        try {
          answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        } catch (java.io.IOException e) {
          answer = null;
        }
        if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
          err.println("plasticity model create: not defined (not confirmed; --yes skips the question)");
          return false;
        }
      }
      if (numeric.isEmpty()) {
        numeric = inferred.numeric();
      }
      if (categorical.isEmpty()) {
        categorical = inferred.categorical();
      }
      if (classes == null && inferred.classes() > 0) {
        classes = Math.max(2, inferred.classes());
      }
      return true;
    }

    ModelDefinition definition() {
      if (classes == null) {
        throw new IllegalArgumentException("--classes is required (or --infer-from-topic with labelled events)");
      }
      return new ModelDefinition(name, new ModelDefinition.Classes(classes, classNames),
          new ModelDefinition.Features(numeric, categorical), constraints(), policy.trim(), driftConfig());
    }

    private ModelDefinition.Constraints constraints() {
      Long median = null;
      Long p99 = null;
      if (maxLatency != null) {
        String[] parts = maxLatency.split("/", -1);
        if (parts.length > 2) {
          throw new IllegalArgumentException("--max-latency is MEDIAN or MEDIAN/P99, e.g. 2ms or 500us/5ms");
        }
        median = micros(parts[0]);
        p99 = parts.length == 2 ? micros(parts[1]) : null;
      }
      return new ModelDefinition.Constraints(maxParameters, maxMultiplyAdds, median, p99);
    }

    private DriftConfig driftConfig() {
      if (drift.isEmpty()) {
        return null;
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : drift.entrySet()) {
        org.apache.avro.Schema.Field field = DriftConfig.getClassSchema().getField(e.getKey());
        if (field == null) {
          throw new IllegalArgumentException("--drift: unknown field '" + e.getKey() + "'; fields are "
              + DriftConfig.getClassSchema().getFields().stream().map(org.apache.avro.Schema.Field::name).toList());
        }
        String value = e.getValue().trim();
        fields.put(e.getKey(), e.getKey().equals("tests") ? List.of(value.split(";")) : jsonValue(value));
      }
      try {
        return RegistryJson.mapper().convertValue(fields, DriftConfig.class);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--drift: " + e.getMessage(), e);
      }
    }

    private static Object jsonValue(String text) {
      try {
        return RegistryJson.mapper().readValue(text, Object.class);
      } catch (JsonProcessingException e) {
        return text; // a name, such as a detector's
      }
    }

    /** What only the trainer and the drift job know how to read: the policy's rules, the drift settings. */
    private static void checkWithServices(ModelDefinition definition) {
      if (!definition.policy().isBlank()) {
        try {
          RetrainingPolicy.parse(definition.policy());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("the definition of model '" + definition.name() + "' breaks a rule: policy: "
              + e.getMessage(), e);
        }
      }
      if (definition.drift() != null) {
        try {
          DriftSettings.defaults().overriddenBy(definition.drift());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("the definition of model '" + definition.name() + "' breaks a rule: drift: "
              + e.getMessage(), e);
        }
      }
    }
  }

  /** Microseconds in {@code text}: a number with us, ms or s. */
  static long micros(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(us|µs|ms|s)\\s*")
        .matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("--max-latency: '" + text + "' is not a latency such as 500us, 2ms or 1s");
    }
    double value = Double.parseDouble(m.group(1));
    double scale = switch (m.group(2)) {
      case "us", "µs" -> 1;
      case "ms" -> 1e3;
      default -> 1e6;
    };
    return Math.round(value * scale);
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Shows a model's definition and the version that serves it.")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--json", description = "print JSON: {\"definition\": ..., \"champion\": N or null, \"versions\": N}")
    boolean json;

    @Mixin Addresses addresses;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws JsonProcessingException {
      RegistryClient client = addresses.registryClient();
      List<ModelVersion> versions;
      Optional<ModelDefinition> definition;
      Optional<ModelVersion> champion;
      Map<String, Integer> aliases;
      try {
        versions = client.versions(name);
        definition = client.definition(name);
        champion = client.champion(name);
        aliases = client.aliases(name);
      } catch (RegistryException e) {
        err.println("plasticity model show: " + (e.status() == 404 ? "model '" + name + "' is not registered;"
            + " define it with plasticity model create" : e.getMessage()));
        return 1;
      }
      if (json) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("name", name);
        shown.put("definition", definition.orElse(null));
        shown.put("champion", champion.map(ModelVersion::getVersion).orElse(null));
        shown.put("versions", versions.size());
        shown.put("aliases", aliases);
        out.println(RegistryJson.mapper().writeValueAsString(shown));
        return 0;
      }
      out.println("Model " + name);
      if (definition.isPresent()) {
        describe(definition.get(), out);
      } else {
        out.println("  no definition: the trainer infers its features and classes from its events");
      }
      out.println("  versions:    " + versions.size() + champion.map(v -> ", champion v" + v.getVersion() + " ("
          + v.getLineage().getStrategy() + ", accuracy " + String.format(Locale.ROOT, "%.3f",
          v.getMetrics().getOrDefault("accuracy", Double.NaN)) + ")").orElse(", none serving"));
      out.println("  aliases:     " + LifecycleCommands.aliases(aliases));
      return 0;
    }
  }

  /** The definition as lines of text. */
  static void describe(ModelDefinition d, PrintStream out) {
    out.println("  classes:     " + d.classes().count() + (d.classes().names().isEmpty() ? ""
        : " (" + String.join(", ", d.classes().names()) + ")"));
    out.println("  features:    " + (d.features().none() ? "inferred from the first events"
        : String.join(", ", d.features().numeric()) + (d.features().categorical().isEmpty() ? ""
            : "; categorical: " + String.join(", ", d.features().categorical()))));
    ModelDefinition.Constraints c = d.constraints();
    List<String> limits = new ArrayList<>();
    if (c.maxParameters() != null) {
      limits.add("at most " + c.maxParameters() + " parameters");
    }
    if (c.maxMultiplyAdds() != null) {
      limits.add("at most " + c.maxMultiplyAdds() + " multiply-adds per row");
    }
    if (c.maxLatencyMedianMicros() != null) {
      limits.add("median latency at most " + c.maxLatencyMedianMicros() + " µs");
    }
    if (c.maxLatencyP99Micros() != null) {
      limits.add("p99 latency at most " + c.maxLatencyP99Micros() + " µs");
    }
    out.println("  constraints: " + (limits.isEmpty() ? "the trainer's" : String.join(", ", limits)));
    out.println("  policy:      " + (d.policy().isBlank() ? "the trainer's" : d.policy()));
    out.println("  drift:       " + (d.drift() == null ? "the drift job's defaults" : driftText(d.drift())));
  }

  private static String driftText(DriftConfig drift) {
    List<String> set = new ArrayList<>();
    for (org.apache.avro.Schema.Field f : DriftConfig.getClassSchema().getFields()) {
      Object value = drift.get(f.pos());
      if (value != null) {
        set.add(f.name() + "=" + value);
      }
    }
    return set.isEmpty() ? "the drift job's defaults" : String.join(", ", set);
  }

  @Command(name = "train", mixinStandardHelpOptions = true, description = {
      "Asks the trainer for a new version of a model now: its first version when it has",
      "none, else a retraining from the champion chosen by the model's policy (the gate",
      "still decides whether it serves). Shows the training's progress and waits for the",
      "outcome: exit 0 when a version was registered as champion, 1 otherwise."})
  static final class Train implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @ArgGroup(exclusive = true)
    Span span;

    static final class Span {
      @Option(names = "--since", paramLabel = "TIME", required = true, description = "train on events from TIME on:"
          + " an instant (2025-01-31T12:00:00Z), epoch millis, or a duration ago (30m, 2h, 7d)")
      String since;

      @Option(names = "--last", paramLabel = "N", required = true,
          description = "train on the model's newest N labelled events (default: the trainer's number of training events)")
      Integer last;
    }

    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "CONCEPT",
        description = "the drift kind the policy's rules answer, for a served model: COVARIATE, PRIOR or CONCEPT"
            + " (default ${DEFAULT-VALUE})")
    DriftKind kind;

    @Option(names = "--severity", paramLabel = "S", defaultValue = "1.0",
        description = "the severity the policy's rules answer, in [0, 1] (default ${DEFAULT-VALUE})")
    double severity;

    @Option(names = "--no-wait", description = "publish the request and return")
    boolean noWait;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m",
        description = "how long to wait for the outcome (default ${DEFAULT-VALUE})")
    String timeout;

    @Mixin Addresses addresses;

    PrintStream out = System.out;
    PrintStream err = System.err;
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      if (!(severity >= 0 && severity <= 1)) {
        err.println("plasticity train: --severity must be in [0, 1], was " + severity);
        return 2;
      }
      Duration wait;
      DataWindow window;
      try {
        wait = duration(timeout, "--timeout");
        window = window();
      } catch (IllegalArgumentException e) {
        err.println("plasticity train: " + e.getMessage());
        return 1;
      }
      RegistryClient client = addresses.registryClient();
      Optional<ModelVersion> champion;
      try {
        client.versions(name); // 404 when the model is not registered
        champion = client.champion(name);
      } catch (RegistryException e) {
        err.println("plasticity train: " + (e.status() == 404 ? "model '" + name + "' is not registered; define it"
            + " with plasticity model create" : e.getMessage()));
        return 1;
      }
      String triggerId = "manual-" + name + "-" + UUID.randomUUID();
      DriftTrigger trigger = DriftTrigger.newBuilder()
          .setTriggerId(triggerId).setModel(name).setBaseVersion(champion.map(ModelVersion::getVersion).orElse(0))
          .setKind(kind).setEvidence(List.of()).setWindow(window).setSeverity(severity)
          .setDetectedAt(clock.millis()).setSignal(TriggerSignal.MANUAL).setAttempt(0).build();
      try (KafkaConsumer<String, byte[]> progress = noWait ? null : progressConsumer()) {
        publish(trigger);
        out.println("Requested " + (champion.isEmpty() ? "the first version" : "a new version (v"
            + champion.get().getVersion() + " serves)") + " of " + name + " from " + describe(window)
            + "; trigger " + triggerId);
        if (noWait) {
          return 0;
        }
        return follow(progress, triggerId, wait);
      }
    }

    private DataWindow window() {
      DataWindow.Builder window = DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setOffsets(List.of());
      if (span != null && span.since != null) {
        long since = since(span.since);
        return window.setStartTime(since).setEndTime(since).setEventCount(0).build();
      }
      int last = span != null && span.last != null ? span.last : defaultEvents();
      if (last < 1) {
        throw new IllegalArgumentException("--last must be at least 1, was " + last);
      }
      ModelEvents.Newest newest = ModelEvents.newest(addresses.bootstrapServers, name, last).orElseThrow(() ->
          new IllegalArgumentException("model '" + name + "' has no labelled events on " + Topics.EVENTS_LABELLED
              + " to train on; send some first"));
      return window.setStartTime(newest.startTime()).setEndTime(newest.startTime()).setEventCount(newest.count()).build();
    }

    private static int defaultEvents() {
      return TrainerConfig.builder(SharedSettings.KAFKA_BOOTSTRAP.defaultValue(),
          URI.create(SharedSettings.REGISTRY_URL.defaultValue())).build().trainingEvents();
    }

    private long since(String text) {
      String t = text.trim();
      if (t.matches("[0-9]+")) {
        return Long.parseLong(t);
      }
      try {
        return Instant.parse(t).toEpochMilli();
      } catch (DateTimeParseException e) {
        try {
          return clock.millis() - duration(t, "--since").toMillis();
        } catch (IllegalArgumentException notDuration) {
          throw new IllegalArgumentException("--since: '" + text + "' is neither an instant (2025-01-31T12:00:00Z),"
              + " epoch millis, nor a duration ago (30m, 2h, 7d)");
        }
      }
    }

    private static String describe(DataWindow window) {
      return window.getEventCount() > 0 ? "its newest " + window.getEventCount() + " events (from "
          + Instant.ofEpochMilli(window.getStartTime()) + ")"
          : "its events since " + Instant.ofEpochMilli(window.getStartTime());
    }

    private KafkaConsumer<String, byte[]> progressConsumer() {
      Properties props = new Properties();
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, addresses.bootstrapServers);
      props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
          new ByteArrayDeserializer());
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.TRAINING_PROGRESS, Duration.ofSeconds(30))
          .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position); // fixes the start before the request is published
      return consumer;
    }

    private void publish(DriftTrigger trigger) {
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, addresses.bootstrapServers);
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
          new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>(Topics.DRIFT_TRIGGERS, trigger.getModel().toString(),
            AvroCodec.of(DriftTrigger.class).encode(trigger))).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while publishing the training request", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("cannot publish the training request on " + Topics.DRIFT_TRIGGERS + ": "
            + e.getCause().getMessage(), e.getCause());
      }
    }

    /** Shows the request's progress until its outcome; 0 when a champion was registered. */
    private int follow(KafkaConsumer<String, byte[]> consumer, String triggerId, Duration wait) {
      AvroCodec<TrainingProgress> codec = AvroCodec.of(TrainingProgress.class);
      TrainingProgressDisplay display = TrainingProgressDisplay.lines(out);
      long deadline = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (!triggerId.equals(record.key())) {
            continue;
          }
          TrainingProgress p;
          try {
            p = codec.decode(record.value());
          } catch (AvroCodec.InvalidPayloadException e) {
            continue;
          }
          display.show(p);
          switch (p.getPhase()) {
            case REGISTERED -> {
              return 0;
            }
            case REJECTED, SKIPPED, FAILED -> {
              err.println("plasticity train: no new version serves " + name + ": " + p.getMessage());
              return 1;
            }
            default -> { }
          }
        }
      }
      err.println("plasticity train: no outcome for " + name + " within " + timeout + "; the request (trigger "
          + triggerId + ") stays queued for the trainer");
      return 1;
    }
  }

  /** A duration such as 500ms, 30s, 5m, 2h, 7d, or ISO-8601. */
  static Duration duration(String text, String option) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)(ms|s|m|h|d)").matcher(text.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(option + ": '" + text + "' is not a duration such as 30s, 5m, 2h or 7d");
    }
  }
}
