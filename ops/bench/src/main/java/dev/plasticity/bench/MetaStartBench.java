package dev.plasticity.bench;

import static dev.plasticity.bench.BenchStats.mean;
import static dev.plasticity.bench.BenchStats.standardError;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plasticity.generators.AgrawalGenerator;
import dev.plasticity.generators.SeaGenerator;
import dev.plasticity.generators.StreamGenerator;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.OfflineTraining;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a new concept's training starts, measured on recurring streams: from the champion's weights
 * ({@code fine-tune:all}), from fresh weights ({@code retrain}) or from a Reptile start meta-learned
 * on the windows of the concepts seen so far ({@code meta-start}). A stream runs through a sequence
 * of concepts; each concept's champion is trained on its first {@value #WINDOW} events, and its
 * window joins the lineage. At each drift, each start trains on the first n events of the new
 * concept (n in {@link #SIZES}; the newest 20% held out, as a run does) and is scored on the next
 * {@value #SCORED} events of that concept. Figures: accuracy per n, and the events needed to
 * recover: the smallest n whose accuracy is within 0.01 of that concept's accuracy when trained
 * from scratch on {@value #WINDOW}.
 */
public final class MetaStartBench {
  static final int[] SIZES = {100, 200, 400, 800, 1600};
  static final int WINDOW = 1600;
  static final int SCORED = 2000;
  static final double RECOVERED = 0.01;

  /**
   * A recurring stream: its concepts in order (a generator per concept and seed), the later ones
   * new relatives of the earlier or returns of them.
   */
  private record Stream(String name, String description, List<String> concepts,
      List<java.util.function.LongFunction<StreamGenerator>> generators) {}

  private static final List<Stream> STREAMS = List.of(
      new Stream("SEA", "SEA functions 1 → 3 → 2 → 4 → 3 (thresholds 8, 7, 9, 9.5, 7; 10% label noise): a new"
          + " threshold at the fourth concept, a return at the fifth",
          List.of("f1", "f3", "f2", "f4 (new)", "f3 (return)"),
          List.of(s -> new SeaGenerator(1, false, 10, s), s -> new SeaGenerator(3, false, 10, s),
              s -> new SeaGenerator(2, false, 10, s), s -> new SeaGenerator(4, false, 10, s),
              s -> new SeaGenerator(3, false, 10, s))),
      new Stream("AGR", "Agrawal functions 1 → 2 → 3 → 4 → 2 (5% perturbation): unrelated rules on the same"
          + " attributes, a return at the fifth",
          List.of("f1", "f2", "f3", "f4 (new)", "f2 (return)"),
          List.of(s -> new AgrawalGenerator(1, 0.05, false, s), s -> new AgrawalGenerator(2, 0.05, false, s),
              s -> new AgrawalGenerator(3, 0.05, false, s), s -> new AgrawalGenerator(4, 0.05, false, s),
              s -> new AgrawalGenerator(2, 0.05, false, s))));

  private static final List<String> STARTS = List.of("fine-tune:all", "retrain", "meta-start");

  public static void main(String[] args) throws Exception {
    Path out = Path.of("docs/reports");
    int seeds = 10;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--seeds" -> seeds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i] + " (known: --out DIR --seeds N)");
      }
    }
    TrainingSettings defaults = TrainingSettings.DEFAULTS;
    List<Map<String, Object>> rows = new ArrayList<>();
    long benchStarted = System.nanoTime();
    for (Stream stream : STREAMS) {
      for (int seed = 1; seed <= seeds; seed++) {
        TrainingSettings settings = defaults.withSeed(seed);
        // each concept's events: the champion's window first, then what the drift's starts train and score on
        List<List<LabelledEvent>> concepts = new ArrayList<>();
        for (int c = 0; c < stream.concepts().size(); c++) {
          long s = 1000L * seed + c;
          concepts.add(AdaptationBench.events(stream.generators().get(c).apply(s), WINDOW + SIZES[SIZES.length - 1]
              + SCORED, false, s, 10_000_000L * c));
        }
        // the lineage: one window per distinct concept, in the order first seen; a return shares its window
        Map<String, Integer> versionOf = new LinkedHashMap<>();
        TreeMap<Integer, List<LabelledEvent>> lineage = new TreeMap<>();
        OfflineTraining.Network champion = null;
        for (int c = 0; c < stream.concepts().size(); c++) {
          List<LabelledEvent> events = concepts.get(c);
          String concept = conceptKey(stream.concepts().get(c));
          if (c > 0) {
            Strategy.LineageWindows windows = Strategy.LineageWindows.of(lineage);
            List<LabelledEvent> championWindow = lineage.get(versionOf.get(conceptKey(stream.concepts().get(c - 1))));
            drift(stream, seed, c, champion, championWindow, windows, events, settings, rows);
          }
          champion = OfflineTraining.train("champion", events.subList(0, WINDOW), settings);
          if (!versionOf.containsKey(concept)) {
            versionOf.put(concept, versionOf.size() + 1);
            lineage.put(versionOf.get(concept), events.subList(0, WINDOW));
          }
        }
        System.out.printf(Locale.ROOT, "%s seed %d done (%.0f s so far)%n", stream.name(), seed,
            (System.nanoTime() - benchStarted) / 1e9);
      }
    }
    double benchSeconds = (System.nanoTime() - benchStarted) / 1e9;

    String command = BenchCommand.only("metastart");
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "meta-learned starting points (meta-start) against the champion's and fresh weights");
    report.put("command", command);
    report.put("sizes", SIZES);
    report.put("champion_window", WINDOW);
    report.put("scored_events", SCORED);
    report.put("training", settings(defaults));
    report.put("seeds", seeds);
    report.put("bench_seconds", benchSeconds);
    report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version"));
    report.put("runs", rows);
    Files.createDirectories(out);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(out.resolve("meta-start.json").toFile(), report);
    String md = markdown(rows, command, defaults, seeds, report.get("machine"), benchSeconds);
    Files.writeString(out.resolve("meta-start.md"), md);
    System.out.println(md);
  }

  /** The starts at one drift, trained on growing prefixes of the new concept. */
  private static void drift(Stream stream, int seed, int c, OfflineTraining.Network champion,
      List<LabelledEvent> championWindow, Strategy.LineageWindows windows, List<LabelledEvent> events,
      TrainingSettings settings, List<Map<String, Object>> rows) {
    List<LabelledEvent> fresh = events.subList(WINDOW, events.size());
    for (String start : STARTS) {
      Strategy strategy = Strategy.parse(start);
      for (int n : SIZES) {
        OfflineTraining.Network trained = OfflineTraining.adapt(strategy, champion, championWindow, windows,
            fresh.subList(0, n), settings, AdaptationSettings.DEFAULTS);
        double accuracy = OfflineTraining.accuracy(trained, fresh.subList(n, n + SCORED));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("stream", stream.name());
        row.put("seed", seed);
        row.put("drift", c);
        row.put("from", stream.concepts().get(c - 1));
        row.put("to", stream.concepts().get(c));
        row.put("past_windows", windows.size());
        row.put("start", start);
        row.put("n", n);
        row.put("accuracy", accuracy);
        row.put("seconds", trained.seconds());
        row.put("figures", new TreeMap<>(trained.figures()));
        rows.add(row);
        System.out.printf(Locale.ROOT, "%s seed %d drift %d %-12s → %-12s %-14s n %4d accuracy %.4f %5.1f s%n",
            stream.name(), seed, c, stream.concepts().get(c - 1), stream.concepts().get(c), start, n, accuracy,
            trained.seconds());
      }
    }
  }

  private static String conceptKey(String label) {
    int space = label.indexOf(' ');
    return space < 0 ? label : label.substring(0, space);
  }

  private static String settings(TrainingSettings s) {
    return String.format(Locale.ROOT, "hidden %s, %d epochs, batches of %d, Adam %.3f, newest %.0f%% held out",
        s.hiddenUnits(), s.epochs(), s.batchSize(), s.learningRate(), 100 * s.heldOutFraction());
  }

  private static String markdown(List<Map<String, Object>> rows, String command, TrainingSettings training,
      int seeds, Object machine, double benchSeconds) {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
        # Meta-learned starting points after a drift

        Regenerate: `%s` (writes this file and `meta-start.json`).

        A stream runs through a sequence of concepts. Each concept's champion is a fresh network trained on
        the concept's first %,d events, and that window joins the lineage (a concept that returns shares its
        window). At each drift three starts train on the first n events of the new concept (newest 20%%
        held out, as a run does): **champion** fine-tunes every layer from the serving champion's weights
        (`fine-tune:all`), **scratch** trains fresh weights (`retrain`), **meta** fine-tunes every layer from
        a Reptile start learned on the lineage's windows (`meta-start`; with one window it is the champion
        start, so the first drift is left out below). Each is scored on the next %,d events of the new
        concept. Training: %s (the loop's defaults); Reptile: 200 meta-iterations of 10 Adam steps on
        batches of 32, ε 0.5 annealed to 0. **Recover** is the smallest n whose accuracy is within %.2f of
        scratch trained on %,d events of that concept (the first n that reaches it; "> 1600" when none
        does). Mean ± standard error over seeds 1–%d and the drifts of each kind. %s; the whole run took
        %.0f s on a machine shared with other work, so seconds are rough.

        """, command, WINDOW, SCORED, settings(training), RECOVERED, WINDOW, seeds, machine, benchSeconds));
    for (Stream stream : STREAMS) {
      md.append("## ").append(stream.name()).append("\n\n").append(stream.description()).append(".\n\n");
      md.append("| drift | start |");
      for (int n : SIZES) {
        md.append(" n = ").append(n).append(" |");
      }
      md.append(" recover (events) | meta-training (s) |\n|---|---|");
      md.append("---:|".repeat(SIZES.length)).append("---:|---:|\n");
      int drifts = stream.concepts().size() - 1;
      for (int c = 2; c <= drifts; c++) {
        int drift = c;
        for (String start : STARTS) {
          md.append("| ").append(stream.concepts().get(c - 1)).append(" → ").append(stream.concepts().get(c))
              .append(" (").append(c).append(" windows) | ").append(label(start)).append(" |");
          for (int n : SIZES) {
            md.append(' ').append(meanSe(values(rows, stream.name(), c, start, n))).append(" |");
          }
          double[] recover = recovery(rows, stream.name(), c, start, seeds);
          double[] meta = rows.stream().filter(r -> matches(r, stream.name(), drift, start) && (int) r.get("n") == SIZES[0])
              .mapToDouble(r -> figure(r, "meta_seconds")).toArray();
          md.append(' ').append(recoveryText(recover)).append(" | ")
              .append(start.equals("meta-start") ? String.format(Locale.ROOT, "%.1f", mean(meta)) : "–")
              .append(" |\n");
        }
      }
      md.append('\n');
      for (int n : new int[] {400, 800}) {
        md.append(compare(rows, stream.name(), drifts, n, "meta-start", "fine-tune:all")).append('\n');
        md.append(compare(rows, stream.name(), drifts, n, "meta-start", "retrain")).append('\n');
      }
      md.append('\n');
    }
    return md.toString();
  }

  private static String label(String start) {
    return switch (start) {
      case "fine-tune:all" -> "champion";
      case "retrain" -> "scratch";
      case "meta-start" -> "meta";
      default -> start;
    };
  }

  private static boolean matches(Map<String, Object> r, String stream, int drift, String start) {
    return r.get("stream").equals(stream) && (int) r.get("drift") == drift && r.get("start").equals(start);
  }

  private static double figure(Map<String, Object> row, String name) {
    @SuppressWarnings("unchecked")
    Map<String, Double> figures = (Map<String, Double>) row.get("figures");
    return figures.getOrDefault(name, 0.0);
  }

  private static double[] values(List<Map<String, Object>> rows, String stream, int drift, String start, int n) {
    return rows.stream().filter(r -> matches(r, stream, drift, start) && (int) r.get("n") == n)
        .mapToDouble(r -> (double) r.get("accuracy")).toArray();
  }

  /** Per seed, the events {@code start} needed to come within {@link #RECOVERED} of scratch on {@link #WINDOW}; +∞ when it never did. */
  private static double[] recovery(List<Map<String, Object>> rows, String stream, int drift, String start,
      int seeds) {
    double[] recover = new double[seeds];
    for (int seed = 1; seed <= seeds; seed++) {
      int s = seed;
      double target = rows.stream().filter(r -> matches(r, stream, drift, "retrain") && (int) r.get("seed") == s
          && (int) r.get("n") == WINDOW).mapToDouble(r -> (double) r.get("accuracy")).findFirst().orElseThrow();
      recover[seed - 1] = Double.POSITIVE_INFINITY;
      for (int n : SIZES) {
        double accuracy = rows.stream().filter(r -> matches(r, stream, drift, start) && (int) r.get("seed") == s
            && (int) r.get("n") == n).mapToDouble(r -> (double) r.get("accuracy")).findFirst().orElseThrow();
        if (accuracy >= target - RECOVERED) {
          recover[seed - 1] = n;
          break;
        }
      }
    }
    return recover;
  }

  private static String recoveryText(double[] recover) {
    long never = java.util.Arrays.stream(recover).filter(Double::isInfinite).count();
    double[] finite = java.util.Arrays.stream(recover).filter(Double::isFinite).toArray();
    String seedsText = java.util.Arrays.stream(recover).mapToObj(v -> Double.isInfinite(v) ? "> 1600"
        : String.format(Locale.ROOT, "%.0f", v)).collect(java.util.stream.Collectors.joining(", "));
    return never == 0 ? String.format(Locale.ROOT, "%.0f (%s)", mean(finite), seedsText) : seedsText;
  }

  /** {@code a} minus {@code b} at {@code n}, over the drifts with two or more past windows, paired by seed and drift. */
  private static String compare(List<Map<String, Object>> rows, String stream, int drifts, int n, String a, String b) {
    List<Double> differences = new ArrayList<>();
    for (int c = 2; c <= drifts; c++) {
      double[] x = values(rows, stream, c, a, n);
      double[] y = values(rows, stream, c, b, n);
      for (int i = 0; i < x.length; i++) {
        differences.add(x[i] - y[i]);
      }
    }
    double[] d = differences.stream().mapToDouble(Double::doubleValue).toArray();
    double se = standardError(d);
    return String.format(Locale.ROOT, "- n = %d: %s %s %s by %.4f on average over %d drifts × seeds (%.1f standard"
        + " errors of the paired difference).", n, label(a), mean(d) >= 0 ? "beats" : "trails", label(b),
        Math.abs(mean(d)), d.length, se > 0 ? Math.abs(mean(d)) / se : Double.NaN);
  }

  private static String meanSe(double[] v) {
    return String.format(Locale.ROOT, "%.4f ± %.4f", mean(v), standardError(v));
  }
}
