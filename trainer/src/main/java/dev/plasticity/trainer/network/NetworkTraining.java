package dev.plasticity.trainer.network;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import dev.plasticity.registry.client.ClassProbabilities;
import dev.plasticity.registry.client.ExpertsBlock;
import dev.plasticity.registry.client.FeatureLevels;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.FineTuneScope;
import dev.plasticity.trainer.TrainingSettings;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains a feed-forward network on DJL (GPU when the engine sees one, CPU otherwise) and measures
 * models on labelled events. Trains only a candidate that passed its {@link ConstraintCheck}.
 * Stateless; each call scopes its native resources.
 */
public final class NetworkTraining {
  private static final int EVAL_BATCH = 1024;

  /**
   * Called after every epoch with its training accuracy: the share of the epoch's training rows
   * that the network predicted right as it stood before each batch's step (in training mode), as
   * Keras reports it. It costs no pass of its own over the events: the batches' scores are there.
   */
  public interface EpochListener {
    /** Listens to nothing. */
    EpochListener QUIET = (epoch, epochs, trainAccuracy) -> { };

    void onEpoch(int epoch, int epochs, double trainAccuracy);
  }

  /** What one training run produced. */
  public record Result(Architecture architecture, byte[] artifact, double heldOutAccuracy, double seconds, String device) {}

  private NetworkTraining() {}

  /** The device DJL trains on: the first GPU if there is one, else the CPU. */
  public static Device device() {
    return ModelFormat.engine().defaultDevice();
  }

  /**
   * Trains the network of a checked candidate.
   *
   * @throws IllegalArgumentException when the candidate violates a constraint: it is never trained
   */
  public static Result train(
      String name, LabelledData data, ConstraintCheck.Result candidate, TrainingSettings config, EpochListener listener) {
    return train(name, data, candidate, config, Start.FRESH, listener);
  }

  /**
   * Where training starts: fresh (seeded) weights, or a parent's parameters for the same
   * architecture with the layers below a {@link FineTuneScope} frozen.
   *
   * @param parameters the parent's artifact (DJL parameters of exactly the candidate's network), or null
   * @param scope the layers training may change
   */
  public record Start(byte[] parameters, FineTuneScope scope) {
    public static final Start FRESH = new Start(null, FineTuneScope.ALL);

    public Start {
      java.util.Objects.requireNonNull(scope, "scope");
    }
  }

  /**
   * Trains the network of a checked candidate from {@code start}.
   *
   * @throws IllegalArgumentException when the candidate violates a constraint (it is never
   *     trained), or the start's parameters do not fit its network
   */
  public static Result train(String name, LabelledData data, ConstraintCheck.Result candidate, TrainingSettings config,
      Start start, EpochListener listener) {
    return train(name, data, candidate, config, start, TrainingObjective.CROSS_ENTROPY, listener);
  }

  /**
   * Trains the network of a checked candidate from {@code start}, minimising {@code objective}
   * in a step of its own: forward the batch, the objective's loss, backward, one optimiser step.
   * With {@link TrainingObjective#CROSS_ENTROPY} this is exactly DJL's {@code EasyTrain} step.
   *
   * @throws IllegalArgumentException when the candidate violates a constraint (it is never
   *     trained), the start's parameters do not fit its network, or the objective's row values
   *     do not have one row per training event
   */
  public static Result train(String name, LabelledData data, ConstraintCheck.Result candidate, TrainingSettings config,
      Start start, TrainingObjective objective, EpochListener listener) {
    if (!candidate.passed()) {
      throw new IllegalArgumentException(
          "a candidate that violates a constraint is never trained; " + candidate.summary());
    }
    Architecture architecture = candidate.candidate();
    if ("batch".equals(architecture.getNormalization()) && config.batchSize() < 2) {
      throw new IllegalArgumentException("batch normalisation needs batches of at least 2 rows; batchSize is "
          + config.batchSize());
    }
    long started = System.nanoTime();
    ModelFormat.engine().setRandomSeed(config.seed());
    float[][] x = encode(architecture, data.train());
    float[] y = labels(data.train());
    List<float[][]> rowValues = objective.rowValues();
    for (float[][] values : rowValues) {
      if (values.length != y.length) {
        throw new IllegalArgumentException("the objective " + objective + " has " + values.length
            + " rows of values for " + y.length + " training events");
      }
    }
    Device device = device();
    try (Model model = Model.newInstance(name, device)) {
      model.setBlock(ModelFormat.buildBlock(architecture));
      FrozenStatistics frozenStatistics = FrozenStatistics.NONE;
      if (start.parameters() != null) {
        Block block = model.getBlock();
        block.initialize(model.getNDManager(), DataType.FLOAT32, ModelFormat.inputShape(architecture, 1));
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(start.parameters()))) {
          block.loadParameters(model.getNDManager(), in);
        } catch (IOException | MalformedModelException | RuntimeException e) {
          throw new IllegalArgumentException("the parent's parameters do not fit " + ModelFormat.describe(architecture)
              + ": " + e.getMessage(), e);
        }
        frozenStatistics = FrozenStatistics.of(freezeBelow(start.scope(), block));
      }
      DefaultTrainingConfig trainingConfig =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.learningRate())).build())
              .optDevices(new Device[] {device});
      try (Trainer trainer = model.newTrainer(trainingConfig)) {
        trainer.initialize(ModelFormat.inputShape(architecture, 1));
        NDManager manager = trainer.getManager();
        NDArray[] columns = new NDArray[1 + rowValues.size()];
        columns[0] = manager.create(x);
        for (int i = 0; i < rowValues.size(); i++) {
          columns[i + 1] = manager.create(rowValues.get(i));
        }
        ArrayDataset dataset =
            new ArrayDataset.Builder()
                .setData(columns)
                .optLabels(manager.create(y))
                .setSampling(config.batchSize(), true, dropsLoneLastRow(architecture, y.length, config.batchSize()))
                .optDevice(device)
                .build();
        boolean first = true;
        boolean listening = listener != EpochListener.QUIET;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
          long right = 0;
          long rows = 0;
          for (Batch batch : trainer.iterateDataset(dataset)) {
            try (batch) {
              right += step(trainer, batch, objective, first, listening);
              rows += batch.getSize();
              first = false;
            }
          }
          if (listening) {
            listener.onEpoch(epoch, config.epochs(), rows == 0 ? 0.0 : right / (double) rows);
          }
        }
      } catch (IOException | TranslateException e) {
        throw new IllegalStateException("training " + name + " failed: " + e.getMessage(), e);
      }
      frozenStatistics.restore();
      byte[] artifact = ModelFormat.saveParameters(model);
      double heldOut = accuracy(model, architecture, data.events(), data.trainSize());
      return new Result(architecture, artifact, heldOut, (System.nanoTime() - started) / 1e9, device.toString());
    }
  }

  /**
   * Batch normalisation's running mean and variance in frozen layers. Training updates them even
   * though their weights are frozen (they are statistics, not trained parameters), so they are
   * copied before training and put back after it: a frozen layer computes, at inference, exactly
   * what the parent's did.
   */
  private record FrozenStatistics(List<Parameter> parameters, List<NDArray> saved) {
    static final FrozenStatistics NONE = new FrozenStatistics(List.of(), List.of());

    static FrozenStatistics of(List<Block> frozen) {
      List<Parameter> parameters = new ArrayList<>();
      List<NDArray> saved = new ArrayList<>();
      for (Block layer : frozen) {
        for (ai.djl.util.Pair<String, Parameter> p : layer.getParameters()) {
          Parameter.Type type = p.getValue().getType();
          if (type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR) {
            parameters.add(p.getValue());
            saved.add(p.getValue().getArray().duplicate());
          }
        }
      }
      return new FrozenStatistics(parameters, saved);
    }

    void restore() {
      for (int i = 0; i < parameters.size(); i++) {
        saved.get(i).copyTo(parameters.get(i).getArray());
      }
    }
  }

  /**
   * One optimiser step on {@code batch}: its inputs come first in its data, the objective's row
   * values after. A network with early exits is supervised at every exit ({@link #supervised}).
   * Returns how many of the batch's rows the network (its output layer) predicted right before the
   * step when {@code count}, else 0. The first step's gradients are checked by {@link FirstStepCheck}, not by DJL's
   * signed sum.
   */
  private static long step(Trainer trainer, Batch batch, TrainingObjective objective, boolean first, boolean count) {
    NDList data = batch.getData();
    NDArray labels = batch.getLabels().singletonOrThrow();
    long right = 0;
    try (GradientCollector collector = trainer.newGradientCollector()) {
      // in training an early-exit network returns every exit's scores, output first; others the scores alone
      NDList exits = trainer.forward(new NDList(data.get(0)), batch.getLabels());
      NDArray scores = exits.get(0);
      collector.backward(supervised(objective, trainer.getModel().getBlock(), exits, labels, data.subNDList(1)));
      if (count) {
        right = scores.argMax(1).toType(labels.getDataType(), false).eq(labels).sum().toType(DataType.INT64, false)
            .getLong();
      }
    }
    if (first) {
      FirstStepCheck.beforeFirstStep(trainer);
    }
    trainer.step();
    return right;
  }

  /**
   * The objective's loss on a network's outputs in training mode: on its one output, or, for a
   * network with early exits ({@code EarlyExitBlock}, whose training forward returns every exit's
   * scores), the mean of the objective's loss over every exit. Deep supervision (Lee et al. 2015):
   * each exit learns to classify on its own, so each is usable at inference. The mean keeps the
   * objective's scale (and any penalty it adds once per call) what it is for one output.
   */
  static NDArray supervised(TrainingObjective objective, Block network, NDList exits, NDArray labels, NDList rows) {
    NDArray loss = objective.loss(network, exits.get(0), labels, rows);
    for (int i = 1; i < exits.size(); i++) {
      loss = loss.add(objective.loss(network, exits.get(i), labels, rows));
    }
    return exits.size() == 1 ? loss : loss.div(exits.size());
  }

  /**
   * Batch normalisation cannot train on a batch of one row (its variance is undefined); drop the
   * last batch when it would be one.
   */
  private static boolean dropsLoneLastRow(Architecture architecture, int rows, int batchSize) {
    return "batch".equals(architecture.getNormalization()) && rows > 1 && rows % batchSize == 1;
  }

  /** The network to train: given features and widths, standardised with the training data's moments. */
  public static Architecture architecture(
      List<String> features, List<LabelledEvent> train, int numClasses, List<Integer> hiddenUnits) {
    return architecture(features, train, numClasses, hiddenUnits, 0);
  }

  /**
   * The network to train: given features and widths, reading each feature relative to its level over
   * {@code levelSpan} events ({@link FeatureLevels}; 0 for the features as they are), standardised
   * with the moments of what it reads on the training data; its {@code featureLevels} are the levels
   * after the last training event.
   */
  public static Architecture architecture(List<String> features, List<LabelledEvent> train, int numClasses,
      List<Integer> hiddenUnits, int levelSpan) {
    return standardised(Architecture.newBuilder().setInputFeatures(List.copyOf(features))
        .setFeatureMeans(List.of()).setFeatureStds(List.of()).setHiddenUnits(List.copyOf(hiddenUnits))
        .setNumClasses(numClasses).setLevelSpan(levelSpan).build(), train);
  }

  /**
   * {@code network} with its input scaling taken from {@code train}: the means and stds of what it
   * reads (each feature, or with {@code levelSpan > 0} each feature relative to its level walked
   * over {@code train} in order), and the levels after the last event. A missing feature reads 0.
   */
  public static Architecture standardised(Architecture network, List<LabelledEvent> train) {
    List<String> features = network.getInputFeatures();
    double[][] values = new double[features.size()][train.size()];
    List<Map<String, Double>> rows = featuresOrZero(features, train);
    FeatureLevels levels = network.getLevelSpan() > 0 && !train.isEmpty()
        ? FeatureLevels.startingOn(features, network.getLevelSpan(), rows) : null;
    for (int e = 0; e < train.size(); e++) {
      Map<String, Double> x = rows.get(e);
      double[] level = levels == null ? null : levels.next(x);
      for (int f = 0; f < features.size(); f++) {
        values[f][e] = x.get(features.get(f)) - (level == null ? 0 : level[f]);
      }
    }
    List<Double> means = new ArrayList<>();
    List<Double> stds = new ArrayList<>();
    for (double[] v : values) {
      double mean = java.util.Arrays.stream(v).average().orElse(0);
      double var = 0;
      for (double d : v) {
        var += (d - mean) * (d - mean);
      }
      double std = Math.sqrt(var / Math.max(1, v.length - 1));
      means.add(mean);
      stds.add(std > 1e-12 ? std : 1.0);
    }
    return Architecture.newBuilder(network).setFeatureMeans(means).setFeatureStds(stds)
        .setFeatureLevels(levels == null ? List.of() : levels.current()).build();
  }

  /**
   * The features of each of {@code events}, oldest first, with any of {@code features} an event lacks
   * read as 0: how {@link #standardised} and the trainer's input evidence read a window.
   */
  public static List<Map<String, Double>> featuresOrZero(List<String> features, List<LabelledEvent> events) {
    return events.stream().map(e -> featuresOrZero(features, e.getFeatures())).toList();
  }

  private static Map<String, Double> featuresOrZero(List<String> features, Map<String, Double> x) {
    if (x.keySet().containsAll(features)) {
      return x;
    }
    Map<String, Double> filled = new java.util.HashMap<>(x);
    features.forEach(f -> filled.putIfAbsent(f, 0.0));
    return filled;
  }

  /** Share of events whose label the model predicts. */
  public static double accuracy(Model model, Architecture architecture, List<LabelledEvent> events) {
    return accuracy(model, architecture, events, 0);
  }

  /**
   * Share of the events from index {@code from} on whose label the model predicts; their label
   * lags (when the architecture has them) come from all of {@code events}, the ones before {@code
   * from} included: how held-out events are scored after the training events that precede them.
   */
  public static double accuracy(Model model, Architecture architecture, List<LabelledEvent> events, int from) {
    boolean[] right = correct(model, architecture, events, from);
    int correct = 0;
    for (boolean r : right) {
      if (r) {
        correct++;
      }
    }
    return correct / (double) right.length;
  }

  /** Whether the model predicts each event's label, in the events' order: what a paired comparison needs. */
  public static boolean[] correct(Model model, Architecture architecture, List<LabelledEvent> events) {
    return correct(model, architecture, events, 0);
  }

  /**
   * Whether the model predicts the label of each event from index {@code from} on, in order; label
   * lags come from all of {@code events}, as in {@link #accuracy(Model, Architecture, List, int)}.
   */
  public static boolean[] correct(Model model, Architecture architecture, List<LabelledEvent> events, int from) {
    if (from < 0 || from >= events.size()) {
      throw new IllegalArgumentException("accuracy needs at least one event from index " + from + " of "
          + events.size());
    }
    float[][] rows = encode(architecture, events);
    boolean[] right = new boolean[events.size() - from];
    try (Predictor<float[][], float[][]> predictor = model.newPredictor(new ClassProbabilities())) {
      for (int start = from; start < events.size(); start += EVAL_BATCH) {
        int end = Math.min(events.size(), start + EVAL_BATCH);
        float[][] probabilities = predictor.predict(java.util.Arrays.copyOfRange(rows, start, end));
        for (int i = start; i < end; i++) {
          right[i - from] = ClassProbabilities.argmax(probabilities[i - start]) == events.get(i).getLabel();
        }
      }
    } catch (TranslateException e) {
      throw new IllegalStateException("evaluating " + model.getName() + " failed: " + e.getMessage(), e);
    }
    return right;
  }

  /**
   * The network's input rows for {@code events}, oldest first. With label lags, each event's are the
   * labels of the events before it in the list, newest first; the first events, with fewer before
   * them, get zeros for the labels they lack. With levels, each event is read against the levels of
   * the events before it ({@link FeatureLevels#startingOn}), as a service walking them would. Each
   * event's categorical features are one-hot over the architecture's vocabularies, as a service reads them.
   */
  public static float[][] encode(Architecture architecture, List<LabelledEvent> events) {
    int lags = Math.max(0, architecture.getLabelLags());
    FeatureLevels levels = architecture.getLevelSpan() > 0 && !events.isEmpty()
        ? FeatureLevels.startingOn(architecture.getInputFeatures(), architecture.getLevelSpan(),
            events.stream().map(LabelledEvent::getFeatures).toList())
        : null;
    float[][] rows = new float[events.size()][];
    for (int i = 0; i < rows.length; i++) {
      int[] previous = new int[Math.min(lags, i)];
      for (int j = 0; j < previous.length; j++) {
        previous[j] = events.get(i - 1 - j).getLabel();
      }
      Map<String, Double> features = events.get(i).getFeatures();
      rows[i] = ModelFormat.encode(architecture, features, events.get(i).getCategorical(), previous,
          levels == null ? null : levels.next(features));
    }
    return rows;
  }

  private static float[] labels(List<LabelledEvent> events) {
    float[] y = new float[events.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = events.get(i).getLabel();
    }
    return y;
  }

  /**
   * Freezes the parameters of every layer below {@code scope} in {@code network}; returns those
   * layers. In an experts network ({@link ExpertsBlock}) the layers below the output are the
   * experts: {@code ALL} trains gate and experts, {@code TOP} and {@code HEAD} train the gate alone,
   * every expert frozen (how {@code grow-expert} teaches a gate to route among trained experts).
   */
  private static List<Block> freezeBelow(FineTuneScope scope, Block network) {
    if (network instanceof ExpertsBlock experts) {
      List<Block> frozen = new ArrayList<>();
      if (scope != FineTuneScope.ALL) {
        for (int e = 0; e < experts.expertCount(); e++) {
          experts.expert(e).freezeParameters(true);
          frozen.add(experts.expert(e));
        }
      }
      return frozen;
    }
    List<Block> layers = network.getChildren().values();
    int head = layers.size() - 1;
    int from = switch (scope) {
      case ALL -> 0;
      case HEAD -> head;
      case TOP -> lastHiddenLayerStart(layers, head);
    };
    for (int i = 0; i < from; i++) {
      layers.get(i).freezeParameters(true);
    }
    return layers.subList(0, from);
  }

  /** Index of the block that starts the last hidden layer (its Linear or skip block), or the head when there is none. */
  private static int lastHiddenLayerStart(List<Block> layers, int head) {
    int start = head;
    for (int i = 0; i < head; i++) {
      if (layers.get(i) instanceof Linear || layers.get(i) instanceof ParallelBlock) {
        start = i;
      }
    }
    return start;
  }
}
