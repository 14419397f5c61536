package dev.plasticity.trainer.adaptation;

import ai.djl.Model;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.FineTuneScope;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.ExitCalibration;
import dev.plasticity.trainer.network.ExitHeads;
import dev.plasticity.trainer.network.ExitShares;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.NetworkTraining;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code early-exit} strategy: the serving network, given an exit head after every hidden layer
 * but the last, fine-tuned on the window with every exit supervised ({@link NetworkTraining}), then
 * calibrated on the window's held-out events ({@link ExitCalibration}): the lowest confidence
 * threshold whose held-out accuracy is at most {@code maxAccuracyLoss} below full depth. Confident
 * rows then leave early and skip the deeper layers, which is how a network meets a latency or
 * multiply–add budget it misses at full depth (adaptive depth: BranchyNet, Teerapittayanon et al.
 * 2016).
 *
 * <p>It starts from the serving version's weights where they fit: a network that already has exits
 * is fine-tuned as it is; one without them keeps its layers and gets new exit heads ({@link
 * ExitHeads}). A serving network with a single hidden layer has nowhere to exit early: the network
 * a retraining would train is trained fresh instead, with exits when it has two hidden layers or
 * more, else with its one layer's width twice.
 *
 * <p>Before training the candidate is checked at its best (every row leaving at the first exit),
 * so a network that no threshold could bring within the constraints is never trained; after
 * calibration it is checked again at the rows' calibrated exits, and refused when it fails.
 * Immutable and thread-safe.
 *
 * @param maxAccuracyLoss the held-out accuracy, as a share of events, the exits may lose against
 *     full depth, in [0, 1]
 */
public record EarlyExitTraining(double maxAccuracyLoss) implements Strategy.DomainAdaptation {
  /** At most half a percentage point of held-out accuracy lost: the strategy in {@code Strategies.STANDARD}. */
  public static final EarlyExitTraining STANDARD = new EarlyExitTraining(0.005);
  /** The metric of a version with exits: parameters a held-out row used on average, up to the exit it left at. */
  public static final String ACTIVE_PARAMETERS = dev.plasticity.trainer.network.ExitCalibration.ACTIVE_PARAMETERS;

  public EarlyExitTraining {
    if (!(maxAccuracyLoss >= 0 && maxAccuracyLoss <= 1)) {
      throw new IllegalArgumentException("maxAccuracyLoss must be in [0, 1], was " + maxAccuracyLoss);
    }
  }

  @Override
  public String wireName() {
    return "early-exit";
  }

  @Override
  public String explain() {
    return String.format(Locale.ROOT, "fine-tuning the serving network with an early exit after each hidden layer,"
        + " its threshold calibrated on held-out events to lose at most %.1f points of accuracy, so confident rows"
        + " skip the deeper layers", maxAccuracyLoss * 100);
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
  public Adapted adapt(Parent parent, LabelledData window, List<LabelledEvent> reference, Architecture fresh,
      ConstraintCheck check, TrainingSettings training, AdaptationSettings settings,
      NetworkTraining.EpochListener listener) {
    Architecture parentNetwork = parent.architecture();
    boolean keepsParent = parentNetwork.getHiddenUnits().size() >= 2;
    Architecture network = withExits(keepsParent ? parentNetwork : deepEnough(fresh));
    ConstraintCheck.Result atBest = check.check(network, ExitShares.firstExit(network));
    if (!atBest.passed()) {
      return Adapted.refused(atBest);
    }
    NetworkTraining.Start start;
    String from;
    if (!keepsParent) {
      start = NetworkTraining.Start.FRESH;
      from = "fresh weights (the serving network has one hidden layer)";
    } else if (parentNetwork.getEarlyExits()) {
      start = new NetworkTraining.Start(parent.artifact(), FineTuneScope.ALL);
      from = "the serving version's weights and exits";
    } else {
      start = new NetworkTraining.Start(
          ExitHeads.addedTo(parentNetwork, parent.artifact(), network, training.seed()), FineTuneScope.ALL);
      from = "the serving version's weights with new exit heads";
    }
    NetworkTraining.Result trained = NetworkTraining.train(parent.name(), window, atBest, training, start, listener);
    ExitCalibration.Result calibration;
    try (Model model = ModelFormat.load(parent.name(), network, trained.artifact())) {
      calibration = ExitCalibration.calibrate(model, network, window.events(), window.trainSize(), maxAccuracyLoss);
    }
    Architecture calibrated = Architecture.newBuilder(network).setExitConfidence(calibration.confidence()).build();
    Map<String, Double> metrics = new LinkedHashMap<>(calibration.metrics());
    ConstraintCheck.Result checked = check.check(calibrated, calibration.shares());
    String note = String.format(Locale.ROOT, "early exits from %s, calibrated at confidence %.3f: %.2f of %d hidden"
        + " layers used on average, held-out accuracy %.4f against %.4f at full depth", from,
        calibration.confidence(), calibration.meanLayers(), calibrated.getHiddenUnits().size(),
        calibration.accuracy(), calibration.fullDepthAccuracy());
    if (!checked.passed()) {
      return new Adapted(checked, null, metrics, note + "; " + checked.summary());
    }
    NetworkTraining.Result result = new NetworkTraining.Result(calibrated, trained.artifact(), calibration.accuracy(),
        trained.seconds(), trained.device());
    return new Adapted(checked, result, metrics, note);
  }

  /** {@code network} with early exits, every row at full depth until calibration sets the threshold. */
  static Architecture withExits(Architecture network) {
    return Architecture.newBuilder(network).setEarlyExits(true).setExitConfidence(ExitCalibration.FULL_DEPTH).build();
  }

  /** {@code network} with at least two hidden layers: a single layer's width twice. */
  private static Architecture deepEnough(Architecture network) {
    List<Integer> widths = network.getHiddenUnits();
    if (widths.size() >= 2) {
      return network;
    }
    int width = widths.isEmpty() ? 32 : widths.get(0);
    return Architecture.newBuilder(network).setHiddenUnits(List.of(width, width)).build();
  }

  @Override
  public String toString() {
    return wireName();
  }
}
