package dev.plasticity.trainer.network;

import dev.plasticity.schemas.CategoricalFeature;
import dev.plasticity.schemas.LabelledEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds the vocabularies of a network's categorical features from its training events: per
 * feature the values the events carry, most frequent first (ties in the values' natural order, so
 * the same events give the same vocabulary), at most {@code cap} of them. Every other value, and a
 * missing one, reads as the feature's unknown slot ({@code CategoricalInputs} in the registry
 * client), so a rare or new value costs no column and cannot make the network's input wider.
 *
 * <p>Stateless.
 */
public final class CategoryVocabulary {
  /** The most values a feature's vocabulary keeps by default: the rest map to the unknown slot. */
  public static final int DEFAULT_CAP = 50;

  private CategoryVocabulary() {}

  /**
   * The categorical feature names the events carry, sorted: the union over all of them, as an event
   * may lack a categorical feature (it then reads as unknown).
   */
  public static List<String> featureNames(List<LabelledEvent> events) {
    TreeSet<String> names = new TreeSet<>();
    for (LabelledEvent event : events) {
      names.addAll(event.getCategorical().keySet());
    }
    return List.copyOf(names);
  }

  /**
   * The vocabulary of each of {@code names} over {@code train}, in the order of {@code names}.
   *
   * @param cap the most values a vocabulary keeps, at least 1
   * @throws IllegalArgumentException when {@code cap} is below 1
   */
  public static List<CategoricalFeature> fit(List<String> names, List<LabelledEvent> train, int cap) {
    if (cap < 1) {
      throw new IllegalArgumentException("a vocabulary cap must be at least 1, was " + cap);
    }
    List<CategoricalFeature> features = new ArrayList<>(names.size());
    for (String name : names) {
      Map<String, Long> counts = new HashMap<>();
      for (LabelledEvent event : train) {
        String value = event.getCategorical().get(name);
        if (value != null) {
          counts.merge(value, 1L, Long::sum);
        }
      }
      List<String> vocabulary = counts.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
              .thenComparing(Map.Entry.comparingByKey()))
          .limit(cap)
          .map(Map.Entry::getKey)
          .toList();
      features.add(CategoricalFeature.newBuilder().setName(name).setVocabulary(new ArrayList<>(vocabulary)).build());
    }
    return features;
  }

  /** The names of {@code features}, in order. */
  public static List<String> names(List<CategoricalFeature> features) {
    return features.stream().map(CategoricalFeature::getName).toList();
  }
}
