package dev.plasticity.trainer.adaptation;

import ai.djl.Model;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.FineTuneScope;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.NetworkCost;
import dev.plasticity.trainer.network.NetworkTraining;
import dev.plasticity.trainer.network.TrainingObjective;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The domain adaptations of a serving version to a new window, by the names runs and lineage use:
 * {@link ElasticWeightConsolidation EWC}, {@link KnowledgeDistillation distillation} into a
 * smaller network, and {@link ImportanceWeighting importance weighting} of the old events. Each
 * trains on DJL through {@link NetworkTraining} with its own {@link TrainingObjective}; none
 * touches Kafka or the registry. Each is a {@link Strategy.DomainAdaptation} listed in {@link
 * Strategies#STANDARD}. Stateless.
 */
public enum AdaptationStrategy implements Strategy.DomainAdaptation {
  /** Fine-tunes every layer of the parent, held near it by its Fisher information on the old data. */
  EWC("ewc", "fine-tuning the serving version with EWC, so it keeps what still holds") {
    @Override
    public boolean warmStarts() {
      return true;
    }

    @Override
    public Adapted adapt(Parent parent, LabelledData window, List<LabelledEvent> reference, Architecture fresh,
        ConstraintCheck check, TrainingSettings config, AdaptationSettings settings,
        NetworkTraining.EpochListener listener) {
      // the parent's network and input scaling, as a fine-tune of all layers: its weights were learnt for them
      ConstraintCheck.Result candidate = check.check(parent.architecture());
      if (!candidate.passed()) {
        return Adapted.refused(candidate);
      }
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
  DISTILL("distill", "training a network on the new window distilled from the serving version") {
    @Override
    public boolean usesReference() {
      return false; // the teacher stands for the old data
    }

    @Override
    public Adapted adapt(Parent parent, LabelledData window, List<LabelledEvent> reference, Architecture fresh,
        ConstraintCheck check, TrainingSettings config, AdaptationSettings settings,
        NetworkTraining.EpochListener listener) {
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
  IMPORTANCE_WEIGHTING("importance-weighting",
      "retraining with events weighted towards the new input distribution") {
    /** It trains a fresh mlp on the weighted events: the serving network's family does not matter. */
    @Override
    public boolean adaptsExperts() {
      return true;
    }

    @Override
    public Adapted adapt(Parent parent, LabelledData window, List<LabelledEvent> reference, Architecture fresh,
        ConstraintCheck check, TrainingSettings config, AdaptationSettings settings,
        NetworkTraining.EpochListener listener) {
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
          fresh.getInputFeatures(), settings.maxImportanceWeight(), config);
      ImportanceWeighting.Weighted weighted = ImportanceWeighting.combine(reference, weights.weights(), window);
      ConstraintCheck.Result candidate = check.check(NetworkTraining.standardised(fresh, weighted.data().train()));
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
  private final String explanation;

  AdaptationStrategy(String strategyName, String explanation) {
    this.strategyName = strategyName;
    this.explanation = explanation;
  }

  @Override
  public boolean usesReference() {
    return true;
  }

  @Override
  public String wireName() {
    return strategyName;
  }

  @Override
  public String explain() {
    return explanation;
  }

  @Override
  public String toString() {
    return strategyName;
  }
}
