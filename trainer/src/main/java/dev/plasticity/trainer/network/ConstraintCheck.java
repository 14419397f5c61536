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
  public record Result(Architecture candidate, CandidateFigures figures, List<Violation> violations) {
    public Result {
      violations = List.copyOf(violations);
    }

    public boolean passed() {
      return violations.isEmpty();
    }

    /** A sentence for people: the figures and, for a violating candidate, every reason. */
    public String summary() {
      String network = ModelFormat.describe(candidate) + ": " + figures + perRow();
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
   *
   * @throws IllegalArgumentException when the candidate is not a valid architecture
   */
  public Result check(Architecture candidate) {
    ModelFormat.buildBlock(candidate); // validates, naming the broken rule
    CandidateFigures counted = new CandidateFigures(
        NetworkCost.parameters(candidate), NetworkCost.multiplyAdds(candidate), Optional.empty());
    List<Violation> violations = new ArrayList<>();
    for (Constraint constraint : constraints) {
      if (!constraint.needsLatency()) {
        constraint.violation(counted).ifPresent(reason -> violations.add(new Violation(constraint, reason)));
      }
    }
    boolean latencyLimited = constraints.stream().anyMatch(Constraint::needsLatency);
    if (!violations.isEmpty() || !latencyLimited) {
      return new Result(candidate, counted, violations);
    }
    CandidateFigures measured = new CandidateFigures(counted.parameters(), counted.multiplyAdds(),
        Optional.of(latencyProbe.measure(candidate)));
    for (Constraint constraint : constraints) {
      if (constraint.needsLatency()) {
        constraint.violation(measured).ifPresent(reason -> violations.add(new Violation(constraint, reason)));
      }
    }
    return new Result(candidate, measured, violations);
  }
}
