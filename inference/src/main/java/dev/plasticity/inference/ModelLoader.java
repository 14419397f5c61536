package dev.plasticity.inference;

import ai.djl.Model;
import dev.plasticity.registry.client.ArtifactIntegrityException;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.schemas.ModelVersion;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an announced version into service: download through the registry, verify its SHA-256,
 * rebuild the network, warm it up, then swap it into the {@link HotSwapPredictor} if it is newer
 * than the version served. A version whose artifact fails its checksum, or does not fit its
 * architecture, is rejected: logged, counted, reported to {@link #onReject} listeners and never
 * tried again; the current version keeps serving.
 *
 * <p>Thread-safe (loads may run concurrently; only a newer version is ever swapped in).
 * Listeners run on the loading thread and must not block.
 */
public final class ModelLoader {
  private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);
  public static final int DEFAULT_PREDICTORS = 4;
  public static final int DEFAULT_WARM_UP_BATCHES = 3;

  private final RegistryClient registry;
  private final HotSwapPredictor predictor;
  private final int predictors;
  private final int warmUpBatches;
  private final Set<Integer> rejected = ConcurrentHashMap.newKeySet();
  private final List<Consumer<SwapEvent>> swapListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Rejection>> rejectListeners = new CopyOnWriteArrayList<>();

  public ModelLoader(RegistryClient registry, HotSwapPredictor predictor) {
    this(registry, predictor, DEFAULT_PREDICTORS, DEFAULT_WARM_UP_BATCHES);
  }

  /**
   * @param predictors DJL predictors pooled per loaded version (about the number of serving threads)
   * @param warmUpBatches batches run through each predictor before the swap
   */
  public ModelLoader(RegistryClient registry, HotSwapPredictor predictor, int predictors, int warmUpBatches) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.predictor = Objects.requireNonNull(predictor, "predictor");
    if (predictors < 1) {
      throw new IllegalArgumentException("predictors must be >= 1, was " + predictors);
    }
    if (warmUpBatches < 0) {
      throw new IllegalArgumentException("warmUpBatches must be >= 0, was " + warmUpBatches);
    }
    this.predictors = predictors;
    this.warmUpBatches = warmUpBatches;
  }

  /** The model this loader serves. */
  public String model() {
    return predictor.model();
  }

  /** Calls {@code listener} after each swap (e.g. to print "swapped v1 -> v2 in 40 ms"). */
  public ModelLoader onSwap(Consumer<SwapEvent> listener) {
    swapListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Calls {@code listener} for each version that is rejected. */
  public ModelLoader onReject(Consumer<Rejection> listener) {
    rejectListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** How many distinct versions were rejected (checksum mismatch or incompatible artifact). */
  public int rejectedVersions() {
    return rejected.size();
  }

  /** Whether {@code version} was rejected; a rejected version is never loaded. */
  public boolean isRejected(int version) {
    return rejected.contains(version);
  }

  /** Whether loading {@code version} could change what is served: newer than served and not rejected. */
  public boolean wouldServe(ModelVersion version) {
    return version.getModel().equals(model())
        && version.getVersion() > predictor.servedVersion().orElse(-1)
        && !rejected.contains(version.getVersion());
  }

  /**
   * Downloads, verifies, loads, warms up and swaps in {@code version} if it is newer than the one
   * served and not rejected before.
   *
   * @return the swap, or empty when nothing changed (not newer, rejected now or before)
   * @throws IllegalArgumentException when {@code version} belongs to another model
   * @throws RegistryException when the artifact cannot be downloaded now (worth retrying)
   */
  public Optional<SwapEvent> loadAndSwap(ModelVersion version) {
    if (!version.getModel().equals(model())) {
      throw new IllegalArgumentException(
          "this loader serves model " + model() + "; got " + version.getModel() + " v" + version.getVersion());
    }
    if (!wouldServe(version)) {
      return Optional.empty();
    }
    long start = System.nanoTime();
    byte[] artifact;
    try {
      artifact = registry.downloadVerified(version);
    } catch (ArtifactIntegrityException e) {
      reject(version, e.getMessage());
      return Optional.empty();
    }
    Model djlModel;
    try {
      djlModel = ModelFormat.load(model() + "-v" + version.getVersion(), version.getArchitecture(), artifact);
    } catch (IllegalArgumentException e) {
      reject(version, e.getMessage());
      return Optional.empty();
    }
    ServingModel serving = new ServingModel(model(), version.getVersion(), version.getArchitecture(), djlModel, predictors);
    int from;
    try {
      serving.warmUp(warmUpBatches);
      from = predictor.swapIfNewerFrom(serving);
      if (from == HotSwapPredictor.NOT_SWAPPED) {
        serving.discard(); // a newer version got in while this one loaded
        return Optional.empty();
      }
    } catch (RuntimeException e) {
      serving.discard();
      throw e;
    }
    SwapEvent event = new SwapEvent(model(), from, version.getVersion(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    log.info("{}", event);
    for (Consumer<SwapEvent> listener : swapListeners) {
      notify(listener, event);
    }
    return Optional.of(event);
  }

  private void reject(ModelVersion version, String reason) {
    Rejection rejection = new Rejection(version.getModel(), version.getVersion(), reason);
    if (rejected.add(version.getVersion())) {
      log.error("rejected {} v{}; it will never be served, v{} keeps serving: {}", version.getModel(),
          version.getVersion(), predictor.servedVersion().isPresent() ? predictor.servedVersion().getAsInt() : "(none)", reason);
      for (Consumer<Rejection> listener : rejectListeners) {
        notify(listener, rejection);
      }
    }
  }

  private static <T> void notify(Consumer<T> listener, T event) {
    try {
      listener.accept(event);
    } catch (RuntimeException e) {
      log.warn("listener {} failed on {}", listener, event, e);
    }
  }
}
