package dev.plasticity.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plasticity.embedded.EmbeddedKafkaBroker;
import dev.plasticity.embedded.KafkaTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The drift job's throughput as the number of models and the parallelism grow: for each model
 * count, N labelled SEA events spread round-robin over that many models (each with a champion) on 2
 * partitions of a fresh in-process KRaft broker; then, for each parallelism, the drift job (as in
 * {@link DriftJobThroughputBench}: its own JVM, a MiniCluster, exactly-once checkpoints every 2 s)
 * makes one pass, cut into segments, and its steady state ({@link DriftJobThroughputBench#steady})
 * is reported. A model's events all go to one drift subtask (the job keys by model), so one model
 * cannot use a second subtask, and many models can.
 */
public final class DriftJobScalingBench {
  private DriftJobScalingBench() {}

  public static void main(String[] args) throws Exception {
    int events = 10_000_000;
    int segments = 10;
    List<Integer> models = List.of(1, 10, 100);
    List<Integer> parallelisms = List.of(1, 2);
    Path out = Path.of("docs/reports");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--segments" -> segments = Integer.parseInt(args[++i]);
        case "--models" -> models = ints(args[++i]);
        case "--parallelism" -> parallelisms = ints(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]
            + " (known: --events N --segments N --models 1,10,100 --parallelism 1,2 --out DIR)");
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int m : models) {
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startInTempDir()) {
        String bootstrap = broker.bootstrapServers();
        KafkaTopics.ensure(bootstrap, 2, (short) 1);
        DriftJobThroughputBench.produce(bootstrap, events, m);
        for (int p : parallelisms) {
          List<DriftJobThroughputBench.Span> spans = DriftJobThroughputBench.inChildJvm(DriftJobThroughputBench.JOB,
              bootstrap, events, segments, p);
          DriftJobThroughputBench.Span steady = DriftJobThroughputBench.steady(spans);
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("models", m);
          row.put("parallelism", p);
          row.put("events_per_second", steady.eventsPerSecond());
          row.put("second_half_range", DriftJobThroughputBench.steadyRange(spans));
          row.put("cpu_micros_per_event", steady.cpuMicrosPerEvent());
          row.put("jit_micros_per_event", steady.jitMicrosPerEvent());
          row.put("segments", spans);
          rows.add(row);
        }
      }
    }
    report(out, events, segments, rows);
  }

  private static List<Integer> ints(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).map(Integer::valueOf).toList();
  }

  static void report(Path out, int events, int segments, List<Map<String, Object>> rows) throws Exception {
    String command = BenchCommand.only("scaling");
    String machine = Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version");
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "drift job throughput by number of models and parallelism");
    report.put("command", command);
    report.put("events", events);
    report.put("segments", segments);
    report.put("reported_segment", "median rate of the second half of the pass, its last segment left out");
    report.put("machine", machine);
    report.put("runs", rows);
    Files.createDirectories(out);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("drift-job-scaling.json").toFile(), report);
    StringBuilder table = new StringBuilder();
    for (Map<String, Object> row : rows) {
      table.append(String.format(Locale.ROOT, "| %d | %d | %,.0f | %s | %.2f | %.2f |%n", row.get("models"),
          row.get("parallelism"), row.get("events_per_second"), row.get("second_half_range"),
          row.get("cpu_micros_per_event"), row.get("jit_micros_per_event")));
    }
    String md = String.format(Locale.ROOT, """
        # Drift job throughput by number of models and parallelism

        Regenerate: `%s` (writes this file and `drift-job-scaling.json`; `-Dbench.scaling.events=N`
        changes the event count).
        %,d labelled SEA events per run, spread round-robin over the models (3 features each, every
        model with a champion), on 2 partitions of an in-process KRaft broker; the drift job in its
        own JVM on a local MiniCluster, exactly-once checkpoints every 2 s; %s. Each pass is cut into
        %d segments; the figure is the median rate of the second half but its last segment (as in
        [drift-job-throughput.md](drift-job-throughput.md)), with that half's range.

        | models | parallelism | events / s | second half, events / s | CPU µs / event | of which JIT |
        |---:|---:|---:|---:|---:|---:|
        %s
        The job keys by model: one model's events all pass through one drift subtask, so a single
        model gains nothing from a second drift subtask (at parallelism 2 it gains a second source
        subtask: the two partitions read and decoded in two threads); many models spread over the
        subtasks by the hash of their names. On 2 cores the second subtask also competes with the sources, decoding and the
        JIT compiler for the same CPUs, so these figures show the shape, not a cluster's capacity.
        """, command, events, machine, segments, table);
    Files.writeString(out.resolve("drift-job-scaling.md"), md);
    System.out.println(md);
  }
}
