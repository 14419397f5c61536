package dev.plasticity.trainer.run;

import dev.plasticity.registry.client.ModelDefinition;
import dev.plasticity.schemas.ChangeCause;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.TrainingPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/** A run's I/O kept in memory, for tests that drive whole runs without a broker or a registry. */
final class InMemoryIo {
  private InMemoryIo() {}

  /** Labelled events held in a list; every event is usable. Thread-safe. */
  static final class Events implements EventSource {
    private final List<LabelledEvent> events = new CopyOnWriteArrayList<>();

    Events add(List<LabelledEvent> more) {
      events.addAll(more);
      return this;
    }

    @Override
    public Window read(String model, long fromTime, int wanted, int minimum, int enough, Duration wait,
        IntConsumer progress) { // every event has arrived
      List<LabelledEvent> found = between(model, fromTime, Long.MAX_VALUE, wanted);
      progress.accept(found.size());
      if (found.size() < minimum) {
        throw new IllegalStateException("only " + found.size() + " events of model '" + model + "' since " + fromTime
            + "; training needs at least " + minimum);
      }
      return new Window(found, 0, 0);
    }

    @Override
    public List<LabelledEvent> readBetween(String model, long fromTime, long untilTime, int wanted, Duration wait) {
      return between(model, fromTime, untilTime, wanted);
    }

    private List<LabelledEvent> between(String model, long fromTime, long untilTime, int wanted) {
      return events.stream()
          .filter(e -> e.getModel().equals(model) && e.getEventTime() >= fromTime && e.getEventTime() < untilTime)
          .sorted(Comparator.comparingLong(LabelledEvent::getEventTime)).limit(wanted).toList();
    }
  }

  /**
   * Versions and artifacts held in maps, numbered per model from 1; the champion is the version
   * last registered as champion or recalled, and every move of it is kept as the registry's history
   * keeps it. It can be told to refuse the next registrations, as a registry that is down would,
   * and the next recalls, as a registry that answers 409 would. Thread-safe.
   */
  static final class Versions implements VersionStore {
    private final Map<String, ModelDefinition> definitions = new ConcurrentHashMap<>();

    /** Gives {@code definition}'s model that definition. */
    Versions define(ModelDefinition definition) {
      definitions.put(definition.name(), definition);
      return this;
    }

    @Override
    public Optional<ModelDefinition> definition(String model) {
      return Optional.ofNullable(definitions.get(model));
    }

    private final Map<String, List<ModelVersion>> versions = new ConcurrentHashMap<>();
    private final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
    private final AtomicInteger refusals = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final Map<String, List<ChampionMove>> moves = new ConcurrentHashMap<>();
    private final AtomicInteger recallRefusals = new AtomicInteger();

    private volatile java.util.function.Consumer<ModelVersion> onDownload = v -> {};

    /** Calls {@code action} with every version whose artifact is read, before it is returned. */
    void onDownload(java.util.function.Consumer<ModelVersion> action) {
      onDownload = action;
    }

    /** Makes {@code version} the champion, as an operator's promotion would. */
    synchronized void promote(String model, int version) {
      moves.computeIfAbsent(model, m -> new ArrayList<>()).add(new ChampionMove(version, ChangeCause.OPERATOR,
          "promoted by an operator"));
    }

    private volatile Runnable beforeRecall = () -> {};

    /** Runs {@code action} when a recall reaches the store, before the store checks and applies it. */
    void beforeRecall(Runnable action) {
      beforeRecall = action;
    }

    /** The next {@code n} recalls are refused as a registry's 409 would be. */
    void refuseNextRecalls(int n) {
      recallRefusals.set(n);
    }

    /** The next {@code n} registrations fail as an unreachable registry's would. */
    void refuseNext(int n) {
      refusals.set(n);
    }

    /** Registrations refused so far. */
    int refused() {
      return refused.get();
    }

    synchronized List<ModelVersion> all(String model) {
      return List.copyOf(versions.getOrDefault(model, List.of()));
    }

    @Override
    public synchronized Optional<ModelVersion> champion(String model) {
      List<ChampionMove> made = championMoves(model);
      return made.isEmpty() ? Optional.empty() : version(model, made.get(made.size() - 1).version());
    }

    @Override
    public synchronized List<ChampionMove> championMoves(String model) {
      return List.copyOf(moves.getOrDefault(model, List.of()));
    }

    @Override
    public synchronized void recall(String model, int version, int replacing, String reason) {
      beforeRecall.run();
      if (recallRefusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new Recall.Refused("409: " + model + " v" + version + " cannot be recalled", null);
      }
      OptionalInt current = champion(model).map(v -> OptionalInt.of(v.getVersion())).orElse(OptionalInt.empty());
      if (current.isEmpty() || current.getAsInt() != replacing) {
        throw new Recall.Refused("409: " + model + " v" + replacing + " no longer is the champion", null);
      }
      if (championMoves(model).stream().noneMatch(m -> m.version() == version)) {
        throw new Recall.Refused("409: " + model + " v" + version + " has never been the champion", null);
      }
      moves.computeIfAbsent(model, m -> new ArrayList<>()).add(new ChampionMove(version, ChangeCause.RECALL, reason));
    }

    @Override
    public synchronized Optional<ModelVersion> version(String model, int version) {
      return all(model).stream().filter(v -> v.getVersion() == version).findFirst();
    }

    @Override
    public List<ModelVersion> versions(String model) {
      return all(model);
    }

    @Override
    public synchronized Optional<ModelVersion> versionForTrigger(String model, String triggerId) {
      return all(model).stream().filter(v -> v.getLineage().getTriggerId().equals(triggerId)).findFirst();
    }

    @Override
    public Optional<String> rejection(String model, int version) {
      return Optional.empty();
    }

    @Override
    public byte[] downloadVerified(ModelVersion version) {
      onDownload.accept(version);
      byte[] artifact = artifacts.get(version.getModel() + "/" + version.getVersion());
      if (artifact == null) {
        throw new IllegalStateException("no artifact for " + version.getModel() + " v" + version.getVersion());
      }
      return artifact.clone();
    }

    @Override
    public synchronized ModelVersion register(ModelVersion request, byte[] artifact) {
      if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        refused.incrementAndGet();
        throw new IllegalStateException("registry unreachable: connection refused");
      }
      if (versionForTrigger(request.getModel(), request.getLineage().getTriggerId()).isPresent()) {
        throw new IllegalStateException("trigger " + request.getLineage().getTriggerId() + " already has a version");
      }
      List<ModelVersion> list = versions.computeIfAbsent(request.getModel(), m -> new ArrayList<>());
      ModelVersion stored = ModelVersion.newBuilder(request).setVersion(list.size() + 1)
          .setArtifactUri("memory:" + request.getModel() + "/" + (list.size() + 1)).build();
      list.add(stored);
      artifacts.put(stored.getModel() + "/" + stored.getVersion(), artifact.clone());
      if ("champion".equals(stored.getAlias())) {
        moves.computeIfAbsent(stored.getModel(), m -> new ArrayList<>()).add(new ChampionMove(stored.getVersion(),
            stored.getVersion() == 1 ? ChangeCause.REGISTRATION : ChangeCause.GATE, ""));
      }
      return stored;
    }
  }

  /** One progress report. */
  record Report(String triggerId, String strategy, TrainingPhase phase, String message) {}

  /** Progress reports collected in order. Thread-safe. */
  static final class Progress implements ProgressSink {
    final List<Report> reports = new CopyOnWriteArrayList<>();

    @Override
    public void report(String triggerId, String model, String strategy, TrainingPhase phase, int epoch, int epochs,
        Double bestScore, double budgetUsed, String message) {
      reports.add(new Report(triggerId, strategy, phase, message));
    }

    @Override
    public void report(String triggerId, String model, String strategy, TrainingPhase phase, int candidatesTried,
        int candidatesTotal, int epoch, int epochs, Double bestScore, double budgetUsed, String message) {
      reports.add(new Report(triggerId, strategy, phase, message));
    }

    List<TrainingPhase> phases(String triggerId) {
      return reports.stream().filter(r -> r.triggerId().equals(triggerId)).map(Report::phase).distinct().toList();
    }
  }
}
