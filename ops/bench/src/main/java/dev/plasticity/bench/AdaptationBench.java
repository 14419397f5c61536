package dev.plasticity.bench;

import static dev.plasticity.bench.BenchStats.mean;
import static dev.plasticity.bench.BenchStats.standardError;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plasticity.generators.AgrawalGenerator;
import dev.plasticity.generators.Instance;
import dev.plasticity.generators.SeaGenerator;
import dev.plasticity.generators.StreamGenerator;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.LongFunction;

/**
 * Adaptation strategies after the same drift: a parent is trained on a window of the old concept;
 * retraining from scratch, fine-tuning (all layers, head only), EWC, distillation and importance
 * weighting each train on the same post-drift window; each is scored on held-out events of the
 * new concept and of the old one (forgetting: the parent's old-concept accuracy minus what the
 * strategy kept), over several seeds. The cases are the first drift of the ARF paper's SEA and AGR
 * streams (function 1 to 2, from {@code ops/generators}, seeded per run) and a covariate shift of
 * SEA (the same concept, new inputs drawn towards large x1), where importance weighting applies.
 */
public final class AdaptationBench {
  private static final double[] EWC_LAMBDAS = {10, 1_000, 10_000};

  /** A drift: the generator of each concept for a seed, and whether the new window's inputs are resampled. */
  private record Case(String name, String description, LongFunction<StreamGenerator> before,
      LongFunction<StreamGenerator> after, boolean covariateShift) {}

  private static final List<Case> CASES = List.of(
      new Case("SEA 1→2", "SEA function 1 to 2 (threshold 8 to 9, 10% label noise)",
          seed -> new SeaGenerator(1, false, 10, seed), seed -> new SeaGenerator(2, false, 10, seed), false),
      new Case("AGR 1→2", "Agrawal function 1 to 2 (age bands to age and salary, 5% perturbation)",
          seed -> new AgrawalGenerator(1, 0.05, false, seed), seed -> new AgrawalGenerator(2, 0.05, false, seed), false),
      new Case("SEA covariate", "SEA function 1 throughout; the new window keeps an event with probability (x1/10)²",
          seed -> new SeaGenerator(1, false, 10, seed), seed -> new SeaGenerator(1, false, 10, seed), true));

  public static void main(String[] args) throws Exception {
    Path out = Path.of("docs/reports");
    int seeds = 3;
    int events = 2000;
    int epochs = 10;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--seeds" -> seeds = Integer.parseInt(args[++i]);
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]
            + " (known: --out DIR --seeds N --events N --epochs N)");
      }
    }
    List<Integer> hidden = List.of(32, 32);
    AdaptationSettings defaults = AdaptationSettings.DEFAULTS;
    List<Map<String, Object>> rows = new ArrayList<>();
    long benchStarted = System.nanoTime();
    for (Case c : CASES) {
      for (int seed = 1; seed <= seeds; seed++) {
        long s = 1000L * seed;
        List<LabelledEvent> oldWindow = events(c.before().apply(s), events, false, s, 0);
        List<LabelledEvent> newWindow = events(c.after().apply(s + 1), events, c.covariateShift(), s + 1, 10_000_000);
        List<LabelledEvent> oldTest = events(c.before().apply(s + 2), events, false, s + 2, 20_000_000);
        List<LabelledEvent> newTest = events(c.after().apply(s + 3), events, c.covariateShift(), s + 3, 30_000_000);
        TrainingSettings settings = AdaptationComparison.settings(hidden, epochs, seed);
        AdaptationComparison.Parent parent = AdaptationComparison.trainParent(oldWindow, settings);
        double parentOld = AdaptationComparison.accuracy(parent, oldTest);
        double parentNew = AdaptationComparison.accuracy(parent, newTest);
        rows.add(row(c, seed, "parent (no adaptation)", parentNew, parentOld, parentOld,
            parent.parameters(), parent.seconds(),
            Map.of()));
        for (Strategy strategy : AdaptationComparison.STRATEGIES) {
          AdaptationComparison.Report r = AdaptationComparison.adapt(strategy, parent, newWindow, newTest, oldTest,
              settings, defaults);
          String label = strategy.wireName().equals("ewc") ? "ewc (λ " + fmt(defaults.ewcLambda()) + ")"
              : strategy.wireName();
          rows.add(row(c, seed, label, r.newConcept(), r.oldConcept(), parentOld, r.parameters(), r.seconds(), r.figures()));
        }
        for (double lambda : EWC_LAMBDAS) {
          AdaptationComparison.Report r = AdaptationComparison.adapt(Strategy.parse("ewc"), parent, newWindow, newTest,
              oldTest, settings, defaults.withEwcLambda(lambda));
          rows.add(row(c, seed, "ewc (λ " + fmt(lambda) + ")", r.newConcept(), r.oldConcept(), parentOld,
              r.parameters(), r.seconds(), r.figures()));
        }
        System.out.printf(Locale.ROOT, "%s seed %d done (%.0f s so far)%n", c.name(), seed,
            (System.nanoTime() - benchStarted) / 1e9);
      }
    }
    double benchSeconds = (System.nanoTime() - benchStarted) / 1e9;

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "adaptation strategies after the same drift");
    report.put("command", BenchCommand.only("adaptation"));
    report.put("events_per_window", events);
    report.put("epochs", epochs);
    report.put("hidden_units", hidden);
    report.put("settings", defaults.toString());
    report.put("seeds", seeds);
    report.put("bench_seconds", benchSeconds);
    report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version"));
    report.put("runs", rows);
    Files.createDirectories(out);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(out.resolve("adaptation-strategies.json").toFile(), report);

    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
        # Adaptation strategies after the same drift

        Regenerate: `%s` (writes this file and `adaptation-strategies.json`).

        For each case and seed: a parent network (%s, %d epochs, Adam 0.01) is trained on %,d events of the old
        concept (newest 20%% held out); every strategy then trains on the same %,d post-drift events (newest 20%%
        held out), starting from that parent where it adapts one. Scores are on %,d fresh events of each concept
        (seeded apart from the training windows): **new** is accuracy on the new concept, **kept** accuracy on the
        old concept, **forgetting** the parent's old-concept accuracy minus kept. Mean ± standard error over seeds
        1–%d; seconds are wall time of the strategy's training including its own preparation (Fisher information,
        domain classifier, teacher's predictions), measured under `flock /tmp/bench.lock` on a machine shared
        with other work, so they are rough. Settings: %s. %s; the whole run took %.0f s.

        """, report.get("command"), hidden, epochs, events, events, events, seeds, defaults, report.get("machine"),
        benchSeconds));
    for (Case c : CASES) {
      md.append("## ").append(c.name()).append("\n\n").append(c.description()).append(".\n\n")
          .append("| strategy | new | kept | forgetting | parameters | seconds |\n|---|---:|---:|---:|---:|---:|\n");
      List<String> labels = new ArrayList<>();
      rows.stream().filter(r -> r.get("case").equals(c.name())).map(r -> (String) r.get("strategy"))
          .filter(l -> !labels.contains(l)).forEach(labels::add);
      for (String label : labels) {
        List<Map<String, Object>> runs = rows.stream()
            .filter(r -> r.get("case").equals(c.name()) && r.get("strategy").equals(label)).toList();
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.0f | %s |%n", label, meanSe(runs, "new_concept"),
            meanSe(runs, "old_concept"), meanSe(runs, "forgetting"),
            runs.stream().mapToDouble(r -> ((Number) r.get("parameters")).doubleValue()).average().orElse(0),
            meanSe(runs, "seconds", "%.1f")));
      }
      md.append('\n');
      for (String ewc : labels.stream().filter(l -> l.startsWith("ewc")).toList()) {
        md.append(compare(rows, c.name(), ewc, "fine-tune:all")).append('\n');
      }
      md.append('\n');
    }
    Files.writeString(out.resolve("adaptation-strategies.md"), md.toString());
    System.out.println(md);
  }

  private static Map<String, Object> row(Case c, int seed, String strategy, double newConcept, double oldConcept,
      double parentOld, long parameters, double seconds, Map<String, Double> figures) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("case", c.name());
    row.put("seed", seed);
    row.put("strategy", strategy);
    row.put("new_concept", newConcept);
    row.put("old_concept", oldConcept);
    row.put("forgetting", parentOld - oldConcept);
    row.put("parameters", parameters);
    row.put("seconds", seconds);
    row.put("figures", new java.util.TreeMap<>(figures));
    System.out.printf(Locale.ROOT, "%-14s seed %d %-24s new %.4f kept %.4f forgetting %+.4f %6.1f s%n", c.name(),
        seed, strategy, newConcept, oldConcept, parentOld - oldConcept, seconds);
    return row;
  }

  /** How much less {@code a} forgets than {@code b} in a case, in standard errors of the difference of the means. */
  private static String compare(List<Map<String, Object>> rows, String caseName, String a, String b) {
    double[] x = values(rows, caseName, a, "forgetting");
    double[] y = values(rows, caseName, b, "forgetting");
    double diff = mean(y) - mean(x);
    double se = Math.sqrt(standardError(x) * standardError(x) + standardError(y) * standardError(y));
    double[] newA = values(rows, caseName, a, "new_concept");
    double[] newB = values(rows, caseName, b, "new_concept");
    return String.format(Locale.ROOT, "- %s forgets %.4f %s than %s (%.1f standard errors), at %.4f %s new-concept accuracy.",
        a, Math.abs(diff), diff >= 0 ? "less" : "more", b, se > 0 ? Math.abs(diff) / se : Double.NaN,
        Math.abs(mean(newB) - mean(newA)), mean(newA) <= mean(newB) ? "less" : "more");
  }

  private static double[] values(List<Map<String, Object>> rows, String caseName, String strategy, String key) {
    return rows.stream().filter(r -> r.get("case").equals(caseName) && r.get("strategy").equals(strategy))
        .mapToDouble(r -> ((Number) r.get(key)).doubleValue()).toArray();
  }

  private static String meanSe(List<Map<String, Object>> runs, String key) {
    return meanSe(runs, key, "%.4f");
  }

  private static String meanSe(List<Map<String, Object>> runs, String key, String format) {
    double[] v = runs.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).toArray();
    return String.format(Locale.ROOT, format + " ± " + format, mean(v), standardError(v));
  }

  private static String fmt(double lambda) {
    return lambda == Math.rint(lambda) ? String.format(Locale.ROOT, "%.0f", lambda) : Double.toString(lambda);
  }

  /**
   * {@code n} events of {@code generator} as labelled events from {@code firstTime}; with {@code
   * covariateShift}, an instance is kept with probability (x1/10)², so the inputs lean towards
   * large x1 while the concept stays.
   */
  static List<LabelledEvent> events(StreamGenerator generator, int n, boolean covariateShift, long seed,
      long firstTime) {
    List<String> names = generator.featureNames();
    Random keep = new Random(seed ^ 0x5DEECE66DL);
    List<LabelledEvent> events = new ArrayList<>(n);
    while (events.size() < n) {
      Instance instance = generator.next();
      if (covariateShift) {
        double x1 = instance.feature(0) / 10;
        if (keep.nextDouble() >= x1 * x1) {
          continue;
        }
      }
      Map<String, Double> features = new LinkedHashMap<>();
      for (int f = 0; f < names.size(); f++) {
        features.put(names.get(f), instance.feature(f));
      }
      int i = events.size();
      events.add(LabelledEvent.newBuilder().setEventId("adapt-" + seed + "-" + i).setModel("adaptation")
          .setEventTime(firstTime + i).setFeatures(features).setLabel(instance.label()).build());
    }
    return events;
  }
}
