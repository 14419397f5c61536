package dev.plasticity.trainer;

import ai.djl.Model;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The domain adaptations of a serving version to a new window, by the names runs and lineage use:
 * {@link ElasticWeightConsolidation EWC}, {@link KnowledgeDistillation distillation} into a
 * smaller network, and {@link ImportanceWeighting importance weighting} of the old events. Each
 * trains on DJL through {@link NetworkTraining} with its own {@link TrainingObjective}; none
 * touches Kafka or the registry. Stateless.
 */
enum AdaptationStrategy {
  /** Fine-tunes every layer of the parent, held near it by its Fisher information on the old data. */
  EWC("ewc") {
    @Override
    Adapted adapt(Parent parent, LabelledData window, List<LabelledEvent> reference, Architecture fresh,
        ConstraintCheck check, TrainerConfig config, NetworkTraining.EpochListener listener) {
      // the parent's network and input scaling, as a fine-tune of all layers: its weights were learnt for them
      ConstraintCheck.Result candidate = check.check(parent.architecture());
      if (!candidate.passed()) {
        return Adapted.refused(candidate);
      }
      AdaptationSettings settings = config.adaptationSettings();
      boolean ownPredictions = reference.isEmpty();
      List<LabelledEvent> fisherEvents = ownPredictions ? window.train() : reference;
      ElasticWeightConsolidation ewc = ElasticWeightConsolidation.around(parent.architecture(), parent.artifact(),
          fisherEvents, settings.fisherEvents(), settings.ewcLambda());
      NetworkTraining.Result result = NetworkTraining.train(parent.name(), window, candidate, config,
          new NetworkTraining.Start(parent.artifact(), FineTuneScope.ALL), ewc, listener);
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("ewc_lambda", ewc.lambda());
      metrics.put("ewc_fisher_events", (double) Math.min(fisherEvents.size(), settings.fisherEvents()));
      metrics.put("ewc_mean_fisher", ewc.meanFisher());
      metrics.put("reference_events", (double) reference.size());
      String note = ownPredictions
          ? "no reference events of the parent's window: its Fisher information is taken on the new window's inputs"
              + " under its own predictions"
          : String.format("EWC λ %s, Fisher on %d reference events", ewc.lambda(),
              Math.min(fisherEvents.size(), settings.fisherEvents()));
      return new Adapted(candidate, result, metrics, note);
    }
  },

  /** Trains a smaller student on the labels and the serving network's softened predictions. */
  DISTILL("distill") {
    @Override
    boolean usesReference() {
      return false; // the teacher stands for the old data
    }

    @Override
    Adapted adapt(Parent parent, LabelledData window, List<LabelledEvent> reference, Architecture fresh,
        ConstraintCheck check, TrainerConfig config, NetworkTraining.EpochListener listener) {
      AdaptationSettings settings = config.adaptationSettings();
      Architecture student = KnowledgeDistillation.student(parent.architecture(), settings.studentHiddenUnits(),
          AdaptationSettings.MIN_STUDENT_WIDTH, window.train());
      ConstraintCheck.Result candidate = check.check(student);
      if (!candidate.passed()) {
        return Adapted.refused(candidate);
      }
      KnowledgeDistillation distillation;
      try (Model teacher = KnowledgeDistillation.teacher(parent.architecture(), parent.artifact())) {
        distillation = KnowledgeDistillation.from(teacher, parent.architecture(), window.train(),
            settings.distillTemperature(), settings.distillAlpha());
      }
      NetworkTraining.Result result = NetworkTraining.train(parent.name(), window, candidate, config,
          NetworkTraining.Start.FRESH, distillation, listener);
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("distill_temperature", distillation.temperature());
      metrics.put("distill_alpha", distillation.alpha());
      metrics.put("teacher_parameters", (double) NetworkCost.parameters(parent.architecture()));
      return new Adapted(candidate, result, metrics, String.format("distilled %s into %s (T %s, α %s)",
          parent.architecture().getHiddenUnits(), student.getHiddenUnits(), distillation.temperature(),
          distillation.alpha()));
    }
  },

  /** Retrains on the old events, weighted by the new window's density ratio, and the new ones. */
  IMPORTANCE_WEIGHTING("importance-weighting") {
    @Override
    Adapted adapt(Parent parent, LabelledData window, List<LabelledEvent> reference, Architecture fresh,
        ConstraintCheck check, TrainerConfig config, NetworkTraining.EpochListener listener) {
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("reference_events", (double) reference.size());
      if (reference.isEmpty()) {
        ConstraintCheck.Result candidate = check.check(fresh);
        if (!candidate.passed()) {
          return Adapted.refused(candidate);
        }
        NetworkTraining.Result result = NetworkTraining.train(parent.name(), window, candidate, config, listener);
        return new Adapted(candidate, result, metrics,
            "no reference events of the parent's window: trained on the new window alone, unweighted");
      }
      ImportanceWeighting.Weights weights = ImportanceWeighting.estimate(reference, window.train(),
          fresh.getInputFeatures(), config.adaptationSettings().maxImportanceWeight(), config);
      ImportanceWeighting.Weighted weighted = ImportanceWeighting.combine(reference, weights.weights(), window);
      Architecture network = NetworkTraining.architecture(fresh.getInputFeatures(), weighted.data().train(),
          fresh.getNumClasses(), fresh.getHiddenUnits());
      ConstraintCheck.Result candidate = check.check(Architecture.newBuilder(fresh)
          .setFeatureMeans(network.getFeatureMeans()).setFeatureStds(network.getFeatureStds()).build());
      if (!candidate.passed()) {
        return Adapted.refused(candidate);
      }
      NetworkTraining.Result result = NetworkTraining.train(parent.name(), weighted.data(), candidate, config,
          NetworkTraining.Start.FRESH, weighted.objective(), listener);
      metrics.put("importance_ess", weights.effectiveSampleSize());
      metrics.put("importance_ess_fraction", weights.effectiveSampleSize() / reference.size());
      metrics.put("importance_clipped", (double) weights.clipped());
      metrics.put("importance_domain_accuracy", weights.domainAccuracy());
      return new Adapted(candidate, result, metrics, String.format(
          "%d reference events weighted (effective sample size %.0f, domain classifier %.3f) with %d new",
          reference.size(), weights.effectiveSampleSize(), weights.domainAccuracy(), window.trainSize()));
    }
  };

  private final String strategyName;

  AdaptationStrategy(String strategyName) {
    this.strategyName = strategyName;
  }

  /** Whether it reads the events the serving version was trained on (EWC and importance weighting do). */
  boolean usesReference() {
    return true;
  }

  /** The name runs are configured with and lineage records. */
  String strategyName() {
    return strategyName;
  }

  /** The strategy named {@code name}, if it is one of these. */
  static Optional<AdaptationStrategy> find(String name) {
    return Arrays.stream(values()).filter(s -> s.strategyName.equals(name)).findFirst();
  }

  /** The strategy named {@code ewc}, {@code distill} or {@code importance-weighting}. */
  static AdaptationStrategy named(String name) {
    Objects.requireNonNull(name, "name");
    return find(name)
        .orElseThrow(() -> new IllegalArgumentException("unknown adaptation '" + name + "'; known: "
            + String.join(", ", Arrays.stream(values()).map(AdaptationStrategy::strategyName).toList())));
  }

  /**
   * The serving version an adaptation starts from.
   *
   * @param name the model's name
   * @param architecture its network and input scaling
   * @param artifact its parameters
   */
  record Parent(String name, Architecture architecture, byte[] artifact) {}

  /**
   * What an adaptation trained, or the candidate it refused.
   *
   * @param candidate the network checked against the constraints
   * @param result the training, or null when the candidate broke a constraint
   * @param metrics strategy-specific figures for the registered version
   * @param note a sentence on what the strategy did (or fell back to)
   */
  record Adapted(ConstraintCheck.Result candidate, NetworkTraining.Result result, Map<String, Double> metrics,
      String note) {
    static Adapted refused(ConstraintCheck.Result candidate) {
      return new Adapted(candidate, null, Map.of(), candidate.summary());
    }
  }

  /**
   * Adapts {@code parent} to {@code window}.
   *
   * @param reference events the parent was trained on (its window), oldest first; empty when none
   *     could be read
   * @param fresh the network a retraining would train on the window, with the window's scaling
   * @param check the model's constraints
   */
  abstract Adapted adapt(Parent parent, LabelledData window, List<LabelledEvent> reference, Architecture fresh,
      ConstraintCheck check, TrainerConfig config, NetworkTraining.EpochListener listener);
}
