package dev.plasticity.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plasticity.generators.AgrawalGenerator;
import dev.plasticity.generators.HyperplaneGenerator;
import dev.plasticity.generators.PrequentialStreams;
import dev.plasticity.generators.SeaGenerator;
import dev.plasticity.generators.StreamGenerator;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.ExitCalibration;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.LatencyProbe;
import dev.plasticity.trainer.network.NetworkCost;
import dev.plasticity.trainer.network.NetworkTraining;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Early exits on four streams: for each stream and seed, a network with an exit after
 * each hidden layer is trained with every exit supervised, its threshold calibrated on the newest
 * 20% of the window (at most 0.005 of held-out accuracy lost against its own full depth), and
 * compared with the plain network of the same widths trained on the same events: held-out accuracy,
 * mean layers used, multiply–adds per row, and wall time of the forward pass over the held-out rows
 * one at a time and in one batch, for the plain network, the network with exits at full depth and at
 * its calibrated threshold. The three forward passes run in turn within each round; the report gives
 * the median over rounds.
 */
public final class EarlyExitBench {
  private record Case(String name, String description, LongFunction<StreamGenerator> generator) {}

  private static final List<Case> CASES = List.of(
      new Case("SEA", "SEA function 1 (x1 + x2 <= 8), 10% label noise", seed -> new SeaGenerator(1, false, 10, seed)),
      new Case("AGR", "Agrawal function 1 (age bands), 5% perturbation",
          seed -> new AgrawalGenerator(1, 0.05, false, seed)),
      new Case("Hyperplane", "a fixed hyperplane in 10 dimensions, 5% label noise",
          seed -> new HyperplaneGenerator(2, 10, 0, 0.0, 5, 10, seed)),
      new Case("RBF", "RandomRBF, 5 classes, 50 centroids moving at 0.001 per row (the prequential benchmark's"
          + " rbf-moving)", seed -> PrequentialStreams.byName("rbf-moving", 100_000, seed).stream()));

  public static void main(String[] args) throws Exception {
    Path out = Path.of("docs/reports");
    int seeds = 3;
    int events = 5000;
    int epochs = 15;
    int rounds = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--seeds" -> seeds = Integer.parseInt(args[++i]);
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]
            + " (known: --out DIR --seeds N --events N --epochs N --rounds N)");
      }
    }
    List<Integer> hidden = List.of(64, 64, 64);
    double maxLoss = 0.005;
    List<Map<String, Object>> rows = new ArrayList<>();
    long started = System.nanoTime();
    for (Case c : CASES) {
      for (int seed = 1; seed <= seeds; seed++) {
        List<LabelledEvent> window = AdaptationBench.events(c.generator().apply(seed), events, false, seed, 0);
        LabelledData data = LabelledData.split(window, 0.2);
        TrainingSettings settings = TrainingSettings.DEFAULTS.withHiddenUnits(hidden).withEpochs(epochs).withSeed(seed);
        List<String> features = List.copyOf(window.get(0).getFeatures().keySet());
        int classes = Math.max(2, data.numClasses());
        Architecture plain = NetworkTraining.architecture(features, data.train(), classes, hidden);
        Architecture exits = Architecture.newBuilder(plain).setEarlyExits(true)
            .setExitConfidence(ExitCalibration.FULL_DEPTH).build();
        ConstraintCheck unconstrained = new ConstraintCheck(List.of(), LatencyProbe.standard());
        NetworkTraining.Result plainResult = NetworkTraining.train(c.name(), data, unconstrained.check(plain), settings,
            NetworkTraining.EpochListener.QUIET);
        NetworkTraining.Result exitResult = NetworkTraining.train(c.name(), data, unconstrained.check(exits), settings,
            NetworkTraining.EpochListener.QUIET);
        ExitCalibration.Result calibration;
        try (Model model = ModelFormat.load(c.name(), exits, exitResult.artifact())) {
          calibration = ExitCalibration.calibrate(model, exits, data.events(), data.trainSize(), maxLoss);
        }
        Architecture calibrated = Architecture.newBuilder(exits).setExitConfidence(calibration.confidence()).build();
        float[][] heldOut = Arrays.copyOfRange(NetworkTraining.encode(plain, data.events()), data.trainSize(),
            data.events().size());

        Map<String, Object> row = new LinkedHashMap<>();
        row.put("case", c.name());
        row.put("seed", seed);
        row.put("plain_accuracy", plainResult.heldOutAccuracy());
        row.put("full_depth_accuracy", calibration.fullDepthAccuracy());
        row.put("exit_accuracy", calibration.accuracy());
        row.put("exit_confidence", calibration.confidence());
        row.put("mean_layers", calibration.meanLayers());
        row.put("exit_shares", calibration.exitShares());
        row.put("plain_multiply_adds", NetworkCost.multiplyAdds(plain));
        row.put("full_depth_multiply_adds", NetworkCost.multiplyAdds(exits));
        row.put("expected_multiply_adds", NetworkCost.expectedMultiplyAdds(calibrated, calibration.shares()));
        double[][] timings = new double[6][rounds]; // {plain, full depth, calibrated} × {one row, one batch}
        try (Model plainModel = ModelFormat.load("plain", plain, plainResult.artifact());
            Model fullModel = ModelFormat.load("full", exits, exitResult.artifact());
            Model exitModel = ModelFormat.load("exits", calibrated, exitResult.artifact())) {
          Model[] models = {plainModel, fullModel, exitModel};
          for (int w = 0; w < 3; w++) { // warm-up
            for (Model m : models) {
              rowByRow(m, heldOut);
              batch(m, heldOut);
            }
          }
          for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < models.length; m++) {
              timings[m][r] = rowByRow(models[m], heldOut);
              timings[3 + m][r] = batch(models[m], heldOut);
            }
          }
        }
        String[] names = {"plain_row_us", "full_depth_row_us", "exit_row_us", "plain_batch_us", "full_depth_batch_us",
            "exit_batch_us"};
        for (int i = 0; i < names.length; i++) {
          row.put(names[i], median(timings[i]));
        }
        rows.add(row);
        System.out.println(row);
      }
    }
    double benchSeconds = (System.nanoTime() - started) / 1e9;

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "early exits against the plain network of the same widths");
    report.put("command", BenchCommand.only("earlyexits"));
    report.put("events_per_window", events);
    report.put("epochs", epochs);
    report.put("hidden_units", hidden);
    report.put("max_accuracy_loss", maxLoss);
    report.put("seeds", seeds);
    report.put("rounds", rounds);
    report.put("bench_seconds", benchSeconds);
    String machine = Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
        + String.format(Locale.ROOT, ", load average %.1f at the end",
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    report.put("machine", machine);
    report.put("runs", rows);
    Files.createDirectories(out);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("early-exits.json").toFile(),
        report);

    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
        # Early exits against the plain network

        Regenerate: `%s` (writes this file and `early-exits.json`).

        For each stream and seed: %,d events (newest 20%% held out); a plain %s relu network and the same
        widths with an exit after each hidden layer, each trained %d epochs (Adam 0.01, batches of 64, the
        same seed); the network with exits has every exit supervised (the mean of their cross-entropies), and
        its threshold is the lowest whose held-out accuracy is at most %.3f below its own full depth. **plain**,
        **full depth** and **exits** are held-out accuracies; **layers** the mean hidden layers a held-out row
        ran through at the threshold (of %d); **multiply-adds** per row: plain, and with exits expected over where
        rows leave. Times are the forward pass (`block.forward` in inference mode, as a consumer serves) over the
        %,d held-out rows, one row per call (µs per row) and all in one batch (µs per row), median of %d rounds
        in which the three networks run in turn. Mean over seeds 1–%d. %s; the run took %.0f s. Other work on
        the machine moves the times.

        """, report.get("command"), events, hidden, epochs, maxLoss, hidden.size(), events / 5, rounds, seeds, machine,
        benchSeconds));
    for (Case c : CASES) {
      List<Map<String, Object>> runs = rows.stream().filter(r -> r.get("case").equals(c.name())).toList();
      md.append("## ").append(c.name()).append("\n\n").append(c.description()).append(".\n\n")
          .append("| | plain | full depth | exits |\n|---|---:|---:|---:|\n")
          .append(String.format(Locale.ROOT, "| held-out accuracy | %.4f | %.4f | %.4f |%n", mean(runs, "plain_accuracy"),
              mean(runs, "full_depth_accuracy"), mean(runs, "exit_accuracy")))
          .append(String.format(Locale.ROOT, "| mean hidden layers used | %d | %d | %.2f |%n", hidden.size(),
              hidden.size(), mean(runs, "mean_layers")))
          .append(String.format(Locale.ROOT, "| multiply-adds per row | %.0f | %.0f | %.0f |%n",
              mean(runs, "plain_multiply_adds"), mean(runs, "full_depth_multiply_adds"),
              mean(runs, "expected_multiply_adds")))
          .append(String.format(Locale.ROOT, "| µs per row, one row per call | %.1f | %.1f | %.1f |%n",
              mean(runs, "plain_row_us"), mean(runs, "full_depth_row_us"), mean(runs, "exit_row_us")))
          .append(String.format(Locale.ROOT, "| µs per row, one batch | %.2f | %.2f | %.2f |%n",
              mean(runs, "plain_batch_us"), mean(runs, "full_depth_batch_us"), mean(runs, "exit_batch_us")))
          .append(String.format(Locale.ROOT, "%nThresholds by seed %s; share of held-out rows leaving after 1, 2, 3 layers: %s.%n%n",
              runs.stream().map(r -> String.format(Locale.ROOT, "%.3f", (Double) r.get("exit_confidence"))).toList(),
              runs.stream().map(r -> Arrays.toString(Arrays.stream((double[]) r.get("exit_shares"))
                  .map(s -> Math.round(s * 1000) / 1000.0).toArray())).toList()));
    }
    Files.writeString(out.resolve("early-exits.md"), md.toString());
    System.out.println(md);
  }

  /** µs per row of {@code rows} answered one per forward call. */
  private static double rowByRow(Model model, float[][] rows) {
    ParameterStore parameters = new ParameterStore(model.getNDManager(), false);
    long started = System.nanoTime();
    for (float[] row : rows) {
      try (NDManager call = model.getNDManager().newSubManager()) {
        model.getBlock().forward(parameters, new NDList(call.create(new float[][] {row})), false).get(0).toFloatArray();
      }
    }
    return (System.nanoTime() - started) / 1e3 / rows.length;
  }

  /** µs per row of {@code rows} answered in one forward call. */
  private static double batch(Model model, float[][] rows) {
    ParameterStore parameters = new ParameterStore(model.getNDManager(), false);
    long started = System.nanoTime();
    try (NDManager call = model.getNDManager().newSubManager()) {
      model.getBlock().forward(parameters, new NDList(call.create(rows)), false).get(0).toFloatArray();
    }
    return (System.nanoTime() - started) / 1e3 / rows.length;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static double mean(List<Map<String, Object>> runs, String key) {
    return runs.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).average().orElse(Double.NaN);
  }
}
