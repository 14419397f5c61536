package dev.plasticity.trainer.adaptation;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import dev.plasticity.registry.client.ExpertsBlock;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.registry.client.NetworkFamily;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.Expert;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.FineTuneScope;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.LatencyProbe;
import dev.plasticity.trainer.network.NetworkTraining;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code grow-expert}: answers a drift by adding an expert rather than changing the serving network,
 * so what it knew stays exactly as it was (progressive networks, Rusu et al. 2016; routed as a
 * sparsely-gated mixture of experts, Shazeer et al. 2017).
 *
 * <ul>
 *   <li>The serving version is an {@code mlp}: it becomes expert 0 of an {@code experts} network,
 *       its weights unchanged; a new expert of the same widths is trained on the new window.
 *   <li>It is already an {@code experts} network: its experts are kept unchanged, less the ones
 *       pruned (below), and a new expert of the newest expert's widths is trained on the window.
 * </ul>
 *
 * Then a gate (a linear one for an mlp parent; the parent's gate widths otherwise) is trained with
 * every expert frozen on the window plus the parent's reference events, the ones it was trained
 * on, so that rows like the old concept's still route to the old expert and a returning concept
 * finds its expert there. The reference of an experts parent is every expert's window (each
 * expert records it: {@code trainedFrom} to {@code addedAt}), which the run reads back; with only
 * the newest window the gate would forget the routes to older experts. Each row is computed by the gate's top-1 expert (the parent's {@code
 * topK} for an experts parent).
 *
 * <p><b>Pruning.</b> An expert's {@code lastUsed} is the newest event time of the last window in
 * which the serving gate routed rows to it; the parent's gate is asked about the new window first.
 * Experts unused for longer than {@link AdaptationSettings#expertMaxAge()} (event time, up to the
 * window's newest event) are dropped, then the least recently used beyond {@link
 * AdaptationSettings#maxExperts()} (counting the new one); the note names them.
 *
 * <p>Every expert uses the parent's input encoding (its scaling, categorical vocabularies, lags and
 * levels), which the experts share. The constraint check applies to the experts network: its
 * parameters and multiply–adds per row (gate plus top-k experts). Stateless and thread-safe.
 */
public final class GrowExpert implements Strategy.DomainAdaptation {
  /** The instance of {@code Strategies.STANDARD}. */
  public static final GrowExpert STANDARD = new GrowExpert();
  /** The metric of a grown version: parameters a held-out row used on average (its gate and chosen experts). */
  public static final String ACTIVE_PARAMETERS = "active_parameters_per_row";

  private GrowExpert() {}

  @Override
  public String wireName() {
    return "grow-expert";
  }

  @Override
  public String explain() {
    return "adding an expert trained on the new window beside the serving version's, with a gate that routes"
        + " each row to its expert";
  }

  @Override
  public boolean usesReference() {
    return true;
  }

  @Override
  public boolean adaptsExperts() {
    return true;
  }

  /**
   * An expert of the network being grown: its place in the parent, its description, its parameters
   * as an mlp artifact, and how many of the new window's rows the parent's gate routed to it.
   */
  private record Member(int parentIndex, Expert expert, byte[] artifact, int windowRows) {}

  @Override
  public Adapted adapt(Parent parent, LabelledData window, List<LabelledEvent> reference, Architecture fresh,
      ConstraintCheck check, TrainingSettings training, AdaptationSettings settings,
      NetworkTraining.EpochListener listener) {
    long now = newest(window.events());
    Architecture served = parent.architecture();
    List<Member> members = new ArrayList<>();
    List<Integer> widths;
    List<Integer> gateWidths;
    int topK;
    switch (NetworkFamily.of(served)) {
      case MLP -> {
        // the mlp served every row up to this window
        // its window is the reference's, unknown (0, 0) without one
        members.add(new Member(0, Expert.newBuilder().setHiddenUnits(List.copyOf(served.getHiddenUnits()))
            .setTrainedFrom(reference.isEmpty() ? 0 : oldest(reference))
            .setAddedAt(reference.isEmpty() ? 0 : newest(reference)).setLastUsed(now).build(), parent.artifact(),
            window.events().size()));
        widths = served.getHiddenUnits();
        gateWidths = List.of();
        topK = 1;
      }
      case EXPERTS -> {
        members.addAll(membersOf(parent, window.events(), now));
        widths = served.getExperts().get(served.getExperts().size() - 1).getHiddenUnits();
        gateWidths = served.getHiddenUnits();
        topK = served.getTopK();
      }
      default -> throw new IllegalStateException("unreachable");
    }
    List<String> pruned = new ArrayList<>();
    List<Member> kept = prune(members, now, settings, pruned);

    Architecture inputs = Architecture.newBuilder(served).setFamily(NetworkFamily.MLP.wireName())
        .setExperts(List.of()).setTopK(0).setHiddenUnits(List.copyOf(widths)).build();
    List<Expert> experts = new ArrayList<>(kept.stream().map(Member::expert).toList());
    experts.add(Expert.newBuilder().setHiddenUnits(List.copyOf(widths)).setTrainedFrom(oldest(window.events()))
        .setAddedAt(now).setLastUsed(now).build());
    Architecture grown = Architecture.newBuilder(inputs).setFamily(NetworkFamily.EXPERTS.wireName())
        .setHiddenUnits(List.copyOf(gateWidths)).setExperts(experts).setTopK(Math.min(topK, experts.size())).build();
    ConstraintCheck.Result candidate = check.check(grown);
    if (!candidate.passed()) {
      return Adapted.refused(candidate);
    }

    // the new expert: an mlp of the parent's input encoding, trained on the window alone; the
    // constraints were checked on the grown network, whose per-row cost includes this expert
    NetworkTraining.Result newExpert = NetworkTraining.train(parent.name(), window,
        new ConstraintCheck(List.of(), LatencyProbe.standard()).check(inputs), training, listener);

    List<byte[]> artifacts = new ArrayList<>(kept.stream().map(Member::artifact).toList());
    artifacts.add(newExpert.artifact());
    byte[] start = assemble(parent, grown, kept, artifacts, training.seed());

    // the gate, every expert frozen, on the parent's events and the window's training events; held out: the window's
    List<LabelledEvent> gateEvents = new ArrayList<>(reference);
    gateEvents.addAll(window.events());
    LabelledData gateData = new LabelledData(gateEvents, reference.size() + window.trainSize());
    NetworkTraining.Result gated = NetworkTraining.train(parent.name(), gateData, candidate, training,
        new NetworkTraining.Start(start, FineTuneScope.HEAD), listener);

    // which experts the trained gate routes the window's rows to: they are used now
    Routing heldOut;
    int[] windowRows;
    try (Model model = ModelFormat.load(parent.name(), grown, gated.artifact())) {
      windowRows = routedRows(model, grown, window.events());
      heldOut = routing(model, grown, window.events(), window.trainSize());
    }
    List<Expert> used = new ArrayList<>();
    for (int e = 0; e < experts.size(); e++) {
      Expert expert = experts.get(e);
      used.add(windowRows[e] > 0 ? Expert.newBuilder(expert).setLastUsed(now).build() : expert);
    }
    Architecture registered = Architecture.newBuilder(grown).setExperts(used).build();
    NetworkTraining.Result result = new NetworkTraining.Result(registered, gated.artifact(), gated.heldOutAccuracy(),
        newExpert.seconds() + gated.seconds(), gated.device());

    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("experts", (double) experts.size());
    metrics.put("experts_pruned", (double) pruned.size());
    metrics.put(ACTIVE_PARAMETERS, heldOut.meanActiveParameters());
    for (int e = 0; e < experts.size(); e++) {
      metrics.put("expert_" + e + "_share", heldOut.share(e));
    }
    metrics.put("new_expert_accuracy", newExpert.heldOutAccuracy());
    metrics.put("reference_events", (double) reference.size());
    return new Adapted(candidate, result, metrics, note(experts, widths, window, reference, pruned, heldOut));
  }

  private static String note(List<Expert> experts, List<Integer> widths, LabelledData window,
      List<LabelledEvent> reference, List<String> pruned, Routing heldOut) {
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "expert %d (%s) trained on %d new events; gate trained on them and %d reference events, experts frozen",
        experts.size() - 1, widths, window.trainSize(), reference.size()));
    if (reference.isEmpty()) {
      text.append(" (no reference events of the parent's window: the old experts' rows are not shown to the gate)");
    }
    if (!pruned.isEmpty()) {
      text.append("; pruned ").append(String.join(", ", pruned));
    }
    text.append("; held-out rows per expert:");
    for (int e = 0; e < experts.size(); e++) {
      text.append(String.format(Locale.ROOT, " %d: %.0f%%", e, 100 * heldOut.share(e)));
    }
    return text.toString();
  }

  /**
   * The parent's experts as members, their parameters cut out of its artifact, each one's {@code
   * lastUsed} moved on to {@code now} when the parent's gate routes rows of the window to it.
   */
  private static List<Member> membersOf(Parent parent, List<LabelledEvent> window, long now) {
    Architecture served = parent.architecture();
    List<Member> members = new ArrayList<>();
    try (Model model = ModelFormat.load(parent.name(), served, parent.artifact())) {
      ExpertsBlock block = (ExpertsBlock) model.getBlock();
      int[] routed = routedRows(model, served, window);
      for (int e = 0; e < block.expertCount(); e++) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
          block.expert(e).saveParameters(out);
        } catch (IOException ex) {
          throw new IllegalStateException("cannot cut expert " + e + " out of " + parent.name(), ex);
        }
        Expert expert = served.getExperts().get(e);
        members.add(new Member(e, routed[e] > 0 ? Expert.newBuilder(expert).setLastUsed(now).build() : expert,
            bytes.toByteArray(), routed[e]));
      }
    }
    return members;
  }

  /**
   * The members kept: those used within the settings' age of {@code now}, then the most recently
   * used up to one fewer than the most experts (the new one takes the last place), in their order.
   */
  static List<Member> prune(List<Member> members, long now, AdaptationSettings settings, List<String> pruned) {
    long oldest = now - settings.expertMaxAge().toMillis();
    List<Member> fresh = new ArrayList<>();
    for (Member m : members) {
      if (m.expert().getLastUsed() < oldest) {
        pruned.add(describe(m) + ": no rows for " + age(now - m.expert().getLastUsed()) + ", over the limit of "
            + age(settings.expertMaxAge().toMillis()));
      } else {
        fresh.add(m);
      }
    }
    int room = settings.maxExperts() - 1;
    if (fresh.size() > room) {
      List<Member> byUse = new ArrayList<>(fresh);
      byUse.sort(Comparator.comparingLong((Member m) -> m.expert().getLastUsed()).thenComparingInt(Member::parentIndex));
      for (Member m : byUse.subList(0, fresh.size() - room)) {
        pruned.add(describe(m) + ": least recently used (" + Instant.ofEpochMilli(m.expert().getLastUsed())
            + ") of more than " + settings.maxExperts() + " experts");
        fresh.remove(m);
      }
    }
    return fresh;
  }

  /** The oldest event time among {@code events}. */
  private static long oldest(List<LabelledEvent> events) {
    return events.stream().mapToLong(LabelledEvent::getEventTime).min()
        .orElseThrow(() -> new IllegalArgumentException("grow-expert needs events to date the window"));
  }

  /** The newest event time among {@code events}. */
  private static long newest(List<LabelledEvent> events) {
    return events.stream().mapToLong(LabelledEvent::getEventTime).max()
        .orElseThrow(() -> new IllegalArgumentException("grow-expert needs events to date the window"));
  }

  private static String describe(Member m) {
    return "expert " + m.parentIndex() + " " + m.expert().getHiddenUnits();
  }

  private static String age(long millis) {
    Duration d = Duration.ofMillis(millis);
    return d.toHours() >= 1 ? d.toHours() + " h" : d.toMinutes() + " min";
  }

  /**
   * An experts network whose experts hold {@code artifacts} (mlp artifacts, in order). Its gate is
   * fresh for an mlp parent; for an experts parent it starts from the parent's gate, each kept
   * expert's output row copied and the new expert's a copy of the row of the kept expert that the
   * window's rows went to, so the routes the parent learnt are where the gate's training starts.
   */
  private static byte[] assemble(Parent parent, Architecture grown, List<Member> kept, List<byte[]> artifacts,
      int seed) {
    ModelFormat.engine().setRandomSeed(seed);
    try (Model model = ModelFormat.newModel(parent.name(), grown)) {
      ExpertsBlock block = (ExpertsBlock) model.getBlock();
      for (int e = 0; e < artifacts.size(); e++) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(artifacts.get(e)))) {
          block.expert(e).loadParameters(model.getNDManager(), in);
        } catch (IOException | MalformedModelException ex) {
          throw new IllegalArgumentException("expert " + e + "'s parameters do not fit "
              + ModelFormat.describe(ModelFormat.expertNetwork(grown, e)) + ": " + ex.getMessage(), ex);
        }
      }
      if (NetworkFamily.of(parent.architecture()) == NetworkFamily.EXPERTS) {
        try (Model served = ModelFormat.load(parent.name(), parent.architecture(), parent.artifact())) {
          startFromParentGate(((ExpertsBlock) served.getBlock()).gate(), block.gate(), kept, model.getNDManager());
        }
      }
      return ModelFormat.saveParameters(model);
    }
  }

  /**
   * Copies the parent gate's parameters into the new gate: hidden layers as they are, and of the
   * output layer (its weight {@code [experts, inputs]} and bias {@code [experts]}) the row of each
   * kept expert into that expert's new place.
   */
  private static void startFromParentGate(Block from, Block to, List<Member> kept,
      NDManager manager) {
    ParameterList source = from.getParameters();
    ParameterList target = to.getParameters();
    int output = target.size() - 2; // the output Linear's weight and bias come last
    for (int p = 0; p < target.size(); p++) {
      NDArray old = source.get(p).getValue().getArray();
      NDArray now = target.get(p).getValue().getArray();
      if (p < output) {
        old.copyTo(now); // a hidden layer: the same shape
        continue;
      }
      // the output layer: one row per expert, each kept expert's from its place in the parent
      long rowSize = now.getShape().size() / now.getShape().get(0);
      float[] values = now.toFloatArray();
      float[] parentValues = old.toFloatArray();
      for (int e = 0; e < kept.size(); e++) {
        System.arraycopy(parentValues, (int) (kept.get(e).parentIndex() * rowSize), values, (int) (e * rowSize),
            (int) rowSize);
      }
      // the new expert starts as a copy of the kept expert the window's rows went to: the two tie on
      // the new concept's rows, and the gate's training only has to split them (as Net2Net splits a unit)
      kept.stream().filter(m -> m.windowRows() > 0).max(Comparator.comparingInt(Member::windowRows))
          .ifPresent(busiest -> System.arraycopy(parentValues, (int) (busiest.parentIndex() * rowSize), values,
              (int) (kept.size() * rowSize), (int) rowSize));
      try (NDArray copied = manager.create(values, now.getShape())) {
        copied.copyTo(now);
      }
    }
  }

  /** How many of {@code events} the network's gate routes to each expert (any of a row's top k). */
  private static int[] routedRows(Model model, Architecture architecture, List<LabelledEvent> events) {
    ExpertsBlock block = (ExpertsBlock) model.getBlock();
    int[] counts = new int[block.expertCount()];
    for (int[] chosen : block.route(model.getNDManager(), NetworkTraining.encode(architecture, events))) {
      for (int e : chosen) {
        counts[e]++;
      }
    }
    return counts;
  }

  /** Where the rows from index {@code from} on went, and the parameters they used. */
  private record Routing(int[] rows, int total, double meanActiveParameters) {
    double share(int expert) {
      return total == 0 ? 0 : rows[expert] / (double) total;
    }
  }

  private static Routing routing(Model model, Architecture architecture, List<LabelledEvent> events, int from) {
    float[][] encoded = NetworkTraining.encode(architecture, events); // lags and levels walk every event
    float[][] rows = java.util.Arrays.copyOfRange(encoded, from, encoded.length);
    ExpertsBlock block = (ExpertsBlock) model.getBlock();
    int[] counts = new int[block.expertCount()];
    for (int[] chosen : block.route(model.getNDManager(), rows)) {
      for (int e : chosen) {
        counts[e]++;
      }
    }
    double active;
    try (NDManager scratch = model.getNDManager().newSubManager()) {
      NDList out = block.forward(new ParameterStore(scratch, false), new NDList(scratch.create(rows)), false);
      float[] perRow = out.get(1).toFloatArray();
      double sum = 0;
      for (float p : perRow) {
        sum += p;
      }
      active = sum / perRow.length;
    }
    return new Routing(counts, rows.length, active);
  }

  @Override
  public String toString() {
    return wireName();
  }
}
