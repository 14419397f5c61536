package dev.plasticity.ops.prequential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvRowsTest {
  @TempDir Path dir;

  @Test
  void numericColumnsBecomeFeaturesAndLabelsBecomeSortedClasses() throws Exception {
    Path file = write("day,price,demand,class\nmon,0.5,1,UP\ntue,0.25,2,DOWN\nwed,\"0.75\", 3 ,UP\n");

    CsvRows read = CsvRows.read(file, null, 100);
    LabelledRows rows = read.rows();

    assertThat(rows.name()).isEqualTo("stream");
    assertThat(rows.featureNames()).containsExactly("price", "demand");
    assertThat(read.leftOutColumns()).containsExactly("day");
    assertThat(rows.classNames()).containsExactly("DOWN", "UP");
    assertThat(rows.labels()).containsExactly(1, 0, 1);
    assertThat(rows.features().get(2)).containsExactly(0.75, 3.0);
    assertThat(rows.skipped()).isEmpty();
  }

  @Test
  void aRowWithANonNumericValueIsSkippedWithItsLineNumberAndCounted() throws Exception {
    Path file = write("a,b,label\n1,2,0\n3,oops,1\n4,5\n,6,1\n7,8,\n9,10,1\n");

    LabelledRows rows = CsvRows.read(file, "label", 100).rows();

    assertThat(rows.size()).isEqualTo(2);
    assertThat(rows.skipped()).extracting(LabelledRows.SkippedRow::line).containsExactly(3L, 4L, 5L, 6L);
    assertThat(rows.skipped().get(0).reason()).isEqualTo("column b holds 'oops', not a number");
    assertThat(rows.skipped().get(1).reason()).isEqualTo("2 fields where the header has 3");
    assertThat(rows.skipped().get(3).reason()).contains("label").contains("empty");
  }

  @Test
  void numericLabelsAreOrderedAsNumbersAndTheLabelColumnMayBeNamed() throws Exception {
    Path file = write("y,x\n10,1\n2,2\n10,3\n");

    LabelledRows rows = CsvRows.read(file, "y", 2).rows();

    assertThat(rows.classNames()).containsExactly("2", "10");
    assertThat(rows.labels()).containsExactly(1, 0); // at most 2 rows read
    assertThat(rows.featureNames()).containsExactly("x");
  }

  @Test
  void anUnknownLabelColumnNamesTheColumnsThereAre() throws Exception {
    Path file = write("a,b\n1,0\n2,1\n");
    assertThatThrownBy(() -> CsvRows.read(file, "class", 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no column 'class'").hasMessageContaining("[a, b]");
  }

  private Path write(String content) throws Exception {
    Path file = dir.resolve("stream.csv");
    Files.writeString(file, content);
    return file;
  }
}
