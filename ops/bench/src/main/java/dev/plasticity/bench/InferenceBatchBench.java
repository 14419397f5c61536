package dev.plasticity.bench;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ModelLoader;
import dev.plasticity.inference.Prediction;
import dev.plasticity.registry.client.ClassProbabilities;
import dev.plasticity.registry.client.FeatureColumns;
import dev.plasticity.registry.client.InputEncoder;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.FeatureReference;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.ReferenceStatistics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The library's batch prediction against DJL's raw batched forward pass, on the same network and
 * the same rows. One model (16 features, [64, 64] relu, 2 classes) is registered in an embedded
 * registry and served by a {@link HotSwapPredictor} through a {@link ModelLoader}, as a consumer
 * serves it; the raw baseline loads the same artifact and calls the block's {@code forward} on an
 * input array built once, before timing (no encoding, no Java arrays in). For each batch size the
 * paths run in turn within each round, after a warm-up, and the report gives the median rows per
 * second over the rounds and the library's ratio to the raw pass:
 *
 * <ul>
 *   <li>{@code raw_forward}: {@code block.forward} on the prepared array; the logits stay in the engine.
 *   <li>{@code raw_forward_read}: the same plus softmax and reading the probabilities into a Java array,
 *       the least any caller needs to use an answer.
 *   <li>{@code library}: {@code HotSwapPredictor.predictBatch} on feature maps: encoding, one forward
 *       pass, one read-back, one {@link Prediction} per row (its probabilities computed when asked).
 *   <li>{@code library_columns}: the same on the rows held by column ({@link FeatureColumns}, made before
 *       timing as the raw input is), which encodes without a map look-up per row.
 *   <li>{@code library_interned_keys}: the same on maps whose keys are interned strings, as Jackson reads
 *       JSON field names, so each look-up matches by identity.
 *   <li>{@code encode_only}: the library's encoding alone, the part the raw pass skips.
 *   <li>{@code row_by_row}: for comparison, what a batch cost when each row was encoded into an array of
 *       its own ({@link ModelFormat#encode}) and read back into one ({@link ClassProbabilities}), each
 *       prediction holding a copy.
 * </ul>
 */
public final class InferenceBatchBench {
  static final List<Integer> BATCH_SIZES = List.of(1, 32, 1024);
  static final int FEATURES = 16;
  static final List<Integer> HIDDEN = List.of(64, 64);
  static final String MODEL = "bench-batch";
  /** How far the library's probabilities (softmax in Java) may be from the engine's softmax. */
  static final float MAX_SOFTMAX_DIFFERENCE = 1e-6f;

  /** Rows per second of each path in one round of one batch size. */
  record Round(double rawForward, double rawForwardRead, double library, double libraryInterned, double rowByRow,
      double encodeOnly, double libraryColumns) {}

  /** One batch size's result: medians over the rounds, and the library's ratios to the raw paths. */
  record Result(int batchSize, int batchesPerRound, int rounds, double rawForwardRowsPerSecond,
      double rawForwardReadRowsPerSecond, double libraryRowsPerSecond, double libraryInternedKeysRowsPerSecond,
      double rowByRowRowsPerSecond, double libraryToRawForward, double libraryToRawForwardRead,
      double libraryToRawForwardMinRound, double libraryToRawForwardMaxRound, double libraryInternedKeysToRawForward,
      double rowByRowToRawForward, double rawForwardMicrosPerBatch, double libraryMicrosPerBatch,
      double encodeOnlyMicrosPerBatch, double libraryColumnsRowsPerSecond, double libraryColumnsToRawForward,
      double libraryColumnsToRawForwardMinRound, double libraryColumnsToRawForwardMaxRound,
      double libraryColumnsMicrosPerBatch) {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of("docs/reports");
    int rounds = 11;
    double roundSeconds = 0.25;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--round-seconds" -> roundSeconds = Double.parseDouble(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]
            + " (known: --out DIR --rounds N --round-seconds S)");
      }
    }
    if (rounds < 1 || roundSeconds <= 0) {
      throw new IllegalArgumentException("--rounds must be at least 1 and --round-seconds positive");
    }
    ModelFormat.engine().setRandomSeed(42); // first touch of the engine: ModelFormat sets its threads
    Architecture architecture = architecture();
    byte[] artifact;
    try (Model model = ModelFormat.newModel(MODEL, architecture)) {
      artifact = ModelFormat.saveParameters(model);
    }
    Path dataDir = Files.createTempDirectory("inference-batch-bench");
    List<Result> results = new ArrayList<>();
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir).httpPort(0).build());
        HotSwapPredictor predictor = new HotSwapPredictor(MODEL);
        Model raw = ModelFormat.load(MODEL + "-raw", architecture, artifact);
        Predictor<float[][], float[][]> rowByRow = raw.newPredictor(new ClassProbabilities())) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(MODEL);
      ModelVersion version = client.register(champion(architecture, MODEL), artifact);
      new ModelLoader(client, predictor, 1, 3).loadAndSwap(version)
          .orElseThrow(() -> new IllegalStateException("the registered version was not swapped in"));
      Random random = new Random(7);
      for (int batchSize : BATCH_SIZES) {
        List<Map<String, Double>> rows = rows(architecture, batchSize, random);
        Paths paths = new Paths(architecture, raw, predictor, rowByRow, rows, version.getVersion());
        try {
          paths.checkSameAnswers();
          results.add(measure(paths, batchSize, rounds, roundSeconds));
        } finally {
          paths.close();
        }
        Result r = results.get(results.size() - 1);
        System.out.printf(Locale.ROOT, "batch %4d: raw %,.0f rows/s, raw+read %,.0f, library %,.0f (%.2fx raw, %.2fx"
                + " raw+read), by column %,.0f (%.2fx raw), interned keys %.2fx raw, row by row %,.0f (%.2fx raw)%n",
            batchSize, r.rawForwardRowsPerSecond(), r.rawForwardReadRowsPerSecond(), r.libraryRowsPerSecond(),
            r.libraryToRawForward(), r.libraryToRawForwardRead(), r.libraryColumnsRowsPerSecond(),
            r.libraryColumnsToRawForward(), r.libraryInternedKeysToRawForward(), r.rowByRowRowsPerSecond(),
            r.rowByRowToRawForward());
      }
    } finally {
      deleteRecursively(dataDir);
    }
    write(out, architecture, rounds, roundSeconds, results);
  }

  static Architecture architecture() {
    Random random = new Random(1);
    List<String> names = new ArrayList<>();
    List<Double> means = new ArrayList<>();
    List<Double> stds = new ArrayList<>();
    for (int i = 0; i < FEATURES; i++) {
      names.add("f" + i);
      means.add(random.nextGaussian());
      stds.add(0.5 + random.nextDouble());
    }
    return Architecture.newBuilder().setInputFeatures(names).setFeatureMeans(means).setFeatureStds(stds)
        .setHiddenUnits(HIDDEN).setActivation("relu").setNumClasses(2).build();
  }

  /** Feature maps as a consumer gets them decoded: a map per event, its keys not the architecture's strings. */
  static List<Map<String, Double>> rows(Architecture architecture, int n, Random random) {
    List<Map<String, Double>> rows = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      Map<String, Double> row = new HashMap<>();
      for (String name : architecture.getInputFeatures()) {
        row.put(new String(name), random.nextGaussian() * 1.5);
      }
      rows.add(row);
    }
    return rows;
  }

  static ModelVersion champion(Architecture architecture, String model) {
    return ModelVersion.newBuilder().setModel(model).setVersion(0).setAlias("champion").setArchitecture(architecture)
        .setMetrics(Map.of("accuracy", 0.5)).setArtifactUri("").setArtifactSha256("")
        .setLineage(Lineage.newBuilder().setTriggerId("bench").setStrategy("retrain").build())
        .setReference(ReferenceStatistics.newBuilder().setSampleCount(1)
            .setFeatures(List.of(new FeatureReference("f0", 1L, 0.0, 1.0, -1.0, 1.0, List.of(-1.0, 0.0, 1.0))))
            .setLabelDistribution(List.of(0.5, 0.5)).setErrorRate(0.5).setErrorSampleCount(1).build())
        .setCreatedAt(0).build();
  }

  /** The four ways to answer one batch, on the same network weights and the same rows. */
  static final class Paths implements AutoCloseable {
    private static final int[] NO_LABELS = new int[0];
    private final Block block;
    private final NDManager manager;
    private final ParameterStore parameters;
    private final NDArray input;
    private final HotSwapPredictor predictor;
    private final Predictor<float[][], float[][]> rowByRowPredictor;
    private final Architecture architecture;
    private final List<Map<String, Double>> rows;
    private final List<Map<String, Double>> internedRows;
    private final FeatureColumns columns;
    private final InputEncoder encoder;
    private final int version;
    long sink; // keeps the JIT from dropping work whose result is unused

    Paths(Architecture architecture, Model raw, HotSwapPredictor predictor,
        Predictor<float[][], float[][]> rowByRowPredictor, List<Map<String, Double>> rows, int version) {
      this.architecture = architecture;
      this.block = raw.getBlock();
      this.manager = raw.getNDManager().newSubManager();
      this.parameters = new ParameterStore(manager, false);
      this.predictor = predictor;
      this.rowByRowPredictor = rowByRowPredictor;
      this.rows = rows;
      this.encoder = InputEncoder.of(architecture);
      this.internedRows = new ArrayList<>(rows.size());
      for (Map<String, Double> row : rows) {
        Map<String, Double> interned = new HashMap<>();
        row.forEach((name, value) -> interned.put(name.intern(), value));
        internedRows.add(interned);
      }
      this.version = version;
      double[][] byColumn = new double[FEATURES][rows.size()];
      List<String> names = architecture.getInputFeatures();
      for (int r = 0; r < rows.size(); r++) {
        for (int c = 0; c < FEATURES; c++) {
          byColumn[c][r] = rows.get(r).get(names.get(c));
        }
      }
      this.columns = FeatureColumns.of(names, byColumn);
      float[] flat = new float[rows.size() * FEATURES];
      for (int r = 0; r < rows.size(); r++) {
        System.arraycopy(ModelFormat.encode(architecture, rows.get(r)), 0, flat, r * FEATURES, FEATURES);
      }
      this.input = manager.create(flat, new Shape(rows.size(), FEATURES));
    }

    void rawForward() {
      try (NDManager scope = manager.newSubManager()) {
        input.tempAttach(scope); // what the forward pass makes is closed with the scope; the input goes back
        NDArray logits = block.forward(parameters, new NDList(input), false).singletonOrThrow();
        sink += logits.getShape().get(0);
      }
    }

    float[] rawForwardRead() {
      try (NDManager scope = manager.newSubManager()) {
        input.tempAttach(scope);
        float[] probabilities = block.forward(parameters, new NDList(input), false).singletonOrThrow()
            .softmax(1).toFloatArray();
        sink += probabilities.length;
        return probabilities;
      }
    }

    List<Prediction> library() {
      List<Prediction> answers = predictor.predictBatch(rows);
      sink += answers.get(answers.size() - 1).label();
      return answers;
    }

    /** The library on the same rows held by column. */
    List<Prediction> libraryColumns() {
      List<Prediction> answers = predictor.predictBatch(columns);
      sink += answers.get(answers.size() - 1).label();
      return answers;
    }

    /** The library on maps whose keys are canonical strings, as Jackson reads JSON field names. */
    List<Prediction> libraryOnInternedKeys() {
      List<Prediction> answers = predictor.predictBatch(internedRows);
      sink += answers.get(answers.size() - 1).label();
      return answers;
    }

    /** Only the library's encoding of the batch (part of {@link #library}), to show its share. */
    void encodeOnly() {
      sink += encoder.encode(rows, NO_LABELS, null).length;
    }

    /** The library's path before batches were encoded into one buffer: an array per row in and out. */
    List<Prediction> rowByRow() throws Exception {
      float[][] encoded = new float[rows.size()][];
      for (int r = 0; r < encoded.length; r++) {
        encoded[r] = ModelFormat.encode(architecture, rows.get(r), new int[0], null);
      }
      float[][] probabilities = rowByRowPredictor.predict(encoded);
      List<Prediction> answers = new ArrayList<>(probabilities.length);
      for (float[] p : probabilities) {
        answers.add(new Prediction(ClassProbabilities.argmax(p), p, version));
      }
      sink += answers.get(answers.size() - 1).label();
      return answers;
    }

    /**
     * The paths are compared only if they answer alike: for every row the engine's probabilities (row by
     * row exactly, the library's softmax to float rounding) and the same label.
     */
    void checkSameAnswers() throws Exception {
      float[] raw = rawForwardRead();
      List<Prediction> library = library();
      List<Prediction> internedLibrary = libraryOnInternedKeys();
      List<Prediction> byColumn = libraryColumns();
      List<Prediction> rowByRow = rowByRow();
      for (int r = 0; r < rows.size(); r++) {
        float[] expected = Arrays.copyOfRange(raw, r * 2, r * 2 + 2);
        int label = expected[1] > expected[0] ? 1 : 0;
        if (!close(library.get(r).probabilities(), expected) || library.get(r).label() != label
            || !library.get(r).equals(internedLibrary.get(r)) || !library.get(r).equals(byColumn.get(r))
            || !Arrays.equals(rowByRow.get(r).probabilities(), expected)) {
          throw new IllegalStateException("row " + r + " of a batch of " + rows.size() + ": raw " + Arrays.toString(expected)
              + ", library " + library.get(r) + ", row by row " + rowByRow.get(r));
        }
      }
    }

    private static boolean close(float[] a, float[] b) {
      for (int i = 0; i < a.length; i++) {
        if (Math.abs(a[i] - b[i]) > MAX_SOFTMAX_DIFFERENCE) {
          return false;
        }
      }
      return a.length == b.length;
    }

    @Override
    public void close() {
      manager.close();
    }
  }

  interface Work {
    void run() throws Exception;
  }

  static Result measure(Paths paths, int batchSize, int rounds, double roundSeconds) throws Exception {
    List<Work> work = List.of(paths::rawForward, paths::rawForwardRead, paths::library, paths::libraryOnInternedKeys,
        paths::rowByRow, paths::encodeOnly, paths::libraryColumns);
    // warm-up: compiles the Java side and settles the engine; also sizes a round from the slowest path
    double slowestSeconds = 0;
    for (Work w : work) {
      seconds(w, Math.max(200, 20_000 / batchSize));
      slowestSeconds = Math.max(slowestSeconds, seconds(w, Math.max(50, 5_000 / batchSize)) / Math.max(50, 5_000 / batchSize));
    }
    int batches = (int) Math.max(20, Math.ceil(roundSeconds / work.size() / slowestSeconds));
    List<Round> measured = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      double[] rowsPerSecond = new double[work.size()];
      for (int k = 0; k < work.size(); k++) {
        int path = (k + round) % work.size(); // each path goes first in turn
        rowsPerSecond[path] = (double) batches * batchSize / seconds(work.get(path), batches);
      }
      measured.add(new Round(rowsPerSecond[0], rowsPerSecond[1], rowsPerSecond[2], rowsPerSecond[3], rowsPerSecond[4],
          rowsPerSecond[5], rowsPerSecond[6]));
    }
    double raw = median(measured.stream().mapToDouble(Round::rawForward).toArray());
    double rawRead = median(measured.stream().mapToDouble(Round::rawForwardRead).toArray());
    double library = median(measured.stream().mapToDouble(Round::library).toArray());
    double libraryInterned = median(measured.stream().mapToDouble(Round::libraryInterned).toArray());
    double rowByRow = median(measured.stream().mapToDouble(Round::rowByRow).toArray());
    double encodeOnly = median(measured.stream().mapToDouble(Round::encodeOnly).toArray());
    double byColumn = median(measured.stream().mapToDouble(Round::libraryColumns).toArray());
    double[] roundRatios = measured.stream().mapToDouble(r -> r.library() / r.rawForward()).sorted().toArray();
    double[] columnRatios = measured.stream().mapToDouble(r -> r.libraryColumns() / r.rawForward()).sorted().toArray();
    return new Result(batchSize, batches, rounds, raw, rawRead, library, libraryInterned, rowByRow, library / raw,
        library / rawRead, roundRatios[0], roundRatios[roundRatios.length - 1], libraryInterned / raw, rowByRow / raw,
        batchSize * 1e6 / raw, batchSize * 1e6 / library, batchSize * 1e6 / encodeOnly, byColumn, byColumn / raw,
        columnRatios[0], columnRatios[columnRatios.length - 1], batchSize * 1e6 / byColumn);
  }

  private static double seconds(Work work, int times) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < times; i++) {
      work.run();
    }
    return (System.nanoTime() - start) / 1e9;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static String machine() {
    String cpu = "unknown CPU";
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      cpu = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim())
          .orElse(cpu);
    } catch (IOException | RuntimeException e) {
      // not Linux: the CPU stays unnamed
    }
    return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name")
        + " " + System.getProperty("java.version") + ", DJL " + ai.djl.engine.Engine.getDjlVersion() + " "
        + ModelFormat.engine().getEngineName() + " " + ModelFormat.engine().getVersion() + " on CPU with "
        + System.getProperty("ai.djl.pytorch.num_threads", "the engine's default") + " intra-op thread(s)"
        + loadAverage();
  }

  /** The machine's load when the report is written: other work on the cores skews every figure. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return "; load average " + fields[0] + " / " + fields[1] + " / " + fields[2] + " (1 / 5 / 15 min) at the end";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  static void write(Path dir, Architecture architecture, int rounds, double roundSeconds, List<Result> results)
      throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "inference batch throughput: HotSwapPredictor.predictBatch vs DJL's raw batched forward");
    report.put("command", BenchCommand.only("inferencebatch"));
    report.put("model", FEATURES + " features, " + ModelFormat.describe(architecture) + ", weights from seed 42");
    report.put("rows", "one HashMap<String, Double> per event, keys not the architecture's string instances,"
        + " values N(0, 1.5) from seed 7; the raw paths get the same rows encoded before timing");
    report.put("paths", Map.of(
        "raw_forward", "block.forward on an input NDArray made before timing; logits stay in the engine",
        "raw_forward_read", "raw_forward, then the engine's softmax and toFloatArray",
        "library", "HotSwapPredictor.predictBatch on the feature maps (version served through ModelLoader)",
        "library_columns", "HotSwapPredictor.predictBatch on the same rows held by column (FeatureColumns made"
            + " before timing, as the raw input is)",
        "library_interned_keys", "the same on maps whose keys are interned strings, as Jackson reads JSON field names",
        "encode_only", "InputEncoder.encode of the feature maps alone: the part of library that raw_forward skips",
        "row_by_row", "ModelFormat.encode per row, ClassProbabilities translator, a Prediction copy per row"));
    report.put("method", "per batch size: a warm-up of every path, then " + rounds + " rounds of about "
        + roundSeconds + " s, each running every path for the same number of batches in rotating order; medians"
        + " of rows/s over the rounds; ratios are median library / median baseline, with the lowest and highest"
        + " per-round library / raw_forward");
    report.put("machine", machine());
    report.put("results", results);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve("inference-batch.json").toFile(), report);

    StringBuilder md = new StringBuilder()
        .append("# Inference batch throughput: the library vs DJL's raw forward pass\n\n")
        .append("Regenerate: `").append(report.get("command")).append("` (writes this file and `inference-batch.json`;"
            + " run it alone, other load skews the figures).\n\n")
        .append("Model: ").append(report.get("model")).append(". Rows: ").append(report.get("rows")).append(".\n\n")
        .append("- **raw forward**: ").append(((Map<?, ?>) report.get("paths")).get("raw_forward")).append(".\n")
        .append("- **raw + read**: ").append(((Map<?, ?>) report.get("paths")).get("raw_forward_read")).append(".\n")
        .append("- **library**: ").append(((Map<?, ?>) report.get("paths")).get("library")).append(".\n")
        .append("- **by column**: ").append(((Map<?, ?>) report.get("paths")).get("library_columns")).append(".\n")
        .append("- **interned keys**: ").append(((Map<?, ?>) report.get("paths")).get("library_interned_keys"))
        .append(".\n")
        .append("- **row by row**: ").append(((Map<?, ?>) report.get("paths")).get("row_by_row"))
        .append(" (the library's previous path, for comparison).\n\n")
        .append("Every path gives every row the same label and the same probabilities, the library's within ")
        .append(MAX_SOFTMAX_DIFFERENCE).append(" of the engine's softmax (it computes the softmax in Java; checked"
            + " before timing). Method: ")
        .append(report.get("method")).append(".\n\nMachine: ").append(report.get("machine")).append(".\n\n")
        .append("| batch | raw forward rows/s | raw + read rows/s | library rows/s | library / raw forward"
            + " (rounds min–max) | library / raw + read | by column rows/s | by column / raw forward (rounds min–max)"
            + " | interned keys / raw forward | row by row rows/s | row by row / raw forward"
            + " | µs per batch: raw forward / library / its encoding / by column |\n")
        .append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : results.stream().sorted(Comparator.comparingInt(Result::batchSize)).toList()) {
      md.append(String.format(Locale.ROOT, "| %,d | %,.0f | %,.0f | %,.0f | %.2f (%.2f–%.2f) | %.2f | %,.0f"
              + " | %.2f (%.2f–%.2f) | %.2f | %,.0f | %.2f | %.1f / %.1f / %.1f / %.1f |%n",
          r.batchSize(), r.rawForwardRowsPerSecond(), r.rawForwardReadRowsPerSecond(), r.libraryRowsPerSecond(),
          r.libraryToRawForward(), r.libraryToRawForwardMinRound(), r.libraryToRawForwardMaxRound(),
          r.libraryToRawForwardRead(), r.libraryColumnsRowsPerSecond(), r.libraryColumnsToRawForward(),
          r.libraryColumnsToRawForwardMinRound(), r.libraryColumnsToRawForwardMaxRound(),
          r.libraryInternedKeysToRawForward(), r.rowByRowRowsPerSecond(), r.rowByRowToRawForward(),
          r.rawForwardMicrosPerBatch(), r.libraryMicrosPerBatch(), r.encodeOnlyMicrosPerBatch(),
          r.libraryColumnsMicrosPerBatch()));
    }
    Result largest = results.stream().max(Comparator.comparingInt(Result::batchSize)).orElseThrow();
    double mapsBound = largest.rawForwardMicrosPerBatch()
        / (largest.rawForwardMicrosPerBatch() + largest.encodeOnlyMicrosPerBatch());
    md.append(String.format(Locale.ROOT, "%nWhere the time goes at %,d rows: the raw pass takes %.0f µs a batch. The library"
            + " takes %.0f µs on rows held by column (%.2fx of the raw pass): encoding them into one buffer, copying it"
            + " into the engine's input, reading the scores back and one prediction per row, whose probabilities are"
            + " computed only when asked. On feature maps it takes %.0f µs, of which %.0f µs encode the maps (%d"
            + " look-ups in a map of boxed values per row; the raw pass starts from an array already encoded); without"
            + " that encoding it would be at %.2fx of the raw pass, and with nothing but that encoding added to the raw"
            + " pass at %.2fx%s.%n", largest.batchSize(),
        largest.rawForwardMicrosPerBatch(), largest.libraryColumnsMicrosPerBatch(), largest.libraryColumnsToRawForward(),
        largest.libraryMicrosPerBatch(), largest.encodeOnlyMicrosPerBatch(), FEATURES,
        largest.rawForwardMicrosPerBatch() / (largest.libraryMicrosPerBatch() - largest.encodeOnlyMicrosPerBatch()),
        mapsBound, mapsBound < 0.8 ? ": the look-ups alone keep rows given as maps below 0.8x" : ""));
    Files.writeString(dir.resolve("inference-batch.md"), md.toString());
    System.out.println(md);
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
