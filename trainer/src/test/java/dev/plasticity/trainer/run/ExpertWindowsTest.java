package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.Expert;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpertWindowsTest {
  private static Architecture experts(Expert... experts) {
    return Architecture.newBuilder().setFamily("experts").setInputFeatures(List.of("x"))
        .setFeatureMeans(List.of(0.0)).setFeatureStds(List.of(1.0)).setHiddenUnits(List.of()).setNumClasses(2)
        .setExperts(List.of(experts)).setTopK(1).build();
  }

  private static Expert expert(long from, long to) {
    return Expert.newBuilder().setHiddenUnits(List.of(4)).setTrainedFrom(from).setAddedAt(to).setLastUsed(to).build();
  }

  @Test
  void readsEveryExpertsWindowUpToWhereTheRunsWindowStarts() {
    assertThat(ExpertWindows.of(experts(expert(0, 999), expert(5_000, 5_999), expert(9_000, 9_999)), 9_500))
        .containsExactly(new ExpertWindows.Span(0, 1_000), new ExpertWindows.Span(5_000, 6_000),
            new ExpertWindows.Span(9_000, 9_500));
  }

  @Test
  void anExpertWithAnUnknownWindowOrAnMlpHasNone() {
    assertThat(ExpertWindows.of(experts(expert(0, 0), expert(5_000, 5_999)), 10_000))
        .containsExactly(new ExpertWindows.Span(5_000, 6_000));
    Architecture mlp = Architecture.newBuilder(experts(expert(1, 2))).setFamily("mlp").setExperts(List.of())
        .setTopK(0).build();
    assertThat(ExpertWindows.of(mlp, 10_000)).isEmpty();
  }
}
