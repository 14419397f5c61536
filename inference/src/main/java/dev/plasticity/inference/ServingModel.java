package dev.plasticity.inference;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.plasticity.registry.client.BatchClassProbabilities;
import dev.plasticity.registry.client.FeatureLevels;
import dev.plasticity.registry.client.InputEncoder;
import dev.plasticity.schemas.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded model version ready to serve: the DJL {@link Model} it owns plus a small pool of DJL
 * {@link Predictor}s (a predictor is not thread-safe; the model is).
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
  private static final int WARM_UP_ROWS = 8;

  private final String model;
  private final int version;
  private final Architecture architecture;
  private final Model djlModel;
  private final InputEncoder encoder;
  private final BatchClassProbabilities translator;
  private final int classes;
  private final ArrayBlockingQueue<Predictor<float[], float[]>> idle;
  private final AtomicInteger references = new AtomicInteger(1);
  private final AtomicBoolean retired = new AtomicBoolean();
  private final AtomicBoolean served = new AtomicBoolean();
  private volatile boolean closed;

  /**
   * @param model model name
   * @param version registry version (stamped on every prediction)
   * @param architecture the architecture the network was built from (for encoding features)
   * @param djlModel the loaded network; owned (closed) by this object from now on
   * @param predictors how many predictors to keep ready; more are made for bursts and closed after
   */
  ServingModel(String model, int version, Architecture architecture, Model djlModel, int predictors) {
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
      this.translator = new BatchClassProbabilities(encoder.width());
      this.classes = architecture.getNumClasses();
      for (int i = 0; i < predictors; i++) {
        idle.add(djlModel.newPredictor(translator));
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

  Architecture architecture() {
    return architecture;
  }

  /** Whether the DJL model and its predictors have been closed (after retirement and the last prediction). */
  boolean isClosed() {
    return closed;
  }

  /**
   * Runs {@code batches} predictions on a batch of rows at the feature means (all zeros once
   * standardised) through every pooled predictor, so that the first real request does not pay for
   * the engine's lazy initialisation. Call before the model is served.
   */
  void warmUp(int batches) {
    if (batches < 0) {
      throw new IllegalArgumentException("warm-up batches must be >= 0, was " + batches);
    }
    float[] rows = new float[WARM_UP_ROWS * encoder.width()];
    List<Predictor<float[], float[]>> all = new ArrayList<>();
    idle.drainTo(all);
    try {
      for (int b = 0; b < batches; b++) {
        for (Predictor<float[], float[]> p : all) {
          p.predict(rows);
        }
      }
    } catch (TranslateException e) {
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
   * share the batch's probabilities ({@link Prediction}). The caller holds a reference ({@link
   * #acquire()}).
   */
  List<Prediction> predict(List<Map<String, Double>> batch, int[] recentLabels, FeatureLevels levels) {
    float[] rows = encoder.encode(batch, recentLabels, levels);
    Predictor<float[], float[]> predictor = idle.poll();
    if (predictor == null) {
      predictor = djlModel.newPredictor(translator); // a burst beyond the pool
    }
    float[] probabilities;
    try {
      probabilities = predictor.predict(rows);
    } catch (TranslateException e) {
      throw new IllegalStateException(model + " v" + version + " failed to predict: " + e.getMessage(), e);
    } finally {
      if (!idle.offer(predictor)) {
        predictor.close();
      }
    }
    if (probabilities.length != batch.size() * classes) {
      throw new IllegalStateException(model + " v" + version + " answered " + probabilities.length
          + " probabilities for " + batch.size() + " rows of " + classes + " classes");
    }
    List<Prediction> out = new ArrayList<>(batch.size());
    for (int row = 0; row < batch.size(); row++) {
      out.add(Prediction.ofBatchRow(probabilities, row, classes, version));
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
    Predictor<float[], float[]> p;
    while ((p = idle.poll()) != null) {
      p.close();
    }
    djlModel.close();
  }

  @Override
  public String toString() {
    return "ServingModel[" + model + " v" + version + (closed ? ", closed" : "") + "]";
  }
}
