package dev.plasticity.trainer.run;

import dev.plasticity.registry.client.NetworkFamily;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.Expert;
import java.util.ArrayList;
import java.util.List;

/**
 * The event-time spans an experts network was trained on: each expert's window ({@code
 * trainedFrom} to {@code addedAt}, both included), cut at where the run's window starts. What a
 * run reads back as the reference of an experts serving version, so that its gate is retrained on
 * rows of every concept it routes, not only the newest one. Stateless.
 */
final class ExpertWindows {
  private ExpertWindows() {}

  /** Event times in {@code [from, until)}. */
  record Span(long from, long until) {}

  /**
   * The known windows of {@code serving}'s experts, oldest expert first, each ending before {@code
   * before}; empty for an mlp or when no expert's window is known (both times 0).
   */
  static List<Span> of(Architecture serving, long before) {
    if (NetworkFamily.of(serving) != NetworkFamily.EXPERTS) {
      return List.of();
    }
    List<Span> spans = new ArrayList<>();
    for (Expert e : serving.getExperts()) {
      boolean known = e.getAddedAt() > 0 || e.getTrainedFrom() > 0;
      long until = Math.min(e.getAddedAt() + 1, before);
      if (known && e.getTrainedFrom() < until) {
        spans.add(new Span(e.getTrainedFrom(), until));
      }
    }
    return spans;
  }
}
