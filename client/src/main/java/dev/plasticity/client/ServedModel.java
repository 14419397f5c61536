package dev.plasticity.client;

import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ModelLoader;
import dev.plasticity.inference.ModelSubscription;
import dev.plasticity.inference.Prediction;
import dev.plasticity.registry.client.RegistryClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;

/**
 * One model, served in this JVM: each new champion announced on Kafka is downloaded from the
 * registry, verified, loaded and swapped in without a failed or blocked prediction. Get one from
 * {@link PlasticityClient#model}; the client closes it.
 *
 * <p>A model has no version until its first one is trained: {@link #awaitFirstVersion} waits for it,
 * and {@link #predict} before it throws {@link IllegalStateException}. Every {@link Prediction}
 * carries the version that made it.
 *
 * <p>Thread-safe.
 */
public final class ServedModel implements AutoCloseable {
  /** How often a wait looks whether the subscription died. */
  private static final long FAILURE_CHECK_MILLIS = 200;

  private final HotSwapPredictor predictor;
  private final ModelSubscription subscription;
  /** Notified after each swap. */
  private final Object swaps;

  private ServedModel(HotSwapPredictor predictor, ModelSubscription subscription, Object swaps) {
    this.predictor = predictor;
    this.subscription = subscription;
    this.swaps = swaps;
  }

  /** Subscribes to {@code model}'s versions on the cluster at {@code bootstrapServers}. */
  static ServedModel subscribe(String model, String bootstrapServers, RegistryClient registry,
      Map<String, Object> kafkaSettings) {
    HotSwapPredictor predictor = new HotSwapPredictor(model);
    Object swaps = new Object();
    ModelLoader loader = new ModelLoader(registry, predictor).onSwap(swap -> {
      synchronized (swaps) {
        swaps.notifyAll();
      }
    });
    try {
      ModelSubscription subscription = ModelSubscription.start(bootstrapServers, loader, Duration.ofSeconds(2),
          kafkaSettings);
      return new ServedModel(predictor, subscription, swaps);
    } catch (RuntimeException e) {
      predictor.close();
      throw e;
    }
  }

  /** The model's name. */
  public String name() {
    return predictor.model();
  }

  /**
   * Waits until a version of this model is served here: at once when one is, else until the
   * registry's first version (or a newer one) has been downloaded, verified and swapped in.
   *
   * @return the version served
   * @throws TimeoutException when none is served within {@code timeout}; the subscription goes on
   * @throws IllegalStateException when the subscription to the model's versions died (the cause is
   *     attached): no version will come
   */
  public int awaitFirstVersion(Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (swaps) {
      while (true) {
        OptionalInt served = predictor.servedVersion();
        if (served.isPresent()) {
          return served.getAsInt();
        }
        Optional<Throwable> failure = subscription.failure();
        if (failure.isPresent()) {
          throw new IllegalStateException("model " + name() + " will get no version: its subscription to the versions"
              + " topic died (" + failure.get() + ")", failure.get());
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("no version of model " + name() + " was served within " + timeout
              + "; a model has none until its first one is trained (plasticity train " + name() + ")");
        }
        swaps.wait(Math.max(1, Math.min(FAILURE_CHECK_MILLIS, left / 1_000_000)));
      }
    }
  }

  /** The version served now; empty before the first one. */
  public OptionalInt servedVersion() {
    return predictor.servedVersion();
  }

  /**
   * Predicts with the version served now.
   *
   * @param features every feature the version reads, by name
   * @throws IllegalArgumentException naming a feature that is missing or not finite
   * @throws IllegalStateException when no version is served yet
   */
  public Prediction predict(Map<String, Double> features) {
    return predictor.predict(features);
  }

  /**
   * Predicts with the version served now, from numeric and categorical features: a categorical
   * value the version never saw in training, or one the event lacks, reads as that feature's
   * "unknown" value.
   *
   * @throws IllegalArgumentException naming a numeric feature that is missing or not finite
   * @throws IllegalStateException when no version is served yet
   */
  public Prediction predict(Map<String, Double> features, Map<String, String> categorical) {
    return predictor.predict(features, categorical);
  }

  /** Predicts every row with one version (the one served when the batch starts). */
  public List<Prediction> predictBatch(List<Map<String, Double>> rows) {
    return predictor.predictBatch(rows);
  }

  /** Like {@link #predictBatch(List)}, with each row's categorical features ({@code categorical.get(r)} for row r). */
  public List<Prediction> predictBatch(List<Map<String, Double>> rows, List<Map<String, String>> categorical) {
    return predictor.predictBatch(rows, categorical);
  }

  /** Hands a label of this model's stream to the served versions that read recent labels as inputs. */
  void recordLabel(int label) {
    predictor.recordLabel(label);
  }

  /** Why the subscription to this model's versions died, if it did: the served version stays, no new one comes. */
  public Optional<Throwable> failure() {
    return subscription.failure();
  }

  /** Stops following the model's versions and closes the version served. Idempotent. */
  @Override
  public void close() {
    try {
      subscription.close();
    } finally {
      predictor.close();
    }
  }
}
