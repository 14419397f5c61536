package dev.plasticity.trainer.adaptation;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.network.NetworkTraining;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Reptile (Nichol, Achiam and Schulman 2018, "On First-Order Meta-Learning Algorithms",
 * arXiv:1803.02999): learns a starting point from which a few steps of training fit any of a
 * family of tasks. Here a task is the window of one concept a stream has shown; the starting
 * point serves the next concept, which is likely a relative of the earlier ones (a threshold moved,
 * a label rule swapped, a season come back). The outer loop, for each meta-iteration {@code i}:
 *
 * <pre>
 *   pick a task t at random
 *   θ_t ← θ after k steps of Adam (β1 = 0) on mini-batches of t
 *   θ   ← θ + ε_i (θ_t − θ),   ε_i = ε (1 − i / iterations)   (annealed linearly to 0)
 * </pre>
 *
 * Adam's second moments carry over between meta-iterations and its momentum is off (β1 = 0), as in
 * the paper: momentum from one task would push the next. Every parameter of the network takes part,
 * batch normalisation's running statistics included (they are interpolated like the weights).
 *
 * <p>Deterministic for a given seed on one device: the task and batch choices come from a seeded
 * {@link Random}, the engine's randomness (dropout) from the same seed. Immutable and thread-safe;
 * each {@link #learn} call scopes its native resources.
 */
final class Reptile {
  private final Settings settings;

  /**
   * How the outer and inner loops run.
   *
   * @param metaIterations outer iterations, one task each
   * @param innerSteps Adam steps on a task per iteration (k)
   * @param batchSize rows per inner step (a smaller task uses all of its rows)
   * @param innerLearningRate Adam's learning rate in the inner loop
   * @param outerStepSize ε at the first iteration, annealed linearly to 0
   */
  record Settings(int metaIterations, int innerSteps, int batchSize, float innerLearningRate, double outerStepSize) {
    /**
     * 200 iterations of 10 steps on batches of 32 at Adam 0.01, ε from 0.5: about 2,000 steps,
     * the cost of fine-tuning on a few thousand events, and a couple of seconds on a CPU.
     */
    static final Settings DEFAULTS = new Settings(200, 10, 32, 0.01f, 0.5);

    Settings {
      if (metaIterations < 1) {
        throw new IllegalArgumentException("metaIterations must be at least 1, was " + metaIterations);
      }
      if (innerSteps < 1) {
        throw new IllegalArgumentException("innerSteps must be at least 1, was " + innerSteps);
      }
      if (batchSize < 2) {
        throw new IllegalArgumentException("batchSize must be at least 2 (batch normalisation), was " + batchSize);
      }
      if (!(innerLearningRate > 0)) {
        throw new IllegalArgumentException("innerLearningRate must be positive, was " + innerLearningRate);
      }
      if (!(outerStepSize > 0 && outerStepSize <= 1)) {
        throw new IllegalArgumentException("outerStepSize must be in (0, 1], was " + outerStepSize);
      }
    }
  }

  /**
   * The learned start.
   *
   * @param parameters θ, in the artifact format of {@link ModelFormat} for the architecture learned on
   * @param metaIterations outer iterations run
   * @param tasks tasks learned from
   * @param seconds wall time
   */
  record Result(byte[] parameters, int metaIterations, int tasks, double seconds) {}

  Reptile(Settings settings) {
    this.settings = java.util.Objects.requireNonNull(settings, "settings");
  }

  Settings settings() {
    return settings;
  }

  /**
   * Meta-learns a start for {@code architecture} from {@code start}, over {@code tasks}.
   *
   * @param start parameters of exactly {@code architecture} (a champion's artifact) to begin from
   * @param tasks one window of labelled events per task, each at least two events
   * @param seed chooses tasks and batches and seeds the engine
   * @throws IllegalArgumentException without tasks, with a task of fewer than two events, or when
   *     {@code start} does not fit the architecture
   */
  Result learn(Architecture architecture, byte[] start, List<List<LabelledEvent>> tasks, long seed) {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("Reptile needs at least one task window");
    }
    List<float[][]> inputs = new ArrayList<>();
    List<float[]> labels = new ArrayList<>();
    for (List<LabelledEvent> task : tasks) {
      if (task.size() < 2) {
        throw new IllegalArgumentException("every task window needs at least two events; one has " + task.size());
      }
      inputs.add(NetworkTraining.encode(architecture, task));
      float[] y = new float[task.size()];
      for (int i = 0; i < y.length; i++) {
        y[i] = task.get(i).getLabel();
      }
      labels.add(y);
    }
    long started = System.nanoTime();
    Random random = new Random(seed);
    ModelFormat.engine().setRandomSeed((int) seed);
    Device device = NetworkTraining.device();
    try (Model model = Model.newInstance("reptile", device)) {
      Block block = ModelFormat.buildBlock(architecture);
      model.setBlock(block);
      block.initialize(model.getNDManager(), DataType.FLOAT32, ModelFormat.inputShape(architecture, 1));
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(start))) {
        block.loadParameters(model.getNDManager(), in);
      } catch (IOException | MalformedModelException | RuntimeException e) {
        throw new IllegalArgumentException("the starting parameters do not fit " + ModelFormat.describe(architecture)
            + ": " + e.getMessage(), e);
      }
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
          .optOptimizer(Optimizer.adam().optBeta1(0f)
              .optLearningRateTracker(Tracker.fixed(settings.innerLearningRate())).build())
          .optDevices(new Device[] {device});
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(ModelFormat.inputShape(architecture, 1));
        List<Parameter> parameters = block.getParameters().values();
        List<float[]> theta = values(parameters);
        for (int iteration = 0; iteration < settings.metaIterations(); iteration++) {
          int task = random.nextInt(tasks.size());
          float[][] x = inputs.get(task);
          float[] y = labels.get(task);
          for (int step = 0; step < settings.innerSteps(); step++) {
            innerStep(trainer, x, y, Math.min(settings.batchSize(), y.length), random);
          }
          List<float[]> adapted = values(parameters);
          float epsilon = (float) (settings.outerStepSize() * (1 - iteration / (double) settings.metaIterations()));
          for (int p = 0; p < theta.size(); p++) {
            float[] t = theta.get(p);
            float[] a = adapted.get(p);
            for (int i = 0; i < t.length; i++) {
              t[i] += epsilon * (a[i] - t[i]);
            }
          }
          assign(parameters, theta);
        }
      }
      return new Result(ModelFormat.saveParameters(model), settings.metaIterations(), tasks.size(),
          (System.nanoTime() - started) / 1e9);
    }
  }

  /** One Adam step on {@code batch} rows of the task drawn without replacement. */
  private static void innerStep(Trainer trainer, float[][] x, float[] y, int batch, Random random) {
    float[][] bx = new float[batch][];
    float[] by = new float[batch];
    int[] order = partialShuffle(y.length, batch, random);
    for (int i = 0; i < batch; i++) {
      bx[i] = x[order[i]];
      by[i] = y[order[i]];
    }
    try (NDManager rows = trainer.getManager().newSubManager()) {
      NDArray features = rows.create(bx);
      NDArray target = rows.create(by);
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDList scores = trainer.forward(new NDList(features));
        collector.backward(trainer.getLoss().evaluate(new NDList(target), scores));
      }
      trainer.step();
    }
  }

  /** The first {@code k} entries of a seeded shuffle of 0..n−1 (Fisher–Yates, stopped early). */
  private static int[] partialShuffle(int n, int k, Random random) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(n - i);
      int swap = all[i];
      all[i] = all[j];
      all[j] = swap;
    }
    return java.util.Arrays.copyOf(all, k);
  }

  private static List<float[]> values(List<Parameter> parameters) {
    List<float[]> values = new ArrayList<>(parameters.size());
    for (Parameter p : parameters) {
      values.add(p.getArray().toFloatArray());
    }
    return values;
  }

  /** Writes {@code values} into the parameters in place, outside any gradient recording. */
  private static void assign(List<Parameter> parameters, List<float[]> values) {
    for (int p = 0; p < parameters.size(); p++) {
      parameters.get(p).getArray().set(java.nio.FloatBuffer.wrap(values.get(p)));
    }
  }
}
