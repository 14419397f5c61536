package dev.plasticity.trainer.network;

import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.registry.client.NetworkFamily;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.CandidateFigures;
import dev.plasticity.trainer.Constraint;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks a candidate architecture against serving constraints before anyone trains it: counts its
 * parameters and multiply–adds from the descriptor (for an experts network those one row uses: the
 * gate and its top-k experts, see {@link NetworkCost}), and, when a constraint limits latency and the
 * counts pass, measures the latency on the serving device. {@link NetworkTraining} trains only a
 * candidate whose {@link Result} passed. Thread-safe.
 */
public final class ConstraintCheck {
  private final List<Constraint> constraints;
  private final LatencyProbe latencyProbe;

  public ConstraintCheck(List<Constraint> constraints, LatencyProbe latencyProbe) {
    this.constraints = List.copyOf(constraints);
    this.latencyProbe = Objects.requireNonNull(latencyProbe, "latencyProbe");
  }

  /** The constraints every candidate is checked against. */
  public List<Constraint> constraints() {
    return constraints;
  }

  /** A constraint a candidate broke, and how. */
  record Violation(Constraint constraint, String reason) {
    @Override
    public String toString() {
      return constraint + ": " + reason;
    }
  }

  /**
   * The verdict on one candidate.
   *
   * @param candidate the architecture checked
   * @param figures what it would cost to serve (latency only when it was measured)
   * @param violations the constraints it breaks, with the reasons; empty when it may be trained
   */
  public record Result(Architecture candidate, CandidateFigures figures, List<Violation> violations, String basis) {
    public Result {
      violations = List.copyOf(violations);
      Objects.requireNonNull(basis, "basis");
    }

    /** The verdict on a network whose figures hold for every row (no early exits). */
    public Result(Architecture candidate, CandidateFigures figures, List<Violation> violations) {
      this(candidate, figures, violations, "");
    }

    public boolean passed() {
      return violations.isEmpty();
    }

    /** A sentence for people: the figures, on what ground, and, for a violating candidate, every reason. */
    public String summary() {
      String network = ModelFormat.describe(candidate) + ": " + figures + perRow()
          + (basis.isEmpty() ? "" : " (" + basis + ")");
      return passed() ? network + "; within every constraint"
          : network + "; violates " + violations.stream().map(Violation::reason).collect(Collectors.joining("; "));
    }

    /** For an experts network, that its figures are per row: the gate and the top-k largest experts. */
    private String perRow() {
      return switch (NetworkFamily.of(candidate)) {
        case MLP -> "";
        case EXPERTS -> String.format(" per row (gate and top-%d experts; %d parameters in all)", candidate.getTopK(),
            NetworkCost.totalParameters(candidate));
      };
    }
  }

  /**
   * Checks {@code candidate}. Latency is measured only when a constraint needs it and every
   * count-based constraint passed, so a candidate that is too big is rejected without building it.
   * A network with early exits is checked at full depth: every row through every layer and head.
   *
   * @throws IllegalArgumentException when the candidate is not a valid architecture
   */
  public Result check(Architecture candidate) {
    ModelFormat.buildBlock(candidate); // validates, naming the broken rule
    String basis = candidate.getEarlyExits() ? "at full depth, every row through every exit" : "";
    return check(candidate, NetworkCost.multiplyAdds(candidate),
        () -> latencyProbe.measure(candidate), basis);
  }

  /**
   * Checks a network with early exits at what its rows cost where they leave: its parameters are
   * all it stores, its multiply–adds and latency are expected over {@code shares} ({@link
   * NetworkCost#expectedMultiplyAdds}, {@link LatencyProbe#measure(Architecture, ExitShares)}). The
   * summary names the shares' basis. A latency budget that the network misses at full depth may be
   * met this way, when enough rows leave early.
   *
   * @throws IllegalArgumentException when the candidate is not valid, has no early exits, or the
   *     shares are not one per exit
   */
  public Result check(Architecture candidate, ExitShares shares) {
    ModelFormat.buildBlock(candidate);
    shares.checkFits(candidate);
    return check(candidate, NetworkCost.expectedMultiplyAdds(candidate, shares),
        () -> latencyProbe.measure(candidate, shares), "multiply-adds and latency expected " + shares.basis());
  }

  /**
   * Checks {@code candidate} as a network without early exits, every row at full depth: whether a
   * full-depth network of its widths meets the constraints (a latency budget above all). What a
   * retraining policy asks to tell whether a network needs early exits to meet its budget.
   *
   * @throws IllegalArgumentException when the candidate is not a valid architecture
   */
  public Result checkAtFullDepth(Architecture candidate) {
    return check(Architecture.newBuilder(candidate).setEarlyExits(false).setExitConfidence(1.0).build());
  }

  /** Whether a constraint limits latency on the serving device. */
  public boolean limitsLatency() {
    return constraints.stream().anyMatch(Constraint::needsLatency);
  }

  private Result check(Architecture candidate, long multiplyAdds,
      java.util.function.Supplier<CandidateFigures.Latency> latency, String basis) {
    CandidateFigures counted = new CandidateFigures(
        NetworkCost.parameters(candidate), multiplyAdds, Optional.empty());
    List<Violation> violations = new ArrayList<>();
    for (Constraint constraint : constraints) {
      if (!constraint.needsLatency()) {
        constraint.violation(counted).ifPresent(reason -> violations.add(new Violation(constraint, reason)));
      }
    }
    boolean latencyLimited = constraints.stream().anyMatch(Constraint::needsLatency);
    if (!violations.isEmpty() || !latencyLimited) {
      return new Result(candidate, counted, violations, basis);
    }
    CandidateFigures measured = new CandidateFigures(counted.parameters(), counted.multiplyAdds(),
        Optional.of(latency.get()));
    for (Constraint constraint : constraints) {
      if (constraint.needsLatency()) {
        constraint.violation(measured).ifPresent(reason -> violations.add(new Violation(constraint, reason)));
      }
    }
    return new Result(candidate, measured, violations, basis);
  }
}
