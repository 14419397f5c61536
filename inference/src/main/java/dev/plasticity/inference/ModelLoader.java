package dev.plasticity.inference;

import ai.djl.Model;
import dev.plasticity.registry.client.ArtifactIntegrityException;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.schemas.Aliases;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.ModelVersion;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an announced version into service: download through the registry (its artifact location
 * resolved against the registry this loader talks to), verify its SHA-256, rebuild the network,
 * warm it up, then swap it into the {@link HotSwapPredictor} if it is newer than the version
 * served. A version that cannot be served (no usable artifact location, a checksum mismatch, an
 * artifact that does not fit its architecture, a network that fails to warm up) is rejected:
 * logged, counted, reported to {@link #onReject} listeners, reported back to the registry with
 * {@link RegistryClient#reportRejection} and never tried again; the current version keeps serving.
 *
 * <p>Reporting to the registry is best effort: a report that fails (registry down, refused) is
 * logged with the reason and kept; {@link #retryRejectionReports()} (called before each load and by
 * {@link ModelSubscription} while reports are pending) sends it again. It never blocks predictions.
 *
 * <p>Thread-safe (loads may run concurrently; only a newer version is ever swapped in).
 * Listeners run on the loading thread and must not block.
 */
public final class ModelLoader {
  private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);
  static final int DEFAULT_PREDICTORS = 4;
  static final int DEFAULT_WARM_UP_BATCHES = 3;
  /** The longest reason sent to the registry (which refuses reasons over 4096 characters). */
  static final int MAX_REPORTED_REASON = 2_000;

  private final RegistryClient registry;
  private final HotSwapPredictor predictor;
  private final int predictors;
  private final int warmUpBatches;
  private final Set<Integer> rejected = ConcurrentHashMap.newKeySet();
  /** Rejections the registry has not acknowledged yet, by version. */
  private final Map<Integer, Rejection> unreported = new ConcurrentHashMap<>();
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

  /** How many distinct versions were rejected (unusable location, checksum mismatch, unloadable artifact). */
  public int rejectedVersions() {
    return rejected.size();
  }

  /** How many rejections could not be reported to the registry yet (they are retried). */
  int pendingRejectionReports() {
    return unreported.size();
  }

  /**
   * Sends the rejection reports that failed before again, oldest version first; those the registry
   * still does not take stay pending. Never throws.
   */
  void retryRejectionReports() {
    for (Rejection rejection : new TreeMap<>(unreported).values()) {
      report(rejection);
    }
  }

  /** Whether {@code version} was rejected; a rejected version is never loaded. */
  public boolean isRejected(int version) {
    return rejected.contains(version);
  }

  /**
   * Stops serving the version served, if any: its alias was removed. A version of it announced later
   * is loaded as any other.
   *
   * @return whether a version was served
   */
  boolean unserve() {
    boolean stopped = predictor.stopServing(null);
    if (stopped) {
      log.info("{}: the alias this loader follows was removed; its version no longer scores", model());
    }
    return stopped;
  }

  /** "v3" for the version served, "nothing" before the first swap: for messages. */
  String servedVersionDescription() {
    return predictor.servedVersion().isPresent() ? "v" + predictor.servedVersion().getAsInt() : "nothing";
  }

  /**
   * Whether loading {@code version} could change what is served: a newer champion assignment than
   * the served one ({@link HotSwapPredictor#newerThanServed}; a rollback's older version is one) and
   * not rejected.
   */
  boolean wouldServe(ModelVersion version) {
    return version.getModel().equals(model())
        && predictor.newerThanServed(Aliases.sequence(version), version.getVersion())
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
    retryRejectionReports();
    if (!wouldServe(version)) {
      return Optional.empty();
    }
    long start = System.nanoTime();
    try {
      registry.artifactLocation(version);
    } catch (RuntimeException e) { // empty or unparseable: no retry will ever find it
      reject(version, "no usable artifact location: " + e.getMessage());
      return Optional.empty();
    }
    byte[] artifact;
    try {
      artifact = registry.downloadVerified(version);
    } catch (ArtifactIntegrityException e) {
      reject(version, e.getMessage());
      return Optional.empty();
    }
    long needed = minimumArtifactBytes(version.getArchitecture());
    if (artifact.length < needed) { // checked before the network is built: it could need any amount of memory
      reject(version, "an artifact of " + artifact.length + " bytes cannot hold the weights of architecture "
          + ModelFormat.describe(version.getArchitecture()) + " (at least " + needed + " bytes)");
      return Optional.empty();
    }
    Model djlModel;
    try {
      djlModel = ModelFormat.load(model() + "-v" + version.getVersion(), version.getArchitecture(), artifact);
    } catch (IllegalArgumentException e) {
      reject(version, e.getMessage());
      return Optional.empty();
    }
    ServingModel serving;
    try {
      serving = new ServingModel(model(), version.getVersion(), Aliases.sequence(version), version.getArchitecture(), djlModel,
          predictors);
    } catch (RuntimeException e) { // the serving model closed the DJL model already
      reject(version, "cannot build predictors for v" + version.getVersion() + ": " + e);
      return Optional.empty();
    }
    try {
      serving.warmUp(warmUpBatches);
    } catch (RuntimeException e) { // the same bytes fail the same way every time: not worth a retry
      serving.discard();
      reject(version, "warm-up failed: " + e.getMessage());
      return Optional.empty();
    }
    int from;
    try {
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

  /**
   * The fewest bytes an artifact of {@code architecture} can have: four per weight and bias of its
   * linear layers (normalisation adds more); saturates at {@link Long#MAX_VALUE}.
   */
  static long minimumArtifactBytes(Architecture architecture) {
    long inputs = architecture.getInputFeatures().size() + (long) Math.max(0, architecture.getLabelLags())
        * Math.max(0, architecture.getNumClasses()); // InputLayout's width, for any architecture however invalid
    for (dev.plasticity.schemas.CategoricalFeature feature : architecture.getCategoricalFeatures()) {
      inputs = saturatedAdd(inputs, feature.getVocabulary().size() + 1L);
    }
    long parameters = 0;
    List<Integer> widths = new java.util.ArrayList<>(architecture.getHiddenUnits());
    widths.add(architecture.getNumClasses());
    for (int width : widths) {
      long units = Math.max(0, width);
      parameters = saturatedAdd(parameters, saturatedMultiply(inputs + 1, units));
      inputs = units;
    }
    return saturatedMultiply(parameters, Float.BYTES);
  }

  private static long saturatedMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    return high != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private void reject(ModelVersion version, String reason) {
    Rejection rejection = new Rejection(version.getModel(), version.getVersion(), reason);
    if (rejected.add(version.getVersion())) {
      log.error("rejected {} v{}; it will never be served, v{} keeps serving: {}", version.getModel(),
          version.getVersion(), predictor.servedVersion().isPresent() ? predictor.servedVersion().getAsInt() : "(none)", reason);
      for (Consumer<Rejection> listener : rejectListeners) {
        notify(listener, rejection);
      }
      report(rejection);
    }
  }

  /** The reason as reported: at most {@link #MAX_REPORTED_REASON} characters (the log keeps it whole). */
  static String reported(String reason) {
    return reason.length() <= MAX_REPORTED_REASON ? reason
        : reason.substring(0, MAX_REPORTED_REASON - 20) + "... (" + reason.length() + " chars)";
  }

  /** Tells the registry; on failure keeps the rejection for {@link #retryRejectionReports()}. */
  private void report(Rejection rejection) {
    try {
      registry.reportRejection(rejection.model(), rejection.version(), reported(rejection.reason()));
      if (unreported.remove(rejection.version()) != null) {
        log.info("reported the rejection of {} v{} to the registry", rejection.model(), rejection.version());
      }
    } catch (RuntimeException e) {
      boolean first = unreported.put(rejection.version(), rejection) == null;
      log.warn("could not report the rejection of {} v{} to the registry{}; will report it again: {}",
          rejection.model(), rejection.version(), first ? "" : " (again)", e.getMessage());
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
