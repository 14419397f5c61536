package dev.plasticity.ops.replay;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;

/**
 * A small drifting CSV to try {@code plasticity replay} on: columns {@code x1}, {@code x2} (numbers
 * in [0, 10)), {@code region} (north, south or east), {@code note} (a column to drop) and the label
 * {@code shape}. The class comes from {@code x1 + x2}, plus one in the east: {@code low} below 7,
 * {@code high} from 13, else {@code mid}; from row {@code driftAt} on, {@code low} and {@code high}
 * trade places, an abrupt concept drift that no feature shows. Optionally three malformed rows (a
 * missing field, a word for a number, a missing label) show how bad rows are reported.
 *
 * @param rows valid rows written
 * @param driftAt index of the first drifted row
 * @param badRows whether to add the three malformed rows (after rows 1,000, 3,000 and 9,000 when
 *     there are that many)
 * @param seed seed of the rows
 */
public record ExampleCsv(int rows, int driftAt, boolean badRows, long seed) {
  /** The label column. */
  public static final String LABEL = "shape";
  /** The categorical column. */
  public static final String CATEGORICAL = "region";
  /** A column with nothing to learn from, to drop. */
  public static final String NOTE = "note";
  private static final String[] REGIONS = {"north", "south", "east"};
  private static final String[] SHAPES = {"low", "mid", "high"};

  public ExampleCsv {
    if (rows < 1 || driftAt < 0) {
      throw new IllegalArgumentException("an example needs at least 1 row and a drift at row 0 or later; was "
          + rows + " rows, drift at " + driftAt);
    }
  }

  /**
   * Writes the file.
   *
   * @param firstAppearance filled with the class names in the order they first appear
   * @return the message {@code plasticity replay} gives for each malformed row, in file order
   */
  public List<String> write(Path csv, List<String> firstAppearance) throws IOException {
    Objects.requireNonNull(firstAppearance, "firstAppearance");
    Random random = new Random(seed);
    List<String> bad = new ArrayList<>();
    if (csv.toAbsolutePath().getParent() != null) {
      Files.createDirectories(csv.toAbsolutePath().getParent());
    }
    try (BufferedWriter out = Files.newBufferedWriter(csv)) {
      out.write("x1,x2," + CATEGORICAL + "," + NOTE + "," + LABEL + "\n");
      long line = 1;
      for (int i = 0; i < rows; i++) {
        if (badRows && i == 1_000) {
          out.write("1.5,2.5,north,x\n");
          bad.add("line " + ++line + ": 4 fields where the header has 5 columns");
        } else if (badRows && i == 3_000) {
          out.write("abc,2.5,north,x,low\n");
          bad.add("line " + ++line + ", column x1: 'abc' is not a number");
        } else if (badRows && i == 9_000) {
          out.write("1.0,2.0,south,x,\n");
          bad.add("line " + ++line + ", column " + LABEL + ": the label is missing");
        }
        double x1 = random.nextDouble() * 10;
        double x2 = random.nextDouble() * 10;
        String region = REGIONS[random.nextInt(REGIONS.length)];
        double score = x1 + x2 + (region.equals("east") ? 1 : 0);
        int k = score < 7 ? 0 : score < 13 ? 1 : 2;
        if (i >= driftAt) {
          k = 2 - k;
        }
        String shape = SHAPES[k];
        if (!firstAppearance.contains(shape)) {
          firstAppearance.add(shape);
        }
        out.write(String.format(Locale.ROOT, "%.4f,%.4f,%s,n%d,%s%n", x1, x2, region, i % 7, shape));
        line++;
      }
    }
    return bad;
  }
}
