package dev.plasticity.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plasticity.bench.DetectorTiming.ErrorStream;
import dev.plasticity.bench.DetectorTiming.Run;
import dev.plasticity.generators.ArfStreams;
import dev.plasticity.generators.BenchmarkStream;
import dev.plasticity.generators.BenchmarkStream.DriftType;
import dev.plasticity.generators.Drift;
import dev.plasticity.streamjobs.drift.ChangeDetectorKind;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Our concept-drift detectors against MOA's on the same error streams.
 *
 * <p>Streams: all of {@link ArfStreams} (module ops/generators), the synthetic streams of the Adaptive Random Forest
 * paper (Gomes et al. 2017, Machine Learning 106) plus STAGGER: SEA, AGR, LED and STAGGER with abrupt ({@code _a},
 * width 50) and gradual ({@code _g}, width 50,000) drifts at 250,000, 500,000 and 750,000, and RBF_m, RBF_f and HYPER,
 * which drift incrementally from the first instance. Our generators equal MOA's instance for instance (tested in
 * ops/generators). The error stream is the prequential error (test, then train) of MOA's incremental Naive Bayes,
 * never reset (see {@link PrequentialErrors}), so every detector reads the very same 0/1 sequence.
 *
 * <p>Scoring, per detector and stream, on the 1-based instance count t of {@link Drift}: a drift at position p with
 * width w is <em>detected</em> by the first alarm with t in [p − w/2, p + w/2 + 10,000); its delay is that t minus
 * (p − w/2), where the new concept's share is 12% (MOA's sigmoid). Further alarms in that span are repeats, not
 * counted; every alarm outside all spans is a false alarm. A drift with no alarm in its span is missed. The
 * incremental streams have no drift positions (the concept moves after every instance), so every alarm on them is
 * counted as a false alarm and nothing is detected, missed or delayed: they compare our alarm rate with MOA's.
 *
 * <p>Cost: nanoseconds per update over the whole stream, measured by {@link DetectorTiming} in a JVM of its own for
 * each detector implementation, best of {@value DetectorTiming#PASSES} passes. Ours counts as no higher than MOA's
 * within {@value #COST_ALLOWANCE_PERCENT}%, an allowance for timer noise on a shared machine.
 */
public final class DriftDetectorBench {
  private static final int TOLERANCE = 10_000;
  static final int COST_ALLOWANCE_PERCENT = 5;

  /** A stream's errors and the drifts it is scored against (those within the events drawn). */
  record Workload(String name, DriftType driftType, List<Drift> drifts, byte[] errors) {}

  record Score(String detector, String implementation, String stream, int detected, int missed, Double meanDelay,
      double falseAlarmsPerMillion, long alarms, double nanosPerUpdate, double updatesPerSecond) {}

  public static void main(String[] args) throws Exception {
    long events = ArfStreams.NUM_INSTANCES;
    Path out = Path.of("docs/reports");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--events" -> events = Long.parseLong(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i] + " (known: --events N --out DIR)");
      }
    }
    if (events < 1 || events > ArfStreams.NUM_INSTANCES) {
      throw new IllegalArgumentException("--events is 1 to " + ArfStreams.NUM_INSTANCES + " (the streams' length;"
          + " fewer cut them short and drop the drifts past the cut), got " + events);
    }
    List<Workload> workloads = new ArrayList<>();
    for (String name : ArfStreams.NAMES) {
      long started = System.nanoTime();
      BenchmarkStream stream = ArfStreams.byName(name);
      long n = events;
      List<Drift> drifts = stream.drifts().stream().filter(d -> d.position() <= n).toList();
      byte[] errors = PrequentialErrors.naiveBayes(stream.stream(), (int) events);
      workloads.add(new Workload(name, stream.driftType(), drifts, errors));
      System.out.printf(Locale.ROOT, "%-10s %d events, error rate %.3f, %.1f s to generate and learn%n", name, events,
          mean(errors), (System.nanoTime() - started) / 1e9);
    }

    Path streamsFile = Files.createTempFile("drift-detector-errors", ".bin");
    Map<String, Run> runs = new HashMap<>();
    try {
      DetectorTiming.writeStreams(streamsFile,
          workloads.stream().map(w -> new ErrorStream(w.name(), w.errors())).toList());
      for (ChangeDetectorKind kind : ChangeDetectorKind.values()) {
        for (String impl : List.of(DetectorTiming.OURS, DetectorTiming.MOA)) {
          if (DetectorTiming.factory(kind, impl) == null) {
            continue;
          }
          long started = System.nanoTime();
          for (Run run : timeInOwnJvm(kind, impl, streamsFile)) {
            runs.put(key(kind.name(), impl, run.stream()), run);
          }
          System.out.printf(Locale.ROOT, "%-12s %-10s timed in %.1f s%n", kind, impl, (System.nanoTime() - started) / 1e9);
        }
      }
    } finally {
      Files.deleteIfExists(streamsFile);
    }

    List<Score> scores = new ArrayList<>();
    for (Workload w : workloads) {
      for (ChangeDetectorKind kind : ChangeDetectorKind.values()) {
        for (String impl : List.of(DetectorTiming.OURS, DetectorTiming.MOA)) {
          Run run = runs.get(key(kind.name(), impl, w.name()));
          if (run != null) {
            scores.add(score(kind.name(), impl, w, run));
          }
        }
      }
    }
    write(out, events, workloads, scores);
  }

  private static String key(String detector, String implementation, String stream) {
    return detector + "/" + implementation + "/" + stream;
  }

  /** Runs {@link DetectorTiming} for one implementation in a fresh JVM with this JVM's options and class path. */
  static List<Run> timeInOwnJvm(ChangeDetectorKind kind, String implementation, Path streamsFile)
      throws IOException, InterruptedException {
    Path result = Files.createTempFile("drift-detector-runs", ".bin");
    try {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), DetectorTiming.class.getName(), kind.name(),
          implementation, streamsFile.toString(), result.toString()));
      int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException("timing " + implementation + " " + kind + " failed with exit code " + exit);
      }
      return DetectorTiming.readRuns(result);
    } finally {
      Files.deleteIfExists(result);
    }
  }

  static Score score(String detector, String implementation, Workload workload, Run run) {
    int[] alarms = run.alarms(); // 0-based indices; instance count t = index + 1
    int detected = 0;
    long delaySum = 0;
    boolean[] counted = new boolean[alarms.length];
    for (Drift drift : workload.drifts()) {
      long from = drift.position() - drift.width() / 2;
      long to = drift.position() + drift.width() / 2 + TOLERANCE;
      boolean first = true;
      for (int a = 0; a < alarms.length; a++) {
        long t = alarms[a] + 1L;
        if (t >= from && t < to) {
          counted[a] = true;
          if (first) {
            detected++;
            delaySum += t - from;
            first = false;
          }
        }
      }
    }
    long falseAlarms = 0;
    for (boolean c : counted) {
      if (!c) {
        falseAlarms++;
      }
    }
    int length = workload.errors().length;
    double nanos = run.bestNanos() / (double) length;
    return new Score(detector, implementation, workload.name(), detected, workload.drifts().size() - detected,
        detected == 0 ? null : delaySum / (double) detected, falseAlarms * 1e6 / length, alarms.length, nanos,
        1e9 / nanos);
  }

  static double mean(byte[] bits) {
    long sum = 0;
    for (byte b : bits) {
      sum += b;
    }
    return sum / (double) bits.length;
  }

  static void write(Path dir, long events, List<Workload> workloads, List<Score> scores) throws Exception {
    Files.createDirectories(dir);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "concept-drift detectors, Plasticity vs MOA " + moa.core.Globals.getWorkbenchInfoString().split("\n")[0]);
    report.put("command", "mvn -B -Pbench -DskipTests -pl ops/bench -am package");
    report.put("events_per_stream", events);
    report.put("streams", "dev.plasticity.generators.ArfStreams (ops/generators; equal to MOA's generators instance"
        + " for instance): " + workloads.stream().map(w -> w.name() + " " + w.driftType().name().toLowerCase(Locale.ROOT)
            + (w.drifts().isEmpty() ? "" : " " + w.drifts().stream().map(d -> d.position() + "/w" + d.width())
                .collect(Collectors.joining(" ")))).collect(Collectors.joining(", ")));
    report.put("error_stream", "prequential 0/1 error of MOA NaiveBayes, never reset; the same array for every detector");
    report.put("scoring", "on the 1-based instance count: detected: first alarm in [p - w/2, p + w/2 + " + TOLERANCE
        + "); delay from p - w/2; other alarms in that span are repeats; alarms outside every span are false alarms;"
        + " streams with incremental drift have no positions, so all their alarms count as false alarms");
    report.put("cost", "ns per update over the whole stream, best of " + DetectorTiming.PASSES + " passes interleaved"
        + " across streams, each implementation of each detector in a JVM of its own; ours counts as no higher than"
        + " MOA's when at most " + COST_ALLOWANCE_PERCENT + "% above it (timer noise on a shared machine)");
    report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.version"));
    report.put("results", scores);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("drift-detectors.json").toFile(), report);

    String incremental = workloads.stream().filter(w -> w.driftType() == DriftType.INCREMENTAL).map(Workload::name)
        .collect(Collectors.joining(", "));
    StringBuilder md = new StringBuilder();
    md.append("# Concept-drift detectors: Plasticity vs MOA\n\n")
        .append("Regenerate: `").append(report.get("command")).append("` (writes this file and `drift-detectors.json`).\n\n")
        .append(String.format(Locale.ROOT, "%,d", events)).append(" events per stream, from `ArfStreams` (ops/generators,"
            + " equal to MOA's generators instance for instance): SEA, AGR, LED and STAGGER drift at ")
        .append(ArfStreams.DRIFT_POSITIONS.stream().map(p -> String.format(Locale.ROOT, "%,d", p))
            .collect(Collectors.joining(", ")))
        .append(String.format(Locale.ROOT, " with width %,d (`_a`) or %,d (`_g`); ", ArfStreams.ABRUPT_WIDTH,
            ArfStreams.GRADUAL_WIDTH))
        .append(incremental).append(" drift incrementally from the first instance. ")
        .append("Error stream: ").append(report.get("error_stream")).append(".\n\n")
        .append("Scoring, on the 1-based instance count: a drift at p with width w is detected by the first alarm in"
            + " [p − w/2, p + w/2 + ").append(String.format(Locale.ROOT, "%,d", TOLERANCE)).append("); its delay is"
            + " measured from p − w/2, where the new concept's share is 12%; other alarms in that span are repeats;"
            + " alarms outside every span are false alarms.\n\n")
        .append("**Streams with incremental drift (").append(incremental).append(") are scored by false alarms only.**"
            + " They have no drift positions, because their concept moves a little after every instance, so no alarm"
            + " can be matched to a drift: every alarm is counted under false alarms, and detected, missed and delay"
            + " stay empty. Since the concept does keep changing, these alarms are not false in the usual sense; the"
            + " figure is there to compare our alarm rate with MOA's on the same errors.\n\n")
        .append("Cost: ").append(report.get("cost")).append(". Machine: ").append(report.get("machine")).append(".\n\n")
        .append("| stream | detector | impl | detected | missed | mean delay | false alarms / 1M | ns / update | updates / s |\n")
        .append("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (Score s : scores) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %s | %.1f | %.1f | %,.0f |%n", s.stream(), s.detector(),
          s.implementation(), s.detected(), s.missed(), s.meanDelay() == null ? "–" : String.format(Locale.ROOT, "%.0f", s.meanDelay()),
          s.falseAlarmsPerMillion(), s.nanosPerUpdate(), s.updatesPerSecond()));
    }
    md.append("\n").append(comparison(workloads, scores));
    Files.writeString(dir.resolve("drift-detectors.md"), md.toString());
    System.out.println(md);
  }

  /** Per shared detector: on how many streams ours is no worse than MOA's, and where it is worse. */
  static String comparison(List<Workload> workloads, List<Score> scores) {
    Map<String, Workload> byName = workloads.stream().collect(Collectors.toMap(Workload::name, w -> w));
    StringBuilder table = new StringBuilder("## Ours vs MOA, per detector\n\n")
        .append("| detector | streams | delay no worse | false alarms no worse | missed no worse | cost no higher |\n")
        .append("|---|---:|---:|---:|---:|---:|\n");
    List<String> worse = new ArrayList<>();
    for (ChangeDetectorKind kind : ChangeDetectorKind.values()) {
      int n = 0, withDrifts = 0, delay = 0, fa = 0, missed = 0, cost = 0;
      for (Score ours : scores) {
        if (!ours.detector().equals(kind.name()) || !ours.implementation().equals(DetectorTiming.OURS)) {
          continue;
        }
        Score theirs = scores.stream().filter(s -> s.detector().equals(ours.detector()) && s.stream().equals(ours.stream())
            && s.implementation().equals(DetectorTiming.MOA)).findFirst().orElse(null);
        if (theirs == null) {
          continue;
        }
        n++;
        String where = kind + " on " + ours.stream() + ": ";
        if (!byName.get(ours.stream()).drifts().isEmpty()) {
          withDrifts++;
          double od = ours.meanDelay() == null ? Double.MAX_VALUE : ours.meanDelay();
          double td = theirs.meanDelay() == null ? Double.MAX_VALUE : theirs.meanDelay();
          if (od <= td) {
            delay++;
          } else {
            worse.add(where + "mean delay " + format(ours.meanDelay()) + " vs MOA's " + format(theirs.meanDelay()));
          }
          if (ours.missed() <= theirs.missed()) {
            missed++;
          } else {
            worse.add(where + "missed " + ours.missed() + " vs MOA's " + theirs.missed());
          }
        }
        if (ours.falseAlarmsPerMillion() <= theirs.falseAlarmsPerMillion()) {
          fa++;
        } else {
          worse.add(String.format(Locale.ROOT, "%sfalse alarms / 1M %.1f vs MOA's %.1f", where,
              ours.falseAlarmsPerMillion(), theirs.falseAlarmsPerMillion()));
        }
        if (ours.nanosPerUpdate() <= theirs.nanosPerUpdate() * (1 + COST_ALLOWANCE_PERCENT / 100.0)) {
          cost++;
        } else {
          worse.add(String.format(Locale.ROOT, "%scost %.1f vs MOA's %.1f ns / update (+%.0f%%)", where,
              ours.nanosPerUpdate(), theirs.nanosPerUpdate(), 100 * (ours.nanosPerUpdate() / theirs.nanosPerUpdate() - 1)));
        }
      }
      if (n > 0) {
        table.append(String.format(Locale.ROOT, "| %s | %d | %d of %d | %d of %d | %d of %d | %d of %d |%n", kind, n,
            delay, withDrifts, fa, n, missed, withDrifts, cost, n));
      }
    }
    table.append("\nDelay and missed drifts are compared on the streams with drift positions only; false alarms and"
            + " cost on every stream. ")
        .append("**Cost allowance: ours counts as \"no higher\" when its ns / update is at most ")
        .append(COST_ALLOWANCE_PERCENT).append("% above MOA's** (ours ≤ ")
        .append(String.format(Locale.ROOT, "%.2f", 1 + COST_ALLOWANCE_PERCENT / 100.0))
        .append(" × MOA's), to allow for timer noise on a shared machine; within that margin the two are not told"
            + " apart.\n\n")
        .append("Where ours is worse than MOA's").append(worse.isEmpty() ? ": nowhere.\n" : ":\n\n");
    for (String w : worse) {
      table.append("- ").append(w).append("\n");
    }
    return table.append("\nKSWIN has no MOA counterpart; its rows stand alone.\n").toString();
  }

  private static String format(Double delay) {
    return delay == null ? "none (all missed)" : String.format(Locale.ROOT, "%.0f", delay);
  }
}
