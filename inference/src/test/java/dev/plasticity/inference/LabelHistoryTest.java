package dev.plasticity.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LabelHistoryTest {
  @Test
  void readsTheNewestLabelsNewestFirst() {
    LabelHistory history = new LabelHistory(4);
    history.record(0);
    history.record(1);
    history.record(2);

    assertThat(history.recent(2)).containsExactly(2, 1);
    assertThat(history.recent(3)).containsExactly(2, 1, 0);
    assertThat(history.recent(0)).isEmpty();
  }

  @Test
  void labelsNotRecordedYetAreNotInvented() {
    LabelHistory history = new LabelHistory(4);
    assertThat(history.recent(3)).isEmpty();

    history.record(1);

    assertThat(history.recent(3)).containsExactly(1);
  }

  @Test
  void keepsOnlyTheNewestCapacityLabels() {
    LabelHistory history = new LabelHistory(3);
    for (int label = 0; label < 7; label++) {
      history.record(label);
    }

    assertThat(history.recent(5)).containsExactly(6, 5, 4);
    assertThat(history.recorded()).isEqualTo(7);
  }

  @Test
  void refusesNegativeLabelsAndCountsNamingTheRule() {
    LabelHistory history = new LabelHistory();
    assertThatThrownBy(() -> history.record(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a label is a class index");
    assertThatThrownBy(() -> history.recent(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LabelHistory(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void labelsRecordedFromManyThreadsAreAllCounted() throws Exception {
    LabelHistory history = new LabelHistory(8);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int label = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 1000; i++) {
            history.record(label);
            assertThat(history.recent(8)).hasSizeLessThanOrEqualTo(8);
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(history.recorded()).isEqualTo(4000);
    assertThat(history.recent(8)).hasSize(8).containsAnyOf(0, 1, 2, 3).doesNotContain(-1, 4);
  }
}
