package dev.plasticity.ops.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The file's rows, parsed: each pass opens the file anew, so a replay can check the whole file
 * before it sends anything and still send it without holding it in memory. Not thread-safe.
 */
final class ReplaySource implements AutoCloseable, Iterator<ReplayRow> {
  private final CsvTable table;
  private final Iterator<CsvTable.Row> rows;
  private final RowParser parser;
  private long index;

  private ReplaySource(Path file, RowParser parser) throws IOException {
    this.table = CsvTable.open(file);
    this.rows = table.rows();
    this.parser = parser;
  }

  /** The rows of {@code file}, parsed by {@code parser}. */
  static ReplaySource open(Path file, RowParser parser) throws IOException {
    return new ReplaySource(file, parser);
  }

  /** Places {@code columns} in the header of {@code file}. */
  static ReplayColumns.Layout layout(Path file, ReplayColumns columns) throws IOException {
    try (CsvTable table = CsvTable.open(file)) {
      return columns.layout(table.header());
    }
  }

  /** The distinct labels of the rows that are well formed apart from their class, in order of first appearance. */
  static List<String> labels(Path file, RowParser unlabelled) throws IOException {
    LinkedHashSet<String> labels = new LinkedHashSet<>();
    try (CsvTable table = CsvTable.open(file)) {
      for (Iterator<CsvTable.Row> rows = table.rows(); rows.hasNext(); ) {
        String label = unlabelled.labelText(rows.next());
        if (label != null) {
          labels.add(label);
        }
      }
    }
    return List.copyOf(labels);
  }

  @Override
  public boolean hasNext() {
    return rows.hasNext();
  }

  @Override
  public ReplayRow next() {
    return parser.parse(rows.next(), index++);
  }

  @Override
  public void close() {
    table.close();
  }
}
