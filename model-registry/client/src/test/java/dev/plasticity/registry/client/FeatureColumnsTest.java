package dev.plasticity.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureColumnsTest {
  @Test
  void aBatchByColumnFindsEachColumnByNameWithoutCopyingIt() {
    double[] a = {1, 2, 3};
    double[] b = {4, 5, 6};
    List<String> names = new ArrayList<>(List.of("a", "b"));

    FeatureColumns columns = FeatureColumns.of(names, a, b);
    names.set(0, "z");

    assertThat(columns.rows()).isEqualTo(3);
    assertThat(columns.names()).containsExactly("a", "b");
    assertThat(columns.column("a")).isSameAs(a);
    assertThat(columns.column("b")).isSameAs(b);
    assertThat(columns.column("z")).isNull();
    assertThat(FeatureColumns.of(List.of("a"), new double[0]).rows()).isZero();
  }

  @Test
  void columnsOfDifferentLengthsARepeatedNameOrANameWithoutAColumnAreRefused() {
    assertThatThrownBy(() -> FeatureColumns.of(List.of("a", "b"), new double[2], new double[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("every column holds one value per event: column 'a' has 2, column 'b' 3");
    assertThatThrownBy(() -> FeatureColumns.of(List.of("a", "a"), new double[2], new double[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("feature 'a' names two columns");
    assertThatThrownBy(() -> FeatureColumns.of(List.of("a", "b"), new double[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("one column per feature name: 2 names, 1 columns");
    assertThatThrownBy(() -> FeatureColumns.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one column");
    assertThatThrownBy(() -> FeatureColumns.of(List.of("a"), (double[]) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("column 'a' is null");
  }
}
