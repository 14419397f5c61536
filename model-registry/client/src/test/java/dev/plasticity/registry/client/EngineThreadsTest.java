package dev.plasticity.registry.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EngineThreadsTest {
  private String threads;
  private String interop;

  @BeforeEach
  void save() {
    threads = System.getProperty(ModelFormat.THREADS);
    interop = System.getProperty(ModelFormat.INTEROP_THREADS);
    System.clearProperty(ModelFormat.THREADS);
    System.clearProperty(ModelFormat.INTEROP_THREADS);
  }

  @AfterEach
  void restore() {
    set(ModelFormat.THREADS, threads);
    set(ModelFormat.INTEROP_THREADS, interop);
  }

  private static void set(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Test
  void theEngineGetsOneThreadOfEachKindByDefault() {
    ModelFormat.useOneEngineThreadUnlessConfigured(null);

    assertThat(System.getProperty(ModelFormat.THREADS)).isEqualTo("1");
    assertThat(System.getProperty(ModelFormat.INTEROP_THREADS)).isEqualTo("1");
  }

  @Test
  void anOperatorsThreadCountsAreKept() {
    System.setProperty(ModelFormat.THREADS, "4");
    System.setProperty(ModelFormat.INTEROP_THREADS, "2");

    ModelFormat.useOneEngineThreadUnlessConfigured(null);

    assertThat(System.getProperty(ModelFormat.THREADS)).isEqualTo("4");
    assertThat(System.getProperty(ModelFormat.INTEROP_THREADS)).isEqualTo("2");
  }

  @Test
  void ompNumThreadsLeavesTheIntraOpCountToPyTorch() {
    ModelFormat.useOneEngineThreadUnlessConfigured("8");

    assertThat(System.getProperty(ModelFormat.THREADS)).isNull();
    assertThat(System.getProperty(ModelFormat.INTEROP_THREADS)).isEqualTo("1");
  }
}
