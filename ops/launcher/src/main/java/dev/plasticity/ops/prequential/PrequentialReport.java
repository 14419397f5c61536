package dev.plasticity.ops.prequential;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The prequential benchmark's report: for each stream, every learner's scores on the same rows and what the loop did,
 * with the command that regenerates it and the machine it ran on. Written as JSON (everything, block by block),
 * Markdown (the tables a reader compares) and one accuracy-over-time chart per stream.
 *
 * @param title what was compared
 * @param command the command that regenerates this report
 * @param machine the machine it ran on
 * @param generatedAt when, ISO-8601
 * @param streams one result per stream
 */
public record PrequentialReport(String title, String command, String machine, String generatedAt,
    List<StreamResult> streams) {

  public PrequentialReport {
    streams = List.copyOf(streams);
  }

  /** The machine in words: cores, memory, JVM and OS. */
  public static String thisMachine() {
    Runtime rt = Runtime.getRuntime();
    return String.format(Locale.ROOT, "%d cores, %.1f GiB max heap, Java %s (%s), %s %s", rt.availableProcessors(),
        rt.maxMemory() / (1024.0 * 1024 * 1024), System.getProperty("java.version"), System.getProperty("java.vm.name"),
        System.getProperty("os.name"), System.getProperty("os.arch"));
  }

  /**
   * Writes {@code <base>.json}, {@code <base>.md} and {@code <base>-<stream>.png} per stream into {@code dir}.
   *
   * @return the files written
   */
  public List<Path> write(Path dir, String base) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    Path json = dir.resolve(base + ".json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), this);
    written.add(json);
    Path md = dir.resolve(base + ".md");
    Files.writeString(md, markdown(base));
    written.add(md);
    for (StreamResult stream : streams) {
      Path png = dir.resolve(chartName(base, stream));
      AccuracyChart.write(stream, png);
      written.add(png);
    }
    return written;
  }

  static String chartName(String base, StreamResult stream) {
    return base + "-" + stream.stream().replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
  }

  /** The Markdown report; charts are linked as {@code <base>-<stream>.png}. */
  public String markdown(String base) {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(title).append("\n\n");
    md.append("Regenerate with:\n\n```\n").append(command).append("\n```\n\n");
    md.append("Machine: ").append(machine).append(". Generated ").append(generatedAt).append(".\n\n");
    md.append("Each stream is replayed prequentially (test, then train): every row after the bootstrap is predicted ")
        .append("by the version the loop serves at that moment, then its label is published. Every learner is scored ")
        .append("on the same rows in the same order. Kappa is Cohen's; temporal kappa is the gain over predicting the ")
        .append("previous label (0: no better than no-change).\n\n");
    md.append("## Summary\n\n| stream | rows | loop | frozen v1 | no-change | majority | best reference | loop − best of frozen/no-change | loop − best reference |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |\n");
    for (StreamResult s : streams) {
      Optional<StreamResult.LearnerResult> bestRef = best(s, StreamResult.Role.REFERENCE);
      md.append("| ").append(s.stream()).append(" | ").append(s.scoredRows())
          .append(" | ").append(acc(s, "loop")).append(" | ").append(acc(s, "frozen v1"))
          .append(" | ").append(acc(s, "no-change")).append(" | ").append(acc(s, "majority"))
          .append(" | ").append(bestRef.map(r -> r.name() + " " + f(r.score().accuracy())).orElse("–"))
          .append(" | ").append(signed(gapToTrivial(s))).append(" | ")
          .append(signed(bestRef.map(r -> diff(loop(s), r)).orElse(null))).append(" |\n");
    }
    md.append("\nGaps are in accuracy points (loop minus the other), over the scored rows.\n");
    for (StreamResult s : streams) {
      stream(md, s, base);
    }
    return md.toString();
  }

  private static void stream(StringBuilder md, StreamResult s, String base) {
    md.append("\n## ").append(s.stream()).append("\n\n");
    md.append(String.format(Locale.ROOT, "Source: %s. %,d rows: version 1 trained on the first %,d, %,d scored in "
            + "blocks of %,d; replayed at %,d events/s asked, %,.0f kept.%s%s%n%n", s.source(), s.rows(), s.bootstrapRows(),
        s.scoredRows(), s.blockSize(), s.eventsPerSecond(), s.achievedEventsPerSecond(),
        s.driftRows().isEmpty() ? " No drift position (incremental drift, or unknown)." : " Drifts centred at rows "
            + s.driftRows() + ".",
        s.completed() ? "" : " **The replay stopped at its timeout before the end of the stream.**"));
    if (s.skippedRows() > 0) {
      md.append("Rows skipped for bad values: ").append(s.skippedRows()).append(" (first: ")
          .append(s.skippedExamples().stream().limit(5).map(r -> "line " + r.line() + ": " + r.reason()).toList())
          .append(").\n\n");
    }
    md.append("| learner | role | accuracy | kappa | temporal kappa | worst block | last block |\n");
    md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (StreamResult.LearnerResult l : s.learners()) {
      List<Double> blocks = l.score().blockAccuracy();
      md.append("| ").append(l.name()).append(" | ").append(l.role().name().toLowerCase(Locale.ROOT)).append(" | ")
          .append(f(l.score().accuracy())).append(" | ").append(f(l.score().kappa())).append(" | ")
          .append(f(l.score().temporalKappa())).append(" | ")
          .append(blocks.isEmpty() ? "–" : f(blocks.stream().mapToDouble(Double::doubleValue).min().orElse(0)))
          .append(" | ").append(blocks.isEmpty() ? "–" : f(blocks.get(blocks.size() - 1))).append(" |\n");
    }
    md.append("\n![accuracy per block](").append(chartName(base, s)).append(")\n\n");
    StreamResult.LoopFacts loop = s.loop();
    md.append(String.format(Locale.ROOT, "Loop: %d trigger(s) %s; %d version(s) registered, %d served; lost gates "
            + "(challengers not promoted) %d; registered but never served %d; strategies %s; trainer outcomes %s; failed "
            + "predictions %d.%n", loop.triggers().size(), loop.triggersByKindAndSignal(), loop.versionsRegistered(),
        loop.versionsServed(), loop.lostGates(), loop.registeredNeverServed(), loop.strategies(), loop.outcomes(),
        loop.failedPredictions()));
    if (!loop.driftResponses().isEmpty()) {
      md.append("\n| drift at row | trigger read at row | drift → trigger (rows / s) | new version | serving from row | drift → serving (rows / s) |\n");
      md.append("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
      for (StreamResult.DriftResponse r : loop.driftResponses()) {
        md.append("| ").append(r.driftRow()).append(" | ").append(or(r.triggerRow())).append(" | ")
            .append(r.driftToTriggerRows() == null ? "none" : r.driftToTriggerRows() + " / " + f1(r.driftToTriggerSeconds()))
            .append(" | ").append(r.servedVersion() == null ? "–" : "v" + r.servedVersion()).append(" | ")
            .append(or(r.servingRow())).append(" | ")
            .append(r.driftToServingRows() == null ? "none" : r.driftToServingRows() + " / " + f1(r.driftToServingSeconds()))
            .append(" |\n");
      }
    }
    List<StrategyUse> uses = StrategyUse.of(loop.versions());
    if (!uses.isEmpty()) {
      md.append("\nStrategies the loop chose (versions after the first):\n\n");
      md.append("| strategy | versions | served | training seconds (mean) | parameters active per row (mean) |\n");
      md.append("| --- | ---: | ---: | ---: | ---: |\n");
      for (StrategyUse u : uses) {
        md.append("| ").append(u.strategy()).append(" | ").append(u.versions()).append(" | ").append(u.served())
            .append(" | ").append(u.trainingSeconds() == null ? "–" : f1(u.trainingSeconds())).append(" | ")
            .append(u.activeParameters() == null ? "–" : String.format(Locale.ROOT, "%.0f", u.activeParameters()))
            .append(" |\n");
      }
    }
    if (!loop.versions().isEmpty()) {
      md.append("\n| version | alias | strategy | label lags | input levels | signal | trained on rows | served from row | gate |\n");
      md.append("| ---: | --- | --- | ---: | ---: | --- | --- | ---: | --- |\n");
      for (StreamResult.VersionFact v : loop.versions()) {
        md.append("| v").append(v.version()).append(" | ").append(v.alias()).append(" | ").append(or(v.strategy()))
            .append(" | ").append(v.labelLags()).append(" | ")
            .append(v.levelSpan() == 0 ? "–" : String.valueOf(v.levelSpan())).append(" | ").append(or(v.signal())).append(" | ")
            .append(v.trainedFromRow() == null ? "–" : v.trainedFromRow() + "–" + v.trainedToRow()).append(" | ")
            .append(v.servedFromRow() == null ? "never" : v.servedFromRow()).append(" | ")
            .append(v.gate() == null ? "–" : v.gate().replace("|", "/")).append(" |\n");
      }
    }
  }

  private static Optional<StreamResult.LearnerResult> best(StreamResult s, StreamResult.Role role) {
    return s.learners().stream().filter(l -> l.role() == role && l.score().accuracy() != null)
        .max((a, b) -> Double.compare(a.score().accuracy(), b.score().accuracy()));
  }

  private static StreamResult.LearnerResult loop(StreamResult s) {
    return s.learners().stream().filter(l -> l.role() == StreamResult.Role.LOOP).findFirst().orElseThrow();
  }

  /** The loop's accuracy minus the better of frozen v1 and no-change. */
  static Double gapToTrivial(StreamResult s) {
    return s.learners().stream().filter(l -> l.name().equals("frozen v1") || l.name().equals("no-change"))
        .filter(l -> l.score().accuracy() != null)
        .max((a, b) -> Double.compare(a.score().accuracy(), b.score().accuracy()))
        .map(b -> diff(loop(s), b)).orElse(null);
  }

  private static Double diff(StreamResult.LearnerResult a, StreamResult.LearnerResult b) {
    return a.score().accuracy() == null || b.score().accuracy() == null ? null
        : a.score().accuracy() - b.score().accuracy();
  }

  private static String acc(StreamResult s, String name) {
    return s.learners().stream().filter(l -> l.name().equals(name)).findFirst()
        .map(l -> f(l.score().accuracy())).orElse("–");
  }

  private static String f(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String f1(Double v) {
    return v == null ? "?" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String signed(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%+.3f", v);
  }

  private static String or(Object v) {
    return v == null ? "–" : v.toString();
  }

  /**
   * What one strategy brought to a replay: the versions after the first that it trained, how many of them served,
   * their mean training seconds and their mean parameters active per row (null where none recorded them).
   */
  record StrategyUse(String strategy, int versions, int served, Double trainingSeconds, Double activeParameters) {
    static List<StrategyUse> of(List<StreamResult.VersionFact> versions) {
      int first = versions.stream().mapToInt(StreamResult.VersionFact::version).min().orElse(1);
      java.util.Map<String, List<StreamResult.VersionFact>> byStrategy = new java.util.LinkedHashMap<>();
      for (StreamResult.VersionFact v : versions) {
        if (v.version() != first) {
          byStrategy.computeIfAbsent(String.valueOf(v.strategy()), k -> new java.util.ArrayList<>()).add(v);
        }
      }
      List<StrategyUse> uses = new java.util.ArrayList<>();
      byStrategy.forEach((strategy, vs) -> uses.add(new StrategyUse(strategy, vs.size(),
          (int) vs.stream().filter(v -> v.servedFromRow() != null).count(),
          mean(vs.stream().map(StreamResult.VersionFact::trainingSeconds).toList()),
          mean(vs.stream().map(StreamResult.VersionFact::activeParameters).toList()))));
      return uses;
    }

    private static Double mean(List<Double> values) {
      java.util.DoubleSummaryStatistics stats = values.stream().filter(java.util.Objects::nonNull)
          .mapToDouble(Double::doubleValue).summaryStatistics();
      return stats.getCount() == 0 ? null : stats.getAverage();
    }
  }
}
