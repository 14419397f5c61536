package dev.plasticity.trainer.search;

import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.LabelledData;
import java.util.Objects;

/**
 * The events a search's candidates learn from ({@link LabelledData#train()}) and are validated on
 * ({@link LabelledData#heldOut()}), and how they train: for a strategy that learns from the events
 * itself rather than only through the {@link CandidateTrainer}.
 */
record SearchData(LabelledData events, TrainingSettings settings) {
  SearchData {
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(settings, "settings");
  }
}
