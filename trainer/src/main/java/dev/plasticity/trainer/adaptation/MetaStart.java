package dev.plasticity.trainer.adaptation;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.FineTuneScope;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.NetworkTraining;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code meta-start} strategy: fine-tunes every layer of the serving network on the new window,
 * starting not from the champion's weights but from a {@link Reptile} start meta-learned on the
 * windows of the concepts the model's lineage knows (the serving version's and the earlier
 * champions'). A stream whose concepts are relatives of one another (a threshold moved, a regime
 * come back) then needs fewer new events to fit the next one: the start sits where a few steps
 * reach any of them, where the champion sits at the bottom of one.
 *
 * <p>With fewer than two past windows there is nothing to meta-learn across; it fine-tunes from
 * the champion, and its note says so. The start is cached per model, set of versions, network and
 * seed: the next trigger of an unchanged lineage reuses it without reading the windows again.
 *
 * <p>Thread-safe: the cache (at most {@link #CACHED_STARTS} starts, least recently used dropped)
 * is the only state, and a start is learned under its lock, once.
 */
public final class MetaStart implements Strategy.DomainAdaptation {
  /** The {@code meta-start} strategy of {@code Strategies.STANDARD}, with Reptile's default settings. */
  public static final MetaStart STANDARD = new MetaStart(Reptile.Settings.DEFAULTS);
  /** The most meta-learned starts kept, over all models. */
  static final int CACHED_STARTS = 16;
  /** The fewest past windows it meta-learns across. */
  static final int MIN_WINDOWS = 2;

  private final Reptile reptile;
  private final Map<Key, Learned> cache = new LinkedHashMap<>(CACHED_STARTS, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Learned> eldest) {
      return size() > CACHED_STARTS;
    }
  };

  MetaStart(Reptile.Settings settings) {
    this.reptile = new Reptile(settings);
  }

  /** What a start is learned from: the model, its lineage's versions, the network and the seed. */
  private record Key(String model, List<Integer> versions, String network, int seed) {}

  /** A learned start and what it cost. */
  private record Learned(byte[] parameters, int windows, int metaIterations, double seconds) {}

  @Override
  public String wireName() {
    return "meta-start";
  }

  @Override
  public String explain() {
    return "fine-tuning every layer from a start meta-learned (Reptile) on the windows of the concepts the lineage"
        + " knows";
  }

  @Override
  public boolean warmStarts() {
    return true;
  }

  @Override
  public boolean usesReference() {
    return false;
  }

  @Override
  public boolean usesLineageWindows() {
    return true;
  }

  /** Without the lineage's windows: fine-tunes from the champion, as with fewer than two. */
  @Override
  public Adapted adapt(Parent parent, LabelledData window, List<LabelledEvent> reference, Architecture fresh,
      ConstraintCheck check, TrainingSettings training, AdaptationSettings settings,
      NetworkTraining.EpochListener listener) {
    return adapt(parent, window, reference, LineageWindows.NONE, fresh, check, training, settings, listener);
  }

  @Override
  public Adapted adapt(Parent parent, LabelledData window, List<LabelledEvent> reference, LineageWindows lineage,
      Architecture fresh, ConstraintCheck check, TrainingSettings training, AdaptationSettings settings,
      NetworkTraining.EpochListener listener) {
    // the parent's network and input scaling: the start is learned for them, from its weights
    ConstraintCheck.Result candidate = check.check(parent.architecture());
    if (!candidate.passed()) {
      return Adapted.refused(candidate);
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    Lookup start = lineage.size() < MIN_WINDOWS ? new Lookup(null, false, lineage.size())
        : start(parent, lineage, training.seed());
    if (start.learned() == null) {
      NetworkTraining.Result result = NetworkTraining.train(parent.name(), window, candidate, training,
          new NetworkTraining.Start(parent.artifact(), FineTuneScope.ALL), listener);
      metrics.put("meta_windows", (double) start.windows());
      metrics.put("meta_iterations", 0.0);
      metrics.put("meta_seconds", 0.0);
      return new Adapted(candidate, result, metrics, String.format(Locale.ROOT, "%d past window(s) of the lineage,"
          + " fewer than the %d meta-learning needs: fine-tuned every layer from the champion", start.windows(),
          MIN_WINDOWS));
    }
    Learned learned = start.learned();
    NetworkTraining.Result result = NetworkTraining.train(parent.name(), window, candidate, training,
        new NetworkTraining.Start(learned.parameters(), FineTuneScope.ALL), listener);
    metrics.put("meta_windows", (double) learned.windows());
    metrics.put("meta_iterations", (double) learned.metaIterations());
    metrics.put("meta_seconds", start.cached() ? 0.0 : learned.seconds());
    metrics.put("meta_cached", start.cached() ? 1.0 : 0.0);
    return new Adapted(candidate, result, metrics, String.format(Locale.ROOT, "fine-tuned every layer from a Reptile"
        + " start learned on %d windows of the lineage (v%s; %d meta-iterations, %s)", learned.windows(),
        lineage.versions().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", v")),
        learned.metaIterations(), start.cached() ? "cached from an earlier trigger"
            : String.format(Locale.ROOT, "%.1f s", learned.seconds())));
  }

  /** A start (null when there were too few windows), whether it came from the cache, and from how many windows. */
  private record Lookup(Learned learned, boolean cached, int windows) {}

  /**
   * The start meta-learned for {@code lineage}, from the cache when it holds one; none when fewer
   * than {@link #MIN_WINDOWS} windows could be read (an unreadable window is empty). A start learned from fewer windows than the
   * lineage has (one could not be read) is not cached: the next trigger tries them all again.
   */
  private Lookup start(Parent parent, LineageWindows lineage, int seed) {
    Key key = new Key(parent.name(), lineage.versions(), parent.architecture().toString(), seed);
    synchronized (cache) {
      Learned cached = cache.get(key);
      if (cached != null) {
        return new Lookup(cached, true, cached.windows());
      }
      List<List<LabelledEvent>> windows = lineage.read().stream().filter(w -> w.size() >= 2).toList();
      if (windows.size() < MIN_WINDOWS) {
        return new Lookup(null, false, windows.size());
      }
      Reptile.Result result = reptile.learn(parent.architecture(), parent.artifact(), windows, seed);
      Learned learned = new Learned(result.parameters(), windows.size(), result.metaIterations(), result.seconds());
      if (windows.size() == lineage.size()) {
        cache.put(key, learned);
      }
      return new Lookup(learned, false, windows.size());
    }
  }

  @Override
  public String toString() {
    return wireName();
  }
}
