package dev.plasticity.ops.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.registry.client.ModelDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV side of a replay: columns, rows, bad rows by line and column, labels to classes, delays. */
class ReplayRowsTest {
  @TempDir Path dir;

  private List<ReplayRow> rows(String csv, ReplayColumns columns, LabelMapping labels) throws Exception {
    Path file = dir.resolve("data.csv");
    Files.writeString(file, csv);
    ReplayColumns.Layout layout = ReplaySource.layout(file, columns);
    List<ReplayRow> rows = new ArrayList<>();
    try (ReplaySource source = ReplaySource.open(file, new RowParser(layout, labels, "m-run-", 1_000, 1000))) {
      source.forEachRemaining(rows::add);
    }
    return rows;
  }

  private static ReplayColumns columns(String label, String id, String time, List<String> categorical,
      List<String> drop) {
    return new ReplayColumns(label, id, time, categorical, drop);
  }

  @Test
  void rowsBecomeEventsWithNumericCategoricalAndDroppedColumnsInTheirPlaces() throws Exception {
    List<ReplayRow> rows = rows("a,b,city,note,y\n1,2.5,paris,x,1\n\"3\", 4 ,\"new york, ny\",y,0\n",
        columns("y", null, null, List.of("city"), List.of("note")), new LabelMapping.Indices(2));

    assertThat(rows).hasSize(2);
    ReplayRow.Event first = (ReplayRow.Event) rows.get(0);
    assertThat(first.line()).isEqualTo(2);
    assertThat(first.eventId()).isEqualTo("m-run-2");
    assertThat(first.eventTime()).isEqualTo(1_000);
    assertThat(first.features()).isEqualTo(Map.of("a", 1.0, "b", 2.5));
    assertThat(first.categorical()).isEqualTo(Map.of("city", "paris"));
    assertThat(first.label()).isEqualTo(1);
    ReplayRow.Event second = (ReplayRow.Event) rows.get(1);
    assertThat(second.eventTime()).as("one millisecond per row on the synthetic clock").isEqualTo(1_001);
    assertThat(second.categorical()).isEqualTo(Map.of("city", "new york, ny"));
  }

  @Test
  void eachBadRowIsNamedByItsLineAndColumn() throws Exception {
    List<ReplayRow> rows = rows("a,b,y\n1,2\n1,x,0\n,2,0\n1,2,\n1,2,7\n1,inf,0\n\n1,2,1\n",
        columns(null, null, null, List.of(), List.of()), new LabelMapping.Indices(3));

    assertThat(rows.stream().filter(r -> r instanceof ReplayRow.Bad).map(r -> ((ReplayRow.Bad) r).message()))
        .containsExactly(
            "line 2: 2 fields where the header has 3 columns",
            "line 3, column b: 'x' is not a number",
            "line 4, column a: empty; a number is needed",
            "line 5, column y: the label is missing",
            "line 6, column y: class 7 is beyond the model's 3 classes (0..2)",
            "line 7, column b: 'inf' is not a number",
            "line 8: empty line");
    assertThat(rows.get(rows.size() - 1)).isInstanceOf(ReplayRow.Event.class);
    assertThat(rows.get(rows.size() - 1).line()).isEqualTo(9);
  }

  @Test
  void idAndTimeColumnsAreReadAsGiven() throws Exception {
    List<ReplayRow> rows = rows("id,t,x,y\ne1,2024-05-01T00:00:00Z,1,0\ne2,1714521600500,2,1\n,5,3,1\ne4,yesterday,4,0\n",
        columns("y", "id", "t", List.of(), List.of()), new LabelMapping.Indices(2));

    assertThat(((ReplayRow.Event) rows.get(0)).eventId()).isEqualTo("e1");
    assertThat(((ReplayRow.Event) rows.get(0)).eventTime()).isEqualTo(1714521600000L);
    assertThat(((ReplayRow.Event) rows.get(1)).eventTime()).isEqualTo(1714521600500L);
    assertThat(((ReplayRow.Bad) rows.get(2)).message()).isEqualTo("line 4, column id: the event id is missing");
    assertThat(((ReplayRow.Bad) rows.get(3)).message())
        .isEqualTo("line 5, column t: 'yesterday' is neither epoch millis nor an ISO-8601 time");
  }

  @Test
  void columnsThatAreNotInTheHeaderOrHaveTwoRolesAreRefused() {
    List<String> header = List.of("a", "b", "y");
    assertThatThrownBy(() -> columns("label", null, null, List.of(), List.of()).layout(header))
        .hasMessage("--label: no column 'label' in the header; columns: a, b, y");
    assertThatThrownBy(() -> columns(null, null, null, List.of("a"), List.of("a")).layout(header))
        .hasMessageContaining("column 'a' is given two roles (--categorical, --drop)");
    assertThatThrownBy(() -> columns(null, null, null, List.of("a"), List.of("b")).layout(header))
        .hasMessageContaining("no numeric feature is left");
  }

  @Test
  void labelsAreIndicesWhenAllAreWholeNumbersElseNamesByDefinitionOrFirstAppearance() {
    assertThat(LabelMapping.of(List.of("2", "0", "1"), null)).isEqualTo(new LabelMapping.Indices(3));
    assertThat(LabelMapping.of(List.of("1", "0"), ModelDefinition.Classes.of(4))).isEqualTo(new LabelMapping.Indices(4));

    LabelMapping seen = LabelMapping.of(List.of("dog", "cat", "fish"), null);
    assertThat(seen.asMap()).containsExactly(Map.entry("dog", 0), Map.entry("cat", 1), Map.entry("fish", 2));
    assertThat(seen.describe()).isEqualTo("class names in the order they first appear: dog=0, cat=1, fish=2");

    LabelMapping defined = LabelMapping.of(List.of("dog", "cat", "bird"),
        new ModelDefinition.Classes(3, List.of("cat", "dog", "fish")));
    assertThat(defined.index("dog")).isEqualTo(1);
    assertThatThrownBy(() -> defined.index("bird"))
        .hasMessage("'bird' is not one of the model's 3 classes (cat, dog, fish)");

    LabelMapping capped = LabelMapping.of(List.of("a", "b", "c"), ModelDefinition.Classes.of(2));
    assertThatThrownBy(() -> capped.index("c")).hasMessageContaining("is not one of the model's 2 classes");
  }

  @Test
  void aLabelDelayIsRowsOrADuration() {
    assertThat(LabelDelay.parse("500")).isEqualTo(new LabelDelay.Rows(500));
    assertThat(LabelDelay.parse("50rows")).isEqualTo(new LabelDelay.Rows(50));
    assertThat(LabelDelay.parse("200ms")).isEqualTo(new LabelDelay.Time(Duration.ofMillis(200)));
    assertThat(LabelDelay.parse("PT1.5S")).isEqualTo(new LabelDelay.Time(Duration.ofMillis(1500)));
    assertThatThrownBy(() -> LabelDelay.parse("soon")).hasMessageContaining("--label-delay: 'soon' is neither");
  }

  @Test
  void anUnclosedQuoteStopsTheReadingAtItsLine() throws Exception {
    assertThatThrownBy(() -> rows("a,y\n1,0\n\"2,1\n", columns(null, null, null, List.of(), List.of()),
        new LabelMapping.Indices(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 3: not readable as CSV");
  }
}
