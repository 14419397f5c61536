package dev.plasticity.streamjobs.drift;

import dev.plasticity.schemas.CategoryReference;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.FeatureReference;
import dev.plasticity.schemas.ReferenceStatistics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Compares a full window of labelled events with the reference statistics of the model version
 * being served, and names the kind of drift:
 *
 * <ul>
 *   <li><b>CONCEPT</b> when the served version's error rate rose ({@link ErrorRateTest}) — the
 *       relation between features and label changed. This is the only test that sees a pure
 *       concept drift such as SEA's moving threshold (Street &amp; Kim 2001, "A streaming ensemble
 *       algorithm (SEA) for large-scale classification", KDD), where the features keep their
 *       distribution;
 *   <li>else <b>COVARIATE</b> when the features drifted: per feature PSI or the Wasserstein or
 *       Jensen–Shannon distance above its threshold, or a KS test below ksAlpha / (number of
 *       features) (Bonferroni); over all features, the share of features whose KS test rejects
 *       after a Benjamini–Hochberg correction ({@link DriftedFeatureShare}), or an MMD test on the
 *       rows against the reference's sample rows ({@link MaximumMeanDiscrepancy}), which also
 *       sees a change of correlation that leaves every marginal alone; per categorical feature
 *       of the reference ({@code categories}), a chi-square test of the window's category counts
 *       against the reference's shares (it takes KS's place and its Bonferroni share of ksAlpha)
 *       or their Jensen–Shannon distance ({@link CategoricalJensenShannonDistance}) above its
 *       threshold. Values the reference never saw are reported, not tested on their own: a
 *       NEW_CATEGORIES finding whose statistic is the share of the window's events with such a
 *       value (it never alarms by itself; the two tests see those events as a new category);
 *   <li>else <b>PRIOR</b> when the label shares moved ({@link ChiSquareTest}).
 * </ul>
 *
 * <p>Which tests run is {@link DriftSettings#tests()}. Each feature's window values are summarised
 * in a KLL quantile sketch ({@link FeatureSketch}) and the per-feature tests read the sketch; the
 * sketch's k is at least twice the window, so a window fits whole and results are exact and
 * repeatable, and it is capped at 4096 for very large windows.
 *
 * <p>Taxonomy after Moreno-Torres et al. (2012), "A unifying view on dataset shift in
 * classification", Pattern Recognition 45(1). A test with fewer than {@code minSamples} events
 * (e.g. the error test when few events carry a prediction of the monitored version) is skipped.
 *
 * <p><b>Evidence of harm.</b> A COVARIATE or PRIOR verdict carries the ERROR_RATE finding under
 * {@link DriftAssessment#ERROR} (the served version's error rate on the window's events it
 * predicted, drifted or not) whenever the reference has a registered error and the window holds at
 * least {@code minSamples} such events, even when ERROR_RATE is not among the configured tests;
 * then it informs and does not decide the kind or the severity. A shift that left the error at
 * the registered level did not hurt the served model.
 *
 * <p>Immutable and thread-safe.
 */
public final class DriftMonitor {
  private final ReferenceStatistics reference;
  private final DriftSettings settings;
  private final List<String> featureNames = new ArrayList<>();
  private final List<PopulationStabilityIndex> psi = new ArrayList<>();
  private final List<KolmogorovSmirnovTest> ks = new ArrayList<>();
  private final List<WassersteinDistance> wasserstein = new ArrayList<>();
  private final List<JensenShannonDistance> jensenShannon = new ArrayList<>();
  private final List<CategoryTests> categories = new ArrayList<>();
  private final DriftedFeatureShare featureShare;
  private final MaximumMeanDiscrepancy mmd;
  private final int sketchK;
  private final ChiSquareTest labelTest;
  /** Classes the reference has a label share for. */
  private final int referenceClasses;
  private final ErrorRateTest errorTest;
  // which tests run, looked up in the settings once rather than per feature and window
  private final boolean runsPsi;
  private final boolean runsKs;
  private final boolean runsWasserstein;
  private final boolean runsJensenShannon;
  private final boolean runsFeatureShare;
  private final boolean runsLabelTest;
  private final boolean runsErrorTest;

  /**
   * @param reference the training-data statistics of the monitored version
   * @param settings thresholds and window size
   * @throws IllegalArgumentException when the reference statistics are unusable (no quantiles,
   *     non-monotone quantiles, bad label shares)
   */
  public DriftMonitor(ReferenceStatistics reference, DriftSettings settings) {
    this.reference = Objects.requireNonNull(reference, "reference");
    this.settings = Objects.requireNonNull(settings, "settings");
    List<FeatureReference> features = reference.getFeatures();
    List<CategoryReference> categorical = reference.getCategories().stream()
        .filter(c -> c.getOtherCount() + c.getCounts().stream().mapToLong(Long::longValue).sum() > 0).toList();
    int tested = features.size() + categorical.size();
    double ksAlphaPerFeature = tested == 0 ? settings.ksAlpha() : settings.ksAlpha() / tested;
    for (CategoryReference category : categorical) {
      categories.add(CategoryTests.of(category, ksAlphaPerFeature, settings.jensenShannonThreshold()));
    }
    for (FeatureReference feature : features) {
      long count = feature.getCount() > 0 ? feature.getCount() : reference.getSampleCount();
      ReferenceDistribution distribution = new ReferenceDistribution(feature.getQuantiles(), Math.max(1, count));
      featureNames.add(feature.getName().toString());
      psi.add(new PopulationStabilityIndex(distribution, settings.psiThreshold()));
      ks.add(new KolmogorovSmirnovTest(distribution, ksAlphaPerFeature));
      wasserstein.add(new WassersteinDistance(distribution, settings.wassersteinThreshold(), WassersteinDistance.Scale.STANDARD_DEVIATION));
      jensenShannon.add(new JensenShannonDistance(distribution, settings.jensenShannonThreshold(),
          JensenShannonDistance.Binning.REFERENCE_QUANTILES, JensenShannonDistance.DEFAULT_BINS, JensenShannonDistance.DEFAULT_EPSILON));
    }
    this.featureShare = new DriftedFeatureShare(MultipleTesting.BENJAMINI_HOCHBERG, settings.ksAlpha(), settings.driftedFeatureShare());
    List<List<Double>> rows = reference.getSampleRows();
    this.mmd = settings.runs(WindowTest.MMD) && rows != null && rows.size() >= 2
        ? new MaximumMeanDiscrepancy(rows.stream().map(r -> r.stream().mapToDouble(Double::doubleValue).toArray()).toArray(double[][]::new),
            settings.mmdAlpha(), MaximumMeanDiscrepancy.DEFAULT_PERMUTATIONS, MaximumMeanDiscrepancy.DEFAULT_MAX_ROWS_PER_SIDE,
            MaximumMeanDiscrepancy.DEFAULT_SEED)
        : null;
    // large enough that a window fits whole (exact, deterministic tests); capped for huge windows
    this.sketchK = Math.min(Math.max(FeatureSketch.DEFAULT_K, 2 * settings.windowSize()), 4096);
    List<Double> shares = reference.getLabelDistribution();
    this.labelTest = shares == null || shares.isEmpty() ? null : new ChiSquareTest(shares, settings.labelAlpha(), reference.getSampleCount());
    this.referenceClasses = shares == null ? 0 : shares.size();
    this.errorTest = reference.getErrorSampleCount() > 0
        ? new ErrorRateTest(reference.getErrorRate(), reference.getErrorSampleCount(), settings.errorAlpha(), settings.errorMinEffect())
        : null;
    this.runsPsi = settings.runs(WindowTest.PSI);
    this.runsKs = settings.runs(WindowTest.KS);
    this.runsWasserstein = settings.runs(WindowTest.WASSERSTEIN);
    this.runsJensenShannon = settings.runs(WindowTest.JENSEN_SHANNON);
    this.runsFeatureShare = settings.runs(WindowTest.DRIFTED_FEATURE_SHARE);
    this.runsLabelTest = labelTest != null && settings.runs(WindowTest.CHI_SQUARE);
    this.runsErrorTest = errorTest != null && settings.runs(WindowTest.ERROR_RATE);
  }

  public DriftSettings settings() {
    return settings;
  }

  ReferenceStatistics reference() {
    return reference;
  }

  /**
   * Assesses one window.
   *
   * @param window the events of the window (any size; the job passes exactly windowSize)
   * @param monitoredVersion the version whose predictions the error test judges
   */
  public DriftAssessment assess(List<Observation> window, int monitoredVersion) {
    Objects.requireNonNull(window, "window");
    List<DriftAssessment.Finding> findings = new ArrayList<>();
    boolean covariate = false;
    double covariateSeverity = 0;
    List<Double> ksPValues = new ArrayList<>();
    double[][] columns = columns(window);
    for (int f = 0; f < featureNames.size(); f++) {
      String name = featureNames.get(f);
      double[] values = columns[f];
      if (values.length < settings.minSamples()) {
        continue;
      }
      FeatureSketch sketch = new FeatureSketch(sketchK);
      sketch.update(values);
      List<TestResult> results = new ArrayList<>(4);
      if (runsPsi) {
        results.add(psi.get(f).test(sketch));
      }
      TestResult ksResult = null;
      if (runsKs || runsFeatureShare) {
        ksResult = ks.get(f).test(sketch);
        ksPValues.add(ksResult.pValue());
      }
      if (runsKs) {
        results.add(ksResult);
      }
      if (runsWasserstein) {
        results.add(wasserstein.get(f).test(sketch));
      }
      if (runsJensenShannon) {
        results.add(jensenShannon.get(f).test(sketch));
      }
      for (TestResult result : results) {
        findings.add(new DriftAssessment.Finding(name, result));
        if (result.drifted()) {
          covariate = true;
          covariateSeverity = Math.max(covariateSeverity, result.severity());
        }
      }
    }
    for (CategoryTests category : categories) {
      CategoryCounts counted = category.count(window);
      if (counted.events() < settings.minSamples()) {
        continue;
      }
      List<TestResult> results = new ArrayList<>(2);
      if (runsKs || runsFeatureShare) {
        TestResult chiSquare = category.chiSquare().test(counted.counts());
        ksPValues.add(chiSquare.pValue());
        if (runsKs) {
          results.add(chiSquare);
        }
      }
      if (runsJensenShannon) {
        results.add(category.jensenShannon().test(counted.counts()));
      }
      for (TestResult result : results) {
        findings.add(new DriftAssessment.Finding(category.name(), result));
        if (result.drifted()) {
          covariate = true;
          covariateSeverity = Math.max(covariateSeverity, result.severity());
        }
      }
      if (counted.unseen() > 0) {
        findings.add(new DriftAssessment.Finding(category.name(), new TestResult(TestResult.NEW_CATEGORIES,
            counted.unseen() / (double) counted.events(), null, 0.0, false, 0.0, counted.events())));
      }
    }
    if (runsFeatureShare && !ksPValues.isEmpty()) {
      TestResult share = featureShare.test(ksPValues.stream().mapToDouble(Double::doubleValue).toArray());
      findings.add(new DriftAssessment.Finding(DriftAssessment.ALL_FEATURES, share));
      if (share.drifted()) {
        covariate = true;
        covariateSeverity = Math.max(covariateSeverity, share.severity());
      }
    }
    if (mmd != null && window.size() >= settings.minSamples()) {
      double[][] rows = rows(window);
      if (rows.length >= settings.minSamples()) {
        TestResult result = mmd.test(rows);
        findings.add(new DriftAssessment.Finding(DriftAssessment.ALL_FEATURES, result));
        if (result.drifted()) {
          covariate = true;
          covariateSeverity = Math.max(covariateSeverity, result.severity());
        }
      }
    }
    TestResult label = null;
    if (runsLabelTest && window.size() >= settings.minSamples()) {
      label = labelTest.test(labelCounts(window, referenceClasses));
      findings.add(new DriftAssessment.Finding(DriftAssessment.LABEL, label));
    }
    TestResult error = null;
    TestResult servedError = servedError(window, monitoredVersion).orElse(null);
    if (runsErrorTest && servedError != null) {
      error = servedError;
      findings.add(new DriftAssessment.Finding(DriftAssessment.ERROR, error));
    }
    DriftKind kind;
    double severity;
    if (error != null && error.drifted()) {
      kind = DriftKind.CONCEPT;
      severity = error.severity();
    } else if (covariate) {
      kind = DriftKind.COVARIATE;
      severity = covariateSeverity;
    } else if (label != null && label.drifted()) {
      kind = DriftKind.PRIOR;
      severity = label.severity();
    } else {
      return new DriftAssessment(false, null, findings, 0.0, window.size());
    }
    double strongest = findings.stream().mapToDouble(fd -> fd.result().severity()).max().orElse(severity);
    if (error == null && servedError != null) { // evidence of harm, or of none, for the trainer's policy
      findings.add(new DriftAssessment.Finding(DriftAssessment.ERROR, servedError));
    }
    return new DriftAssessment(true, kind, findings, Math.max(severity, strongest), window.size());
  }

  /**
   * The error-rate test on the events of {@code window} that {@code monitoredVersion} predicted:
   * empty when the reference has no registered error or fewer than {@code minSamples} events were
   * predicted by that version. Runs whether or not ERROR_RATE is a configured window test.
   */
  public java.util.Optional<TestResult> servedError(List<Observation> window, int monitoredVersion) {
    if (errorTest == null) {
      return java.util.Optional.empty();
    }
    long[] counted = errors(window, monitoredVersion);
    if (counted[1] < settings.minSamples()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(errorTest.test(counted[0], counted[1]));
  }

  /**
   * The CONCEPT verdict of a change detector that fired on the monitored version's error stream:
   * one finding under {@link DriftAssessment#ERROR} named after the detector, whose statistic is
   * the error rate among the events so far that {@code monitoredVersion} predicted (1 when none),
   * against the reference's error rate as threshold; severity is how far the rate rose towards 1,
   * in (0, 1]. The errors are counted as for the error-rate test of {@link #assess}.
   *
   * @param detector the detector's name, as the evidence's test
   * @param window the events of the current window so far
   */
  public DriftAssessment detectorAlarm(String detector, List<Observation> window, int monitoredVersion) {
    Objects.requireNonNull(detector, "detector");
    long[] counted = errors(window, monitoredVersion);
    long predicted = counted[1];
    double recentError = predicted == 0 ? 1.0 : counted[0] / (double) predicted;
    double referenceError = reference.getErrorRate();
    double severity = Math.min(1.0, Math.max(Math.ulp(1.0), (recentError - referenceError) / Math.max(1e-9, 1 - referenceError)));
    TestResult result = new TestResult(detector, recentError, null, referenceError, true, severity, predicted);
    return new DriftAssessment(true, DriftKind.CONCEPT, List.of(new DriftAssessment.Finding(DriftAssessment.ERROR, result)),
        result.severity(), window.size());
  }

  /** {errors, predicted}: the events {@code version} predicted, and how many of those it got wrong. */
  private static long[] errors(List<Observation> window, int version) {
    long predicted = 0;
    long errors = 0;
    for (Observation o : window) {
      if (o.predictedBy(version)) {
        predicted++;
        if (o.misclassified()) {
          errors++;
        }
      }
    }
    return new long[] {errors, predicted};
  }

  /**
   * Events per class: one slot per class of the reference's label shares, then one per other label
   * seen in the window, in label order. Which slot a class the reference never saw gets does not
   * change the chi-square test, so the array is as long as the window's distinct labels need,
   * never as long as a label's value.
   */
  static long[] labelCounts(List<Observation> window, int referenceClasses) {
    long[] counts = new long[referenceClasses];
    java.util.TreeMap<Integer, long[]> unseen = null;
    for (Observation o : window) {
      int label = o.label();
      if (label < referenceClasses) {
        counts[label]++;
      } else {
        if (unseen == null) {
          unseen = new java.util.TreeMap<>();
        }
        unseen.computeIfAbsent(label, l -> new long[1])[0]++;
      }
    }
    if (unseen == null) {
      return counts;
    }
    long[] all = java.util.Arrays.copyOf(counts, referenceClasses + unseen.size());
    int slot = referenceClasses;
    for (long[] count : unseen.values()) {
      all[slot++] = count[0];
    }
    return all;
  }

  /**
   * Per monitored feature, the window's finite values in window order. Each event's layout is
   * mapped to the monitored features once per layout, not once per event.
   */
  private double[][] columns(List<Observation> window) {
    int features = featureNames.size();
    double[][] columns = new double[features][window.size()];
    int[] counts = new int[features];
    Positions positions = new Positions();
    for (Observation o : window) {
      int[] at = positions.of(o.names());
      double[] values = o.values();
      for (int f = 0; f < features; f++) {
        int p = at[f];
        if (p >= 0 && Double.isFinite(values[p])) {
          columns[f][counts[f]++] = values[p];
        }
      }
    }
    for (int f = 0; f < features; f++) {
      if (counts[f] < columns[f].length) {
        columns[f] = java.util.Arrays.copyOf(columns[f], counts[f]);
      }
    }
    return columns;
  }

  /** The window's rows over the monitored features, leaving out rows with a missing or non-finite value. */
  private double[][] rows(List<Observation> window) {
    List<double[]> rows = new ArrayList<>(window.size());
    Positions positions = new Positions();
    for (Observation o : window) {
      int[] at = positions.of(o.names());
      double[] row = new double[featureNames.size()];
      boolean finite = true;
      for (int f = 0; f < row.length && finite; f++) {
        row[f] = at[f] < 0 ? Double.NaN : o.values()[at[f]];
        finite = Double.isFinite(row[f]);
      }
      if (finite) {
        rows.add(row);
      }
    }
    return rows.toArray(double[][]::new);
  }

  /** Where each monitored feature sits in an event's layout, worked out once per run of one layout. */
  private final class Positions {
    private FeatureNames layout;
    private int[] positions;

    int[] of(FeatureNames names) {
      if (names != layout) {
        layout = names;
        positions = names.positionsOf(featureNames);
      }
      return positions;
    }
  }
  /** A window's counts of one categorical feature: per reference bin, then per new value; and how many were unseen. */
  private record CategoryCounts(long[] counts, long events, long unseen) {}

  /**
   * The tests of one categorical feature against its reference counts: the bins are the reference's
   * values, most frequent first, then (when the reference counted rarer values together) one bin for
   * the rest, into which the window's values the reference does not list fall; without such a bin,
   * each such value is a new bin of its own, which both tests read as a category the reference
   * never saw.
   */
  private record CategoryTests(String name, Map<String, Integer> slots, boolean hasOther, ChiSquareTest chiSquare,
      CategoricalJensenShannonDistance jensenShannon) {
    static CategoryTests of(CategoryReference reference, double alpha, double jensenShannonThreshold) {
      List<String> values = reference.getValues();
      List<Long> counts = reference.getCounts();
      if (values.size() != counts.size()) {
        throw new IllegalArgumentException("the category reference of '" + reference.getName() + "' needs one count"
            + " per value: " + values.size() + " values, " + counts.size() + " counts");
      }
      long total = reference.getOtherCount();
      for (long c : counts) {
        total += c;
      }
      Map<String, Integer> slots = new HashMap<>();
      List<Double> shares = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        if (slots.put(values.get(i), i) != null) {
          throw new IllegalArgumentException("the category reference of '" + reference.getName() + "' lists '"
              + values.get(i) + "' twice");
        }
        shares.add(counts.get(i) / (double) total);
      }
      boolean hasOther = reference.getOtherCount() > 0;
      if (hasOther) {
        shares.add(reference.getOtherCount() / (double) total);
      }
      return new CategoryTests(reference.getName(), Map.copyOf(slots), hasOther,
          new ChiSquareTest(shares, alpha, total),
          new CategoricalJensenShannonDistance(shares, jensenShannonThreshold, JensenShannonDistance.DEFAULT_EPSILON));
    }

    CategoryCounts count(List<Observation> window) {
      int bins = slots.size() + (hasOther ? 1 : 0);
      long[] counts = new long[bins];
      Map<String, long[]> unseen = new TreeMap<>();
      long events = 0;
      long unseenEvents = 0;
      for (Observation o : window) {
        String value = o.categorical().get(name);
        if (value == null) {
          continue;
        }
        events++;
        Integer slot = slots.get(value);
        if (slot != null) {
          counts[slot]++;
          continue;
        }
        unseenEvents++;
        if (hasOther) {
          counts[bins - 1]++;
        } else {
          unseen.computeIfAbsent(value, v -> new long[1])[0]++;
        }
      }
      if (!unseen.isEmpty()) {
        long[] all = Arrays.copyOf(counts, bins + unseen.size());
        int at = bins;
        for (long[] count : unseen.values()) {
          all[at++] = count[0];
        }
        counts = all;
      }
      return new CategoryCounts(counts, events, unseenEvents);
    }
  }
}
