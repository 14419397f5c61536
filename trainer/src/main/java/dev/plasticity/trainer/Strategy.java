package dev.plasticity.trainer;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.NetworkTraining;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a retraining run does to produce a challenger: retrain a fresh network, fine-tune the
 * serving version within a {@link FineTuneScope}, search architectures with a {@link
 * SearchAlgorithm}, or adapt the serving version with a {@link DomainAdaptation}. Text names
 * ({@code retrain}, {@code fine-tune:head}, {@code search:evolution}, {@code ewc}, ...) are read
 * once, at the edges, by {@link Strategies#parse}; everything inside the trainer decides by
 * {@link #match} over these four kinds, which the compiler checks for exhaustiveness (the Java 17
 * form of a {@code switch} over a sealed type: pattern switches are final only from Java 21).
 * {@link #wireName()} is what lineage and progress events record.
 *
 * <p>Adding a domain adaptation is one class implementing {@link DomainAdaptation} and one entry
 * in {@link Strategies#STANDARD}. Every implementation is thread-safe, and immutable but for a
 * cache of what it learned (meta-start's learned starts).
 */
public sealed interface Strategy permits Strategy.Retrain, Strategy.FineTune, Strategy.Search,
    Strategy.DomainAdaptation {
  /** The strategy's name as policy rules, the command line and lineage write it. */
  String wireName();

  /** What the strategy does, in words, to finish a plan's reason. */
  String explain();

  /** Whether it changes the serving version (or learns from it), so it needs one to run. */
  default boolean needsServingVersion() {
    return true;
  }

  /** Whether training starts from the serving version's weights (a fine-tune) rather than fresh ones. */
  default boolean warmStarts() {
    return false;
  }

  /** Calls the case of {@code cases} for this strategy's kind and returns what it returns. */
  <R> R match(Cases<R> cases);

  /**
   * One answer per kind of strategy: implement it to decide on a strategy, and the compiler
   * makes sure no kind is forgotten.
   */
  interface Cases<R> {
    R retrain(Retrain retrain);

    R fineTune(FineTune fineTune);

    R search(Search search);

    R adapt(DomainAdaptation adaptation);
  }

  /** The strategy named {@code name} in the standard table ({@link Strategies#STANDARD}). */
  static Strategy parse(String name) {
    return Strategies.STANDARD.parse(name);
  }

  /** Train a fresh network on the new window. */
  record Retrain() implements Strategy {
    @Override
    public <R> R match(Cases<R> cases) {
      return cases.retrain(this);
    }

    @Override
    public String wireName() {
      return "retrain";
    }

    @Override
    public String explain() {
      return "training a fresh network on the new window";
    }

    @Override
    public boolean needsServingVersion() {
      return false;
    }

    @Override
    public String toString() {
      return wireName();
    }
  }

  /** Fine-tune the serving version's network from its weights, changing the layers of {@code scope}. */
  record FineTune(FineTuneScope scope) implements Strategy {
    @Override
    public <R> R match(Cases<R> cases) {
      return cases.fineTune(this);
    }

    public FineTune {
      Objects.requireNonNull(scope, "scope");
    }

    @Override
    public boolean warmStarts() {
      return true;
    }

    @Override
    public String wireName() {
      return "fine-tune:" + scope.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String explain() {
      return switch (scope) {
        case ALL -> "fine-tuning every layer of the serving version";
        case TOP -> "fine-tuning the serving version's last hidden and output layers";
        case HEAD -> "fine-tuning the serving version's output layer only";
      };
    }

    @Override
    public String toString() {
      return wireName();
    }
  }

  /** Search architectures with {@code algorithm}, starting from the serving network when there is one. */
  record Search(SearchAlgorithm algorithm) implements Strategy {
    @Override
    public <R> R match(Cases<R> cases) {
      return cases.search(this);
    }

    public Search {
      Objects.requireNonNull(algorithm, "algorithm");
    }

    @Override
    public String wireName() {
      return "search:" + algorithm.wireName();
    }

    @Override
    public String explain() {
      return "searching architectures from the champion's with " + algorithm.wireName();
    }

    /** Its candidates start from the serving version's weights where they fit (when one serves). */
    @Override
    public boolean warmStarts() {
      return true;
    }

    @Override
    public boolean needsServingVersion() {
      return false; // a search without a serving version starts from scratch
    }

    @Override
    public String toString() {
      return wireName();
    }
  }

  /**
   * Adapts the serving version to the new window (EWC, distillation, importance weighting, ...).
   * Runs without a serving version fall back to retraining. Not sealed: a new adaptation is one
   * class implementing this and one entry in {@link Strategies}.
   */
  non-sealed interface DomainAdaptation extends Strategy {
    @Override
    default <R> R match(Cases<R> cases) {
      return cases.adapt(this);
    }

    /** Whether it reads the events the serving version was trained on, its lineage's window. */
    boolean usesReference();

    /**
     * Whether it can adapt a serving version whose network is an experts network (family {@code
     * experts}); a run whose serving version is one retrains instead when it cannot. Those that
     * continue an mlp's single network (EWC's Fisher information, distillation's student) cannot.
     */
    default boolean adaptsExperts() {
      return false;
    }

    /**
     * Adapts {@code parent} to {@code window}.
     *
     * @param reference events the parent was trained on (its window), oldest first; empty when none
     *     could be read
     * @param fresh the network a retraining would train on the window, with the window's scaling
     * @param check the model's constraints
     * @param training how every network trains (epochs, batch size, learning rate, seed)
     * @param settings how the adaptations are tuned
     */
    Adapted adapt(Parent parent, LabelledData window, List<LabelledEvent> reference, Architecture fresh,
        ConstraintCheck check, TrainingSettings training, AdaptationSettings settings,
        NetworkTraining.EpochListener listener);

    /**
     * Whether it reads the training windows of the earlier versions its lineage knows (one per
     * concept), given as {@link LineageWindows} to {@link #adapt(Parent, LabelledData, List,
     * LineageWindows, Architecture, ConstraintCheck, TrainingSettings, AdaptationSettings,
     * NetworkTraining.EpochListener) adapt}. False for most: only a strategy that learns from
     * several past concepts needs them, and reading them costs a pass over the topic each.
     */
    default boolean usesLineageWindows() {
      return false;
    }

    /**
     * Adapts {@code parent} to {@code window}, also given the windows of the versions its lineage
     * knows ({@link LineageWindows#NONE} unless {@link #usesLineageWindows()}). What a run calls;
     * an adaptation that does not read them need not override it.
     */
    default Adapted adapt(Parent parent, LabelledData window, List<LabelledEvent> reference, LineageWindows lineage,
        Architecture fresh, ConstraintCheck check, TrainingSettings training, AdaptationSettings settings,
        NetworkTraining.EpochListener listener) {
      return adapt(parent, window, reference, fresh, check, training, settings, listener);
    }
  }

  /**
   * The training windows of versions a model's lineage knows: the serving version's and those of
   * earlier champions, one per concept the lineage learned. Reading them is a pass over the
   * labelled-events topic each, so they are read only when asked, and at most once.
   *
   * @param versions the versions whose windows these are, distinct windows only, ascending; with the
   *     model's name, the key of anything learned from them
   * @param reader reads the windows, one list of events per version, oldest first; a window that
   *     could not be read is empty
   */
  record LineageWindows(List<Integer> versions, java.util.function.Supplier<List<List<LabelledEvent>>> reader) {
    /** No windows: a model without a lineage, or a strategy that does not read them. */
    public static final LineageWindows NONE = new LineageWindows(List.of(), List::of);

    public LineageWindows {
      versions = List.copyOf(versions);
      Objects.requireNonNull(reader, "reader");
    }

    /** Windows already in memory, keyed by version. */
    public static LineageWindows of(java.util.SortedMap<Integer, List<LabelledEvent>> windows) {
      List<List<LabelledEvent>> events = windows.values().stream().map(List::copyOf).toList();
      return new LineageWindows(List.copyOf(windows.keySet()), () -> events);
    }

    /** How many windows there are. */
    public int size() {
      return versions.size();
    }

    /** Reads the windows, one per version of {@link #versions()}, in that order. */
    public List<List<LabelledEvent>> read() {
      List<List<LabelledEvent>> windows = reader.get();
      if (windows.size() != versions.size()) {
        throw new IllegalStateException("read " + windows.size() + " windows for the " + versions.size()
            + " versions " + versions);
      }
      return windows;
    }
  }

  /**
   * The serving version an adaptation starts from.
   *
   * @param name the model's name
   * @param architecture its network and input scaling
   * @param artifact its parameters
   */
  record Parent(String name, Architecture architecture, byte[] artifact) {}

  /**
   * What an adaptation trained, or the candidate it refused.
   *
   * @param candidate the network checked against the constraints
   * @param result the training, or null when the candidate broke a constraint
   * @param metrics strategy-specific figures for the registered version
   * @param note a sentence on what the strategy did (or fell back to)
   */
  record Adapted(ConstraintCheck.Result candidate, NetworkTraining.Result result, java.util.Map<String, Double> metrics,
      String note) {
    public static Adapted refused(ConstraintCheck.Result candidate) {
      return new Adapted(candidate, null, java.util.Map.of(), candidate.summary());
    }
  }
}
