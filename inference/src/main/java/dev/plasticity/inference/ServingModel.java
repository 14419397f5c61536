package dev.plasticity.inference;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.plasticity.registry.client.FeatureColumns;
import dev.plasticity.registry.client.FeatureLevels;
import dev.plasticity.registry.client.InputEncoder;
import dev.plasticity.schemas.Architecture;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * One loaded model version ready to serve: the DJL {@link Model} it owns plus a small pool of
 * {@code Lane}s, what one batch in flight needs of its own (DJL's parameter store is not
 * thread-safe; the network is).
 *
 * <p>A batch is one call of the network's {@code forward}, without a DJL {@code Predictor} and
 * translator: its rows are encoded into one buffer, copied into the lane's direct buffer, which the
 * engine reads in place as the input array (DJL's {@code create} from a Java array allocates a new
 * direct buffer per call), and the class scores are read back as one array. The arrays of a batch
 * live in a sub-manager closed when the batch is answered.
 *
 * <p>Lifetime is reference counted so that a model is closed only after its last in-flight
 * prediction: the count starts at 1 (the "serving" reference held by {@link HotSwapPredictor});
 * each prediction {@linkplain #acquire() acquires} a reference (only while the count is still
 * positive) and {@linkplain #release() releases} it; {@linkplain #retire() retiring} drops the
 * serving reference. Whoever brings the count to 0 closes the predictors and the model.
 *
 * <p>Thread-safe. The constructor takes ownership of the DJL model.
 */
final class ServingModel {
  private final Long sequence;
  private static final int WARM_UP_ROWS = 8;
  /** A lane keeps an input buffer up to this size (16 MiB); a larger batch gets a buffer of its own. */
  private static final int MAX_KEPT_INPUT_BYTES = 1 << 24;

  private final String model;
  private final int version;
  private final Architecture architecture;
  private final Model djlModel;
  private final InputEncoder encoder;
  private final Block block;
  private final int classes;
  private final ArrayBlockingQueue<Lane> idle;
  private final AtomicInteger references = new AtomicInteger(1);
  private final AtomicBoolean retired = new AtomicBoolean();
  private final AtomicBoolean served = new AtomicBoolean();
  private final LongAdder activeRows = new LongAdder();
  private final DoubleAdder activeParameters = new DoubleAdder();
  private volatile boolean closed;

  /**
   * @param model model name
   * @param version registry version (stamped on every prediction)
   * @param architecture the architecture the network was built from (for encoding features)
   * @param djlModel the loaded network; owned (closed) by this object from now on
   * @param predictors how many batches in flight to keep lanes for; more are made for bursts and
   *     dropped after
   */
  ServingModel(String model, int version, Architecture architecture, Model djlModel, int predictors) {
    this(model, version, null, architecture, djlModel, predictors);
  }

  /**
   * @param sequence the registry's change number of the champion assignment this version serves
   *     under ({@link dev.plasticity.schemas.AliasAssignment#getSequence()}); null when it came
   *     without one. Orders swaps: a rollback brings an older version under a newer assignment.
   */
  ServingModel(String model, int version, Long sequence, Architecture architecture, Model djlModel, int predictors) {
    this.sequence = sequence;
    this.model = Objects.requireNonNull(model, "model");
    this.architecture = Objects.requireNonNull(architecture, "architecture");
    this.djlModel = Objects.requireNonNull(djlModel, "djlModel");
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, was " + version);
    }
    if (predictors < 1) {
      throw new IllegalArgumentException("a serving model needs at least 1 predictor, was " + predictors);
    }
    this.version = version;
    this.idle = new ArrayBlockingQueue<>(predictors);
    try {
      this.encoder = InputEncoder.of(architecture);
      this.block = djlModel.getBlock();
      this.classes = architecture.getNumClasses();
      for (int i = 0; i < predictors; i++) {
        idle.add(new Lane());
      }
    } catch (RuntimeException e) {
      closeNow(); // it owns the model, even when it cannot be built
      throw e;
    }
  }

  String model() {
    return model;
  }

  int version() {
    return version;
  }

  /** The change number of the assignment this version serves under; null when none came with it. */
  Long sequence() {
    return sequence;
  }

  Architecture architecture() {
    return architecture;
  }

  /**
   * The mean number of parameters a row used, over the rows this version predicted since it was
   * loaded (warm-up excluded): for an experts network the gate and the experts each row was routed
   * to, for a network with early exits what the row computed up to its exit. Empty for a network
   * that computes every parameter for every row (an mlp without exits reports nothing) and before
   * the first prediction.
   */
  OptionalDouble meanActiveParameters() {
    long rows = activeRows.sum();
    return rows == 0 ? OptionalDouble.empty() : OptionalDouble.of(activeParameters.sum() / rows);
  }

  /** Whether the DJL model and its predictors have been closed (after retirement and the last prediction). */
  boolean isClosed() {
    return closed;
  }

  /**
   * Runs {@code batches} forward passes on a batch of rows at the feature means (all zeros once
   * standardised) through every pooled lane, so that the first real request does not pay for the
   * engine's lazy initialisation. Call before the model is served.
   */
  void warmUp(int batches) {
    if (batches < 0) {
      throw new IllegalArgumentException("warm-up batches must be >= 0, was " + batches);
    }
    float[] rows = new float[WARM_UP_ROWS * encoder.width()];
    List<Lane> all = new ArrayList<>();
    idle.drainTo(all);
    try {
      for (int b = 0; b < batches; b++) {
        for (Lane lane : all) {
          lane.scores(rows, WARM_UP_ROWS, false);
        }
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("warm-up of " + model + " v" + version + " failed: " + e.getMessage(), e);
    } finally {
      idle.addAll(all);
    }
  }

  /** The label lags this version's network takes; 0 for none. */
  int labelLags() {
    return architecture.getLabelLags();
  }

  /**
   * Encodes and predicts a batch, every row with the same previous labels {@code recentLabels}
   * (newest first; ignored without lags) and, for a version that reads its features relative to
   * levels, each row against {@code levels} in the batch's order ({@link FeatureLevels#next}; null
   * otherwise). The rows are encoded into one buffer and answered in one forward pass; the answers
   * share the batch's class scores ({@link Prediction}). The caller holds a reference ({@link
   * #acquire()}).
   */
  List<Prediction> predict(List<Map<String, Double>> batch, int[] recentLabels, FeatureLevels levels) {
    return predict(batch, null, recentLabels, levels);
  }

  /**
   * {@link #predict(List, int[], FeatureLevels)} with each event's categorical features ({@code
   * categorical.get(r)} for row {@code r}; null when the events carry none).
   */
  List<Prediction> predict(List<Map<String, Double>> batch, List<Map<String, String>> categorical,
      int[] recentLabels, FeatureLevels levels) {
    return answer(encoder.encode(batch, categorical, recentLabels, levels), batch.size());
  }

  /** {@link #predict(List, int[], FeatureLevels)} for a batch held by column. */
  List<Prediction> predict(FeatureColumns batch, int[] recentLabels, FeatureLevels levels) {
    return answer(encoder.encode(batch, recentLabels, levels), batch.rows());
  }

  private List<Prediction> answer(float[] input, int rows) {
    Lane lane = idle.poll();
    if (lane == null) {
      lane = new Lane(); // a burst beyond the pool
    }
    Answer scores;
    try {
      scores = lane.scores(input, rows, true);
    } catch (RuntimeException e) {
      throw new IllegalStateException(model + " v" + version + " failed to predict: " + e.getMessage(), e);
    } finally {
      idle.offer(lane);
    }
    if (scores.scores().length != rows * classes) {
      throw new IllegalStateException(model + " v" + version + " answered " + scores.scores().length
          + " scores for " + rows + " rows of " + classes + " classes");
    }
    List<Prediction> out = new ArrayList<>(rows);
    float[] active = scores.activeParameters();
    for (int row = 0; row < rows; row++) {
      out.add(active == null ? Prediction.ofBatchScores(scores.scores(), row, classes, version)
          : Prediction.ofBatchScores(scores.scores(), row, classes, version, active[row]));
    }
    return out;
  }

  /** Takes a reference for one prediction; false once the model is closed or closing. */
  boolean acquire() {
    while (true) {
      int count = references.get();
      if (count <= 0) {
        return false;
      }
      if (references.compareAndSet(count, count + 1)) {
        return true;
      }
    }
  }

  /** Gives a reference back; the last one closes the model. */
  void release() {
    int count = references.decrementAndGet();
    if (count == 0) {
      closeNow();
    } else if (count < 0) {
      throw new IllegalStateException(model + " v" + version + " was released more often than acquired");
    }
  }

  /** Drops the serving reference (once); the model closes when in-flight predictions finish. */
  void retire() {
    if (retired.compareAndSet(false, true)) {
      release();
    }
  }

  /** Marks this model as handed to a predictor; a model can be served only once. */
  boolean markServed() {
    return served.compareAndSet(false, true);
  }

  /**
   * Closes a model that was never served (e.g. one that lost to a newer version); does nothing to
   * a served one, which its {@link HotSwapPredictor} closes after retiring it.
   */
  void discard() {
    if (!served.get()) {
      retire();
    }
  }

  private void closeNow() {
    closed = true;
    idle.clear();
    djlModel.close();
  }

  /**
   * What one batch in flight needs of its own: a parameter store (DJL's is not thread-safe) and a
   * direct buffer, grown to the largest batch seen, that the engine reads the input array from
   * without a copy. Used by one batch at a time; returned to the pool only once the batch's arrays
   * are closed, so the engine no longer reads the buffer.
   */
  /** A batch's class scores, row-major, and the parameters each row used (null when the network reports none). */
  private record Answer(float[] scores, float[] activeParameters) {}

  private final class Lane {
    private final ParameterStore parameters = new ParameterStore(djlModel.getNDManager(), false);
    private ByteBuffer input;

    /**
     * The network's class scores for {@code rows} rows in {@code values}. The scores are
     * the forward's first array; a network that reports the parameters each row used (experts, early
     * exits) returns them as a second array, which is added to the version's counts when {@code
     * counted}.
     */
    Answer scores(float[] values, int rows, boolean counted) {
      ByteBuffer buffer = inputOf(Math.multiplyExact(values.length, Float.BYTES));
      buffer.asFloatBuffer().put(values);
      try (NDManager batch = djlModel.getNDManager().newSubManager()) {
        NDArray in = batch.create(buffer, new Shape(rows, encoder.width()), DataType.FLOAT32);
        NDList out = block.forward(parameters, new NDList(in), false);
        float[] active = null;
        if (out.size() > 1) {
          active = out.get(1).toFloatArray();
          if (counted) {
            count(active);
          }
        }
        return new Answer(out.get(0).toFloatArray(), active);
      }
    }

    private void count(float[] activePerRow) {
      double sum = 0;
      for (float parameters : activePerRow) {
        sum += parameters;
      }
      activeParameters.add(sum);
      activeRows.add(activePerRow.length);
    }

    /** A direct buffer of exactly {@code bytes} remaining, from position 0. */
    private ByteBuffer inputOf(int bytes) {
      if (bytes > MAX_KEPT_INPUT_BYTES) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
      }
      if (input == null || input.capacity() < bytes) {
        int grown = input == null ? bytes : (int) Math.min(MAX_KEPT_INPUT_BYTES, 2L * input.capacity());
        input = ByteBuffer.allocateDirect(Math.max(bytes, grown)).order(ByteOrder.nativeOrder());
      }
      input.clear().limit(bytes);
      return input;
    }
  }

  @Override
  public String toString() {
    return "ServingModel[" + model + " v" + version + (closed ? ", closed" : "") + "]";
  }
}
