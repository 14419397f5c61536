package dev.plasticity.bench;

import static dev.plasticity.bench.BenchStats.mean;
import static dev.plasticity.bench.BenchStats.standardDeviation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plasticity.embedded.EmbeddedKafkaBroker;
import dev.plasticity.embedded.KafkaTopics;
import dev.plasticity.generators.SeaGenerator;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.trainer.OfflineTraining;
import dev.plasticity.trainer.RetrainingPolicy;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainingOutcome;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.run.ProgressSink;
import dev.plasticity.trainer.run.RetrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Recall against retraining when a concept recurs, through the trainer's own runs against a real
 * broker and a real registry. A stream cycles between two concepts (A → B → A → B → A); its first
 * version is trained on A, and each change is answered by one run, as a drift trigger would be: with
 * recall on, a past champion that beats the serving version on the window serves again (no
 * training); with recall off, every change trains a fresh network. For each change: the seconds
 * from the trigger to its answer (the champion moved, or the run ended without a move) and the
 * accuracy of the champion after it on the concept's next {@value #SCORED} events, which no run
 * read.
 */
public final class RecallBench {
  /** Events each run reads from the change on (the trainer's training events). */
  static final int WINDOW = 2000;
  /** Events of each concept the champion after the change is scored on, after the window. */
  static final int SCORED = 2000;
  /** The concepts in the order the stream visits them: A, B, A, B, A. */
  static final int CHANGES = 4;

  /** Two concepts a stream cycles between: SEA functions, with 10% label noise. */
  private record Pair(String name, String description, int a, int b) {
    IntFunction<SeaGenerator> concept(long seed) {
      return c -> new SeaGenerator(c % 2 == 0 ? a : b, false, 10, seed * 100 + c);
    }
  }

  private static final List<Pair> PAIRS = List.of(
      new Pair("SEA near", "SEA functions 1 ↔ 2 (thresholds 8 and 9 on x1 + x2): the two concepts disagree on"
          + " about 8.5% of the feature space", 1, 2),
      new Pair("SEA far", "SEA functions 3 ↔ 4 (thresholds 7 and 9.5 on x1 + x2): the two concepts disagree on"
          + " about 21% of the feature space", 3, 4));

  public static void main(String[] args) throws Exception {
    Path out = Path.of("docs/reports");
    int seeds = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--seeds" -> seeds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i] + " (known: --out DIR --seeds N)");
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    long benchStarted = System.nanoTime();
    Path dir = Files.createTempDirectory("plasticity-recall-bench-");
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"))) {
      KafkaTopics.ensure(kafka.bootstrapServers(), 1, (short) 1);
      try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir.resolve("registry"))
              .httpPort(0).bindHost("127.0.0.1").kafkaBootstrapServers(kafka.bootstrapServers()).build());
          KafkaProducer<String, LabelledEvent> producer = producer(kafka.bootstrapServers())) {
        RegistryClient client = new RegistryClient(registry.baseUri());
        long time = System.currentTimeMillis() - Duration.ofMinutes(30).toMillis();
        for (Pair pair : PAIRS) {
          for (int seed = 1; seed <= seeds; seed++) {
            for (boolean recall : new boolean[] {true, false}) {
              String model = String.format(Locale.ROOT, "%s-%d-%s", pair.name().replace(' ', '-').toLowerCase(
                  Locale.ROOT), seed, recall ? "recall" : "retrain");
              client.ensureModel(model);
              List<List<LabelledEvent>> concepts = publish(producer, model, pair.concept(seed), time);
              time += (CHANGES + 1) * (long) (WINDOW + SCORED) + 1000;
              TrainerConfig config = TrainerConfig.builder(kafka.bootstrapServers(), registry.baseUri())
                  .strategy("retrain").trainingEvents(WINDOW).minTrainingEvents(WINDOW / 2)
                  .dataWait(Duration.ofSeconds(20)).seed(seed).recall(recall).build();
              RetrainingRun run = new RetrainingRun(config, client, QUIET, Clock.systemUTC());
              cycle(pair, seed, recall, model, concepts, run, client, rows);
            }
          }
        }
      }
    }
    double benchSeconds = (System.nanoTime() - benchStarted) / 1e9;

    String command = BenchCommand.only("recall");
    TrainingSettings training = TrainingSettings.DEFAULTS;
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "recall of a past champion against retraining, on streams whose concepts recur");
    report.put("command", command);
    report.put("window_events", WINDOW);
    report.put("scored_events", SCORED);
    report.put("training", String.format(Locale.ROOT, "retrain: hidden %s, %d epochs, batches of %d, Adam %.3f,"
        + " newest %.0f%% held out", training.hiddenUnits(), training.epochs(), training.batchSize(),
        training.learningRate(), 100 * training.heldOutFraction()));
    report.put("seeds", seeds);
    report.put("bench_seconds", benchSeconds);
    report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version"));
    report.put("runs", rows);
    Files.createDirectories(out);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(out.resolve("recall-vs-retrain.json").toFile(), report);
    String md = markdown(rows, command, report.get("training"), seeds, report.get("machine"), benchSeconds);
    Files.writeString(out.resolve("recall-vs-retrain.md"), md);
    System.out.println(md);
  }

  /** The stream's first version on A, then one run per change, each measured. */
  private static void cycle(Pair pair, int seed, boolean recall, String model, List<List<LabelledEvent>> concepts,
      RetrainingRun run, RegistryClient client, List<Map<String, Object>> rows) {
    TrainingOutcome first = run.run("bootstrap-" + model, model, null, window(concepts.get(0)), WINDOW);
    if (first.status() != TrainingOutcome.Status.CHAMPION) {
      throw new IllegalStateException(model + ": the first version was not registered: " + first.message());
    }
    for (int c = 1; c <= CHANGES; c++) {
      List<LabelledEvent> events = concepts.get(c);
      int serving = client.champion(model).orElseThrow().getVersion();
      long started = System.nanoTime();
      TrainingOutcome outcome = run.run("change-" + c + "-" + model, model, serving, window(events), WINDOW,
          new RetrainingPolicy.Drift(DriftKind.CONCEPT, 1.0));
      double seconds = (System.nanoTime() - started) / 1e9;
      ModelVersion champion = client.champion(model).orElseThrow();
      List<LabelledEvent> scored = events.subList(WINDOW, WINDOW + SCORED);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("pair", pair.name());
      row.put("seed", seed);
      row.put("mode", recall ? "recall" : "retrain");
      row.put("change", c);
      row.put("to", c % 2 == 0 ? "A" : "B");
      row.put("recurrence", c >= 2);
      row.put("outcome", outcome.status().name());
      row.put("serving_before", serving);
      row.put("champion_after", champion.getVersion());
      row.put("seconds", seconds);
      row.put("accuracy_after", accuracy(client, champion, scored));
      row.put("versions", client.versions(model).size());
      rows.add(row);
      System.out.printf(Locale.ROOT, "%-8s seed %d %-7s change %d → %s: %-10s v%d → v%d in %5.2f s, accuracy after"
          + " %.4f%n", pair.name(), seed, row.get("mode"), c, row.get("to"), outcome.status(), serving,
          champion.getVersion(), seconds, (double) row.get("accuracy_after"));
    }
  }

  private static double accuracy(RegistryClient client, ModelVersion version, List<LabelledEvent> events) {
    return OfflineTraining.accuracy(new OfflineTraining.Network(version.getArchitecture(),
        client.downloadVerified(version), 0, 0, Map.of()), events);
  }

  /** Each concept's window and scored events, published for {@code model} from {@code from} on, in time order. */
  private static List<List<LabelledEvent>> publish(KafkaProducer<String, LabelledEvent> producer, String model,
      IntFunction<SeaGenerator> concept, long from) {
    List<List<LabelledEvent>> concepts = new ArrayList<>();
    long time = from;
    for (int c = 0; c <= CHANGES; c++) {
      List<LabelledEvent> events = new ArrayList<>();
      int i = 0;
      for (LabelledEvent e : AdaptationBench.events(concept.apply(c), WINDOW + SCORED, false, c, 0)) {
        LabelledEvent event = LabelledEvent.newBuilder(e).setModel(model).setEventId(model + "-" + c + "-" + i++)
            .setEventTime(time++).build();
        events.add(event);
        producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, event.getEventTime(),
            event.getEventId(), event));
      }
      concepts.add(events);
    }
    producer.flush();
    return concepts;
  }

  private static DataWindow window(List<LabelledEvent> events) {
    long start = events.get(0).getEventTime();
    return DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(start)
        .setEndTime(start + WINDOW - 1).setEventCount(WINDOW).setOffsets(List.of()).build();
  }

  private static KafkaProducer<String, LabelledEvent> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return new KafkaProducer<>(props, new StringSerializer(), AvroSerde.of(LabelledEvent.class));
  }

  /** Progress goes nowhere: the bench prints its own line per run. */
  private static final ProgressSink QUIET = new ProgressSink() {
    @Override
    public void report(String triggerId, String model, String strategy, TrainingPhase phase, int epoch, int epochs,
        Double bestScore, double budgetUsed, String message) {}

    @Override
    public void report(String triggerId, String model, String strategy, TrainingPhase phase, int candidatesTried,
        int candidatesTotal, int epoch, int epochs, Double bestScore, double budgetUsed, String message) {}
  };

  private static String markdown(List<Map<String, Object>> rows, String command, Object training, int seeds,
      Object machine, double benchSeconds) {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
        # Recall against retraining when a concept recurs

        Regenerate: `%s` (writes this file and `recall-vs-retrain.json`).

        A stream cycles between two concepts, A → B → A → B → A, each visit %,d events for the trainer's
        window and %,d more to score on. The first version is trained on A; each change is then answered by
        one trainer run (`RetrainingRun`, the service's own, against an embedded Kafka broker and a real
        registry), as a CONCEPT drift trigger of severity 1 at the change would be. **recall**: recall on
        (`PLASTICITY_TRAINER_RECALL=true`, the default): the past champions are scored on the window's
        held-out events and one that beats the serving version at the gate (significance shared among
        them) serves again through the registry's recall, nothing trained; otherwise the run trains.
        **retrain**: recall off; every change trains a fresh network (%s) and the gate decides whether it
        serves. Both configure the strategy `retrain`, so that the answer to a new concept is the same in
        both. **seconds**: from taking the trigger up to the run's end, the champion moved (reading the
        window's events from Kafka included; the serving side's swap is not). **accuracy after**: the
        champion after the change, on the %,d events of the concept that follow the window. Mean ± standard
        deviation over seeds 1–%d. %s; the whole run took %.0f s on a machine shared with other work, so
        seconds are rough. A retrain here is a small network on 1,600 events; the time it takes grows with
        the network, the epochs and the strategy (the default policy answers a severe concept drift with an
        architecture search of up to 60 s, which this benchmark does not run), while a recall's stays the
        time to read the window and score the past champions.

        """, command, WINDOW, SCORED, training, SCORED, seeds, machine, benchSeconds));
    for (Pair pair : PAIRS) {
      md.append("## ").append(pair.name()).append("\n\n").append(pair.description()).append(".\n\n");
      md.append("| change | mode | outcomes | seconds | accuracy after | versions at the end |\n");
      md.append("|---|---|---|---:|---:|---:|\n");
      for (int c = 1; c <= CHANGES; c++) {
        for (String mode : List.of("recall", "retrain")) {
          List<Map<String, Object>> these = select(rows, pair.name(), mode, c);
          String outcomes = these.stream().collect(Collectors.groupingBy(r -> ((String) r.get("outcome"))
              .toLowerCase(Locale.ROOT), java.util.TreeMap::new, Collectors.counting())).entrySet().stream()
              .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
          md.append(String.format(Locale.ROOT, "| %d: → %s%s | %s | %s | %s | %s | %s |\n", c,
              c % 2 == 0 ? "A" : "B", c == 1 ? " (new)" : " (recurs)", mode, outcomes,
              meanSd(these, "seconds", "%.2f"), meanSd(these, "accuracy_after", "%.4f"),
              c == CHANGES ? meanSd(these, "versions", "%.1f") : ""));
        }
      }
      md.append('\n').append(summary(rows, pair.name())).append("\n\n");
    }
    return md.toString();
  }

  /** Over the recurrences (changes 2 to 4), the two modes side by side. */
  private static String summary(List<Map<String, Object>> rows, String pair) {
    List<Map<String, Object>> recall = new ArrayList<>();
    List<Map<String, Object>> retrain = new ArrayList<>();
    for (int c = 2; c <= CHANGES; c++) {
      recall.addAll(select(rows, pair, "recall", c));
      retrain.addAll(select(rows, pair, "retrain", c));
    }
    long recalled = recall.stream().filter(r -> r.get("outcome").equals("RECALLED")).count();
    return String.format(Locale.ROOT, "Over the %d recurrences (changes 2–4 × seeds): recall on recalled %d times;"
        + " seconds to an answer %s with recall on against %s with it off; accuracy after %s against %s.",
        recall.size(), recalled, meanSd(recall, "seconds", "%.2f"), meanSd(retrain, "seconds", "%.2f"),
        meanSd(recall, "accuracy_after", "%.4f"), meanSd(retrain, "accuracy_after", "%.4f"));
  }

  private static List<Map<String, Object>> select(List<Map<String, Object>> rows, String pair, String mode,
      int change) {
    return rows.stream().filter(r -> r.get("pair").equals(pair) && r.get("mode").equals(mode)
        && (int) r.get("change") == change).toList();
  }

  private static String meanSd(List<Map<String, Object>> rows, String field, String format) {
    double[] v = rows.stream().mapToDouble(r -> ((Number) r.get(field)).doubleValue()).toArray();
    return String.format(Locale.ROOT, format + " ± " + format, mean(v), standardDeviation(v));
  }
}
