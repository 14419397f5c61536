package dev.plasticity.streamjobs.drift;

import dev.plasticity.schemas.DriftKind;
import java.util.List;
import java.util.Objects;

/**
 * The verdict on one window.
 *
 * @param drifted whether any test that decides the kind raised an alarm
 * @param kind CONCEPT, COVARIATE or PRIOR when drifted, else null
 * @param findings every test that ran, in order: per feature (reference order) PSI then KS, then
 *     the label test, then the error test
 * @param severity 0 when not drifted, else the largest severity among the alarming tests
 * @param sampleCount events in the window
 */
public record DriftAssessment(boolean drifted, DriftKind kind, List<Finding> findings, double severity, int sampleCount) {
  /** Name used in findings for the label-distribution test. */
  static final String LABEL = "_label";
  /** Name used in findings for tests over all features together (drifted share, MMD). */
  static final String ALL_FEATURES = "_features";
  /** Name used in findings for the error-rate test. */
  public static final String ERROR = "_error";

  public DriftAssessment {
    findings = List.copyOf(findings);
    if (drifted != (kind != null)) {
      throw new IllegalArgumentException("a drifted assessment has a kind and only then");
    }
  }

  /** One test's result for one feature (or {@link #LABEL} / {@link #ERROR}). */
  public record Finding(String feature, TestResult result) {
    public Finding {
      Objects.requireNonNull(feature, "feature");
      Objects.requireNonNull(result, "result");
    }
  }
}
