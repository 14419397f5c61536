package dev.plasticity.streamjobs.drift;

import dev.plasticity.schemas.DriftConfig;
import java.io.Serial;
import java.io.Serializable;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How the drift job watches one model: which tests run on each window, their thresholds, the
 * window, the concept-drift detector on the error stream (and whether its warnings send a
 * trigger), the cooldown after a trigger, and the cadence of scheduled updates. Every value is
 * validated here. {@link #defaults()} gives the values the job runs with unless a model's
 * {@link DriftConfig} (carried in its {@code ModelVersion}) overrides some of them, see {@link
 * #overriddenBy(DriftConfig)}.
 *
 * @param windowSize events per tumbling window, one assessment per full window (default 500)
 * @param minSamples fewest events a test needs to run; the error test counts only events
 *     predicted by the monitored version (default 100, at most windowSize)
 * @param tests the window tests to run (default PSI, KS, CHI_SQUARE, ERROR_RATE); an unmodifiable
 *     copy of an {@link EnumSet}
 * @param psiThreshold PSI above which a feature has drifted (default 0.2)
 * @param ksAlpha family-wise KS significance level, split across features (Bonferroni) (default 1e-4)
 * @param wassersteinThreshold alarm level of the Wasserstein distance normalised by the
 *     reference's spread (default 0.1, as Evidently)
 * @param jensenShannonThreshold alarm level of the Jensen–Shannon distance, base 2 (default 0.1,
 *     as Evidently)
 * @param labelAlpha chi-square significance level for the label shares (default 1e-4)
 * @param errorAlpha significance level of the error-rate test (default 1e-4)
 * @param errorMinEffect minimum rise of the error rate for an alarm (default 0.05)
 * @param driftedFeatureShare DRIFTED_FEATURE_SHARE alarms when at least this share of features drifted
 *     after a Benjamini–Hochberg correction of the per-feature KS p-values (default 0.5, as Evidently)
 * @param mmdAlpha significance level of the MMD permutation test, at least 1/201 with its 200
 *     permutations (default 0.01)
 * @param conceptDetector the detector fed with every prediction error of the served version, if
 *     any (default none)
 * @param cooldownEvents after a trigger for a version, events to see before another trigger for
 *     the same version may fire (default {@link #DEFAULT_COOLDOWN_EVENTS}, 20 default windows); it
 *     doubles for each consecutive trigger that no newer champion answered, up to {@link
 *     #MAX_BACKOFF} times. 0 means never again until a newer champion, unless {@code cooldownMillis}
 *     is set
 * @param cooldownMillis after a trigger, event-time milliseconds before another trigger for the
 *     same version may fire, with the same backoff; 0 (the default) means not by time. When both
 *     cooldowns are set, the first to expire re-arms the model; when both are 0, a trigger holds
 *     until a newer champion.
 * @param cadenceEvents every this many events of the monitored version (since it became champion
 *     or since the last cadence trigger) a CADENCE trigger asks for an incremental update, drift or
 *     not; 0 (the default) never
 * @param warnings whether a concept detector with a warning level ({@link WarningDetector}) sends a
 *     WARNING trigger at the first warning of an episode (default true)
 */
public record DriftSettings(
    int windowSize,
    int minSamples,
    Set<WindowTest> tests,
    double psiThreshold,
    double ksAlpha,
    double wassersteinThreshold,
    double jensenShannonThreshold,
    double labelAlpha,
    double errorAlpha,
    double errorMinEffect,
    double driftedFeatureShare,
    double mmdAlpha,
    Optional<ChangeDetectorKind> conceptDetector,
    long cooldownEvents,
    long cooldownMillis,
    long cadenceEvents,
    boolean warnings)
    implements Serializable {

  /**
   * The default cooldown: 20 windows of the default 500 events, 5 s at the demo's 2,000 events/s.
   * A trigger's answer (train, gate, register, promote) took 8–12 s in the demo; the first cooldown
   * covers a run that meets the goal of serving within 5 s of a drift, and the backoff (10 s, 20 s,
   * ...) covers slower ones. A cooldown that ends before a slow answer arrives counts that trigger
   * as unanswered; the next one then needs new evidence and cools down twice as long.
   */
  static final long DEFAULT_COOLDOWN_EVENTS = 20 * 500;

  /** The cooldown grows to at most this many times {@code cooldownEvents} / {@code cooldownMillis}. */
  public static final int MAX_BACKOFF = 16;

  /**
   * The name that configures no concept detector, in a model's {@code DriftConfig} and in the job's
   * {@code --concept-detector} flag; only {@link #conceptDetectorNamed} reads it.
   */
  public static final String NO_DETECTOR = "NONE";

  /** Window tests that run unless configured otherwise. */
  static final Set<WindowTest> DEFAULT_TESTS = Collections.unmodifiableSet(
      EnumSet.of(WindowTest.PSI, WindowTest.KS, WindowTest.CHI_SQUARE, WindowTest.ERROR_RATE));

  public DriftSettings {
    if (windowSize < 2) {
      throw new IllegalArgumentException("windowSize must be >= 2, got " + windowSize);
    }
    if (minSamples < 1 || minSamples > windowSize) {
      throw new IllegalArgumentException("minSamples must be in [1, windowSize=" + windowSize + "], got " + minSamples);
    }
    if (tests == null) {
      throw new IllegalArgumentException("tests must not be null (use DEFAULT_TESTS)");
    }
    tests = Collections.unmodifiableSet(tests.isEmpty() ? EnumSet.noneOf(WindowTest.class) : EnumSet.copyOf(tests));
    requirePositive("psiThreshold", psiThreshold);
    requireProbability("ksAlpha", ksAlpha);
    requirePositive("wassersteinThreshold", wassersteinThreshold);
    if (!(jensenShannonThreshold > 0 && jensenShannonThreshold <= 1)) {
      throw new IllegalArgumentException("jensenShannonThreshold must be in (0, 1], got " + jensenShannonThreshold);
    }
    requireProbability("labelAlpha", labelAlpha);
    requireProbability("errorAlpha", errorAlpha);
    if (!(errorMinEffect >= 0 && errorMinEffect < 1)) {
      throw new IllegalArgumentException("errorMinEffect must be in [0, 1), got " + errorMinEffect);
    }
    if (!(driftedFeatureShare > 0 && driftedFeatureShare <= 1)) {
      throw new IllegalArgumentException("driftedFeatureShare must be in (0, 1], got " + driftedFeatureShare);
    }
    requireProbability("mmdAlpha", mmdAlpha);
    if (conceptDetector == null) {
      throw new IllegalArgumentException("conceptDetector must not be null (Optional.empty() for none)");
    }
    if (cooldownEvents < 0) {
      throw new IllegalArgumentException("cooldownEvents must be >= 0 (0 = until a new version), got " + cooldownEvents);
    }
    if (cooldownMillis < 0) {
      throw new IllegalArgumentException("cooldownMillis must be >= 0 (0 = until a new version), got " + cooldownMillis);
    }
    if (cadenceEvents < 0) {
      throw new IllegalArgumentException("cadenceEvents must be >= 0 (0 = no cadence), got " + cadenceEvents);
    }
  }

  /** Whether a trigger holds until a newer champion: neither cooldown is set. */
  public boolean coolsDownUntilANewChampion() {
    return cooldownEvents == 0 && cooldownMillis == 0;
  }

  private static void requireProbability(String name, double value) {
    if (!(value > 0 && value < 1)) {
      throw new IllegalArgumentException(name + " must be in (0, 1), got " + value);
    }
  }

  private static void requirePositive(String name, double value) {
    if (!(value > 0)) {
      throw new IllegalArgumentException(name + " must be > 0, got " + value);
    }
  }

  /**
   * windowSize 500, minSamples 100, tests PSI, KS, CHI_SQUARE and ERROR_RATE, PSI 0.2, KS 1e-4,
   * label 1e-4, error 1e-4 with +0.05, no concept detector, a cooldown of {@link
   * #DEFAULT_COOLDOWN_EVENTS} events, no cadence, warnings on. The
   * levels are per window: the monitor tests every window with three test families, so at 1e-3 a
   * drift-free stream of 100 windows raised a false alarm in about one run in four (seen in the
   * demo); at 1e-4 about one in forty. A real drift's p-values are far smaller (1e-13 in the demo).
   */
  public static DriftSettings defaults() {
    return new DriftSettings(500, 100, DEFAULT_TESTS, 0.2, 1e-4, 0.1, 0.1, 1e-4, 1e-4,
        ErrorRateTest.DEFAULT_MIN_EFFECT, 0.5, 0.01, Optional.empty(), DEFAULT_COOLDOWN_EVENTS, 0, 0, true);
  }

  /** Whether the window test runs. */
  boolean runs(WindowTest test) {
    return tests.contains(test);
  }

  /**
   * The concept detector a name configures: {@link #NO_DETECTOR} for none, else a {@link
   * ChangeDetectorKind} name. The text edges (a model's {@code DriftConfig}, the job's flag) call
   * this and nothing else.
   *
   * @throws IllegalArgumentException naming the known detectors and {@code NONE}
   */
  public static Optional<ChangeDetectorKind> conceptDetectorNamed(String name) {
    if (NO_DETECTOR.equals(name)) {
      return Optional.empty();
    }
    try {
      return Optional.of(ChangeDetectorKind.named(name));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " or " + NO_DETECTOR, e);
    }
  }

  /** Java serialization goes through {@link Form}: an {@link Optional} is not serializable. */
  @Serial
  private Object writeReplace() {
    return new Form(this);
  }

  /** The serialized form of {@link DriftSettings}: the same values, the detector nullable. */
  private static final class Form implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private final int windowSize;
    private final int minSamples;
    private final EnumSet<WindowTest> tests;
    private final double[] levels;
    private final ChangeDetectorKind conceptDetector;
    private final long cooldownEvents;
    private final long cooldownMillis;
    private final long cadenceEvents;
    private final boolean warnings;

    Form(DriftSettings s) {
      windowSize = s.windowSize;
      minSamples = s.minSamples;
      tests = s.tests.isEmpty() ? EnumSet.noneOf(WindowTest.class) : EnumSet.copyOf(s.tests);
      levels = new double[] {s.psiThreshold, s.ksAlpha, s.wassersteinThreshold, s.jensenShannonThreshold, s.labelAlpha,
          s.errorAlpha, s.errorMinEffect, s.driftedFeatureShare, s.mmdAlpha};
      conceptDetector = s.conceptDetector.orElse(null);
      cooldownEvents = s.cooldownEvents;
      cooldownMillis = s.cooldownMillis;
      cadenceEvents = s.cadenceEvents;
      warnings = s.warnings;
    }

    @Serial
    private Object readResolve() {
      return new DriftSettings(windowSize, minSamples, tests, levels[0], levels[1], levels[2], levels[3], levels[4],
          levels[5], levels[6], levels[7], levels[8], Optional.ofNullable(conceptDetector), cooldownEvents, cooldownMillis, cadenceEvents,
          warnings);
    }
  }

  /**
   * These settings with every non-null field of a model's configuration applied.
   *
   * @throws IllegalArgumentException when the result is invalid; the message names the field
   */
  public DriftSettings overriddenBy(DriftConfig config) {
    if (config == null) {
      return this;
    }
    Builder b = toBuilder();
    if (config.getWindowSize() != null) {
      b.windowSize(config.getWindowSize());
      if (config.getMinSamples() == null) {
        b.minSamples(Math.min(minSamples, config.getWindowSize()));
      }
    }
    if (config.getMinSamples() != null) b.minSamples(config.getMinSamples());
    if (config.getTests() != null) {
      Set<WindowTest> named = EnumSet.noneOf(WindowTest.class);
      config.getTests().forEach(t -> named.add(WindowTest.named(t.toString())));
      b.tests(named);
    }
    if (config.getPsiThreshold() != null) b.psiThreshold(config.getPsiThreshold());
    if (config.getKsAlpha() != null) b.ksAlpha(config.getKsAlpha());
    if (config.getWassersteinThreshold() != null) b.wassersteinThreshold(config.getWassersteinThreshold());
    if (config.getJensenShannonThreshold() != null) b.jensenShannonThreshold(config.getJensenShannonThreshold());
    if (config.getLabelAlpha() != null) b.labelAlpha(config.getLabelAlpha());
    if (config.getErrorAlpha() != null) b.errorAlpha(config.getErrorAlpha());
    if (config.getErrorMinEffect() != null) b.errorMinEffect(config.getErrorMinEffect());
    if (config.getDriftedFeatureShare() != null) b.driftedFeatureShare(config.getDriftedFeatureShare());
    if (config.getMmdAlpha() != null) b.mmdAlpha(config.getMmdAlpha());
    if (config.getConceptDetector() != null) b.conceptDetector(conceptDetectorNamed(config.getConceptDetector().toString()));
    if (config.getCooldownEvents() != null) b.cooldownEvents(config.getCooldownEvents());
    if (config.getCooldownMillis() != null) b.cooldownMillis(config.getCooldownMillis());
    if (config.getCadenceEvents() != null) b.cadenceEvents(config.getCadenceEvents());
    if (config.getWarnings() != null) b.warnings(config.getWarnings());
    return b.build();
  }

  /** These settings with another window size (minSamples shrinks with it if needed). */
  public DriftSettings withWindowSize(int size) {
    return toBuilder().windowSize(size).minSamples(Math.min(minSamples, size)).build();
  }

  /** These settings with another cooldown in events (0 = not by events). */
  public DriftSettings withCooldownEvents(long events) {
    return toBuilder().cooldownEvents(events).build();
  }

  public static Builder builder() {
    return defaults().toBuilder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes some settings of a copy; {@link #build()} validates all of them. */
  public static final class Builder {
    private int windowSize;
    private int minSamples;
    private Set<WindowTest> tests;
    private double psiThreshold;
    private double ksAlpha;
    private double wassersteinThreshold;
    private double jensenShannonThreshold;
    private double labelAlpha;
    private double errorAlpha;
    private double errorMinEffect;
    private double driftedFeatureShare;
    private double mmdAlpha;
    private Optional<ChangeDetectorKind> conceptDetector;
    private long cooldownEvents;
    private long cooldownMillis;
    private long cadenceEvents;
    private boolean warnings;

    private Builder(DriftSettings s) {
      windowSize = s.windowSize;
      minSamples = s.minSamples;
      tests = s.tests;
      psiThreshold = s.psiThreshold;
      ksAlpha = s.ksAlpha;
      wassersteinThreshold = s.wassersteinThreshold;
      jensenShannonThreshold = s.jensenShannonThreshold;
      labelAlpha = s.labelAlpha;
      errorAlpha = s.errorAlpha;
      errorMinEffect = s.errorMinEffect;
      driftedFeatureShare = s.driftedFeatureShare;
      mmdAlpha = s.mmdAlpha;
      conceptDetector = s.conceptDetector;
      cooldownEvents = s.cooldownEvents;
      cooldownMillis = s.cooldownMillis;
      cadenceEvents = s.cadenceEvents;
      warnings = s.warnings;
    }

    public Builder windowSize(int v) { windowSize = v; return this; }
    public Builder minSamples(int v) { minSamples = v; return this; }
    public Builder tests(Set<WindowTest> v) { tests = v; return this; }
    public Builder tests(WindowTest first, WindowTest... more) { tests = EnumSet.of(first, more); return this; }
    public Builder psiThreshold(double v) { psiThreshold = v; return this; }
    public Builder ksAlpha(double v) { ksAlpha = v; return this; }
    public Builder wassersteinThreshold(double v) { wassersteinThreshold = v; return this; }
    public Builder jensenShannonThreshold(double v) { jensenShannonThreshold = v; return this; }
    public Builder labelAlpha(double v) { labelAlpha = v; return this; }
    public Builder errorAlpha(double v) { errorAlpha = v; return this; }
    public Builder errorMinEffect(double v) { errorMinEffect = v; return this; }
    public Builder driftedFeatureShare(double v) { driftedFeatureShare = v; return this; }
    public Builder mmdAlpha(double v) { mmdAlpha = v; return this; }
    public Builder conceptDetector(Optional<ChangeDetectorKind> v) { conceptDetector = v; return this; }
    public Builder conceptDetector(ChangeDetectorKind v) { conceptDetector = Optional.of(Objects.requireNonNull(v, "conceptDetector")); return this; }
    public Builder cooldownEvents(long v) { cooldownEvents = v; return this; }
    public Builder cooldownMillis(long v) { cooldownMillis = v; return this; }
    public Builder cadenceEvents(long v) { cadenceEvents = v; return this; }
    public Builder warnings(boolean v) { warnings = v; return this; }

    public DriftSettings build() {
      return new DriftSettings(windowSize, minSamples, tests, psiThreshold, ksAlpha, wassersteinThreshold,
          jensenShannonThreshold, labelAlpha, errorAlpha, errorMinEffect, driftedFeatureShare, mmdAlpha,
          conceptDetector, cooldownEvents, cooldownMillis, cadenceEvents, warnings);
    }
  }
}
