package dev.plasticity.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plasticity.generators.ArfStreams;
import dev.plasticity.generators.BenchmarkStream;
import dev.plasticity.generators.Instance;
import dev.plasticity.generators.StreamGenerator;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.SearchAlgorithm;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Architecture search strategies against each other at the same wall-time budget: on the events
 * right after the first drift of seeded ARF-paper streams (from {@code ops/generators}), random
 * search, regularised evolution, Hyperband and the REINFORCE controller each search the tabular
 * space under the default serving constraints, for several seeds; the report gives each one's best
 * held-out accuracy, candidates trained and refused, wall time, whether every trained candidate
 * stayed within the constraints, and the machine's load average before and after the runs.
 */
public final class SearchStrategyBench {
  private static final List<SearchAlgorithm> STRATEGIES = List.of(SearchAlgorithm.values());

  public static void main(String[] args) throws Exception {
    Path out = Path.of("docs/reports");
    List<String> streams = List.of("SEA_a", "AGR_a");
    int seeds = 3;
    int events = 3000;
    Duration budget = Duration.ofSeconds(30);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--streams" -> streams = List.of(args[++i].split(","));
        case "--seeds" -> seeds = Integer.parseInt(args[++i]);
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--budget-seconds" -> budget = Duration.ofSeconds(Long.parseLong(args[++i]));
        default -> throw new IllegalArgumentException("unknown flag " + args[i]
            + " (known: --out DIR --streams A,B --seeds N --events N --budget-seconds S)");
      }
    }
    List<Constraint> constraints = Constraint.defaults();
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    double loadBefore = os.getSystemLoadAverage();
    List<SearchComparison.Report> reports = new ArrayList<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String name : streams) {
      List<LabelledEvent> window = postDriftWindow(ArfStreams.byName(name), events);
      for (int seed = 1; seed <= seeds; seed++) {
        for (SearchAlgorithm algorithm : STRATEGIES) {
          String strategy = algorithm.wireName();
          SearchComparison.Report r = SearchComparison.run(algorithm, window, constraints, budget, 10_000, 9, seed);
          reports.add(r);
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("stream", name);
          row.put("strategy", strategy);
          row.put("seed", seed);
          row.put("trained", r.trained());
          row.put("refused", r.refused());
          row.put("best_validation", r.bestValidation());
          row.put("best_held_out", r.bestHeldOut());
          row.put("best_network", r.bestNetwork());
          row.put("best_parameters", r.bestParameters());
          row.put("within_constraints", r.withinConstraints());
          row.put("seconds", r.seconds());
          rows.add(row);
          System.out.printf(Locale.ROOT, "%-6s %-9s seed %d: %3d trained, %2d refused, held-out %.4f, %s%n", name,
              strategy, seed, r.trained(), r.refused(), r.bestHeldOut(), r.bestNetwork());
        }
      }
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "architecture search strategies at the same wall-time budget");
    report.put("command", "mvn -B -Pbench -DskipTests -pl ops/bench -am package");
    report.put("budget_seconds", budget.toSeconds());
    report.put("events_per_window", events);
    report.put("constraints", constraints.toString());
    report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version"));
    double loadAfter = os.getSystemLoadAverage();
    report.put("load_average_before", loadBefore);
    report.put("load_average_after", loadAfter);
    report.put("runs", rows);
    Files.createDirectories(out);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("search-strategies.json").toFile(), report);

    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
        # Architecture search strategies at the same budget

        Regenerate: `%s` (writes this file and `search-strategies.json`).
        Each stream's %,d events right after its first drift (instances 250,001 on, from `ops/generators`);
        the newest 20%% are held out, the search validates on the newest 20%% of the rest. Every strategy
        searches the tabular space (1–4 hidden layers of 16–128 units, activations, normalisations,
        dropout, skip connections) for %d s of wall time, at most 9 epochs a training, under the default
        serving constraints (%s), seeds 1–%d, one search at a time. %s; one-minute load average %.2f
        before the runs, %.2f after.

        | stream | strategy | mean held-out accuracy | min | max | mean trainings | mean refused | mean seconds | every trained candidate within constraints |
        |---|---|---:|---:|---:|---:|---:|---:|---|
        """, report.get("command"), events, budget.toSeconds(), constraints, seeds, report.get("machine"),
        loadBefore, loadAfter));
    for (String name : streams) {
      for (String strategy : STRATEGIES.stream().map(SearchAlgorithm::wireName).toList()) {
        List<SearchComparison.Report> runs = new ArrayList<>();
        for (int k = 0; k < reports.size(); k++) {
          if (rows.get(k).get("stream").equals(name) && reports.get(k).strategy().equals(strategy)) {
            runs.add(reports.get(k));
          }
        }
        md.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.4f | %.1f | %.1f | %.1f | %s |%n", name, strategy,
            runs.stream().mapToDouble(SearchComparison.Report::bestHeldOut).average().orElse(Double.NaN),
            runs.stream().mapToDouble(SearchComparison.Report::bestHeldOut).min().orElse(Double.NaN),
            runs.stream().mapToDouble(SearchComparison.Report::bestHeldOut).max().orElse(Double.NaN),
            runs.stream().mapToInt(SearchComparison.Report::trained).average().orElse(0),
            runs.stream().mapToInt(SearchComparison.Report::refused).average().orElse(0),
            runs.stream().mapToDouble(SearchComparison.Report::seconds).average().orElse(0),
            runs.stream().allMatch(SearchComparison.Report::withinConstraints) ? "yes" : "**no**"));
      }
    }
    Files.writeString(out.resolve("search-strategies.md"), md.toString());
    System.out.println(md);
  }

  /** {@code n} events of {@code stream} from just after its first drift, as labelled events. */
  static List<LabelledEvent> postDriftWindow(BenchmarkStream stream, int n) {
    StreamGenerator generator = stream.stream();
    long skip = ArfStreams.DRIFT_POSITIONS.get(0);
    for (long i = 0; i < skip; i++) {
      generator.next();
    }
    List<String> names = generator.featureNames();
    long t0 = System.currentTimeMillis() - n;
    List<LabelledEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Instance instance = generator.next();
      Map<String, Double> features = new LinkedHashMap<>();
      for (int f = 0; f < names.size(); f++) {
        features.put(names.get(f), instance.feature(f));
      }
      events.add(LabelledEvent.newBuilder().setEventId(stream.name() + "-" + i).setModel(stream.name())
          .setEventTime(t0 + i).setFeatures(features).setLabel(instance.label()).build());
    }
    return events;
  }
}
