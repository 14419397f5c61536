/**
 * Drift detection as plain Java, without Flink or Kafka types, so the drift job and any test or
 * benchmark can run it alike. Its public face: {@link
 * dev.plasticity.streamjobs.drift.DriftMonitor} compares windows of {@link
 * dev.plasticity.streamjobs.drift.Observation}s with a version's reference statistics and answers
 * a {@link dev.plasticity.streamjobs.drift.DriftAssessment} of {@link
 * dev.plasticity.streamjobs.drift.TestResult}s, configured by {@link
 * dev.plasticity.streamjobs.drift.DriftSettings} (which {@link
 * dev.plasticity.streamjobs.drift.WindowTest}s run, their thresholds, the concept detector); the
 * streaming change detectors are reached through {@link
 * dev.plasticity.streamjobs.drift.ChangeDetectorKind} as {@link
 * dev.plasticity.streamjobs.drift.ChangeDetector}s (and {@link
 * dev.plasticity.streamjobs.drift.WarningDetector}s); {@link
 * dev.plasticity.streamjobs.drift.FeatureNames} names an observation's features. The detector
 * classes (ADWIN, Page–Hinkley, DDM, EDDM, HDDM-A, KSWIN) are public only because the drift job
 * keeps them in Flink state, which Kryo restores by creating them from outside this package; the
 * window tests (population stability index, Kolmogorov–Smirnov, chi-square, Wasserstein,
 * Jensen–Shannon, MMD, the error rate, the drifted-feature share) and their helpers are
 * package-private. Each detector's and test's Javadoc cites the paper it follows.
 */
package dev.plasticity.streamjobs.drift;
