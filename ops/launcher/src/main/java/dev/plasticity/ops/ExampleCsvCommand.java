package dev.plasticity.ops;

import dev.plasticity.ops.replay.ExampleCsv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plasticity example-csv FILE}: writes a small drifting CSV to try {@code plasticity replay} on. */
@Command(name = "example-csv", mixinStandardHelpOptions = true,
    description = {"Writes a drifting CSV to try 'plasticity replay' on: x1, x2 (numbers), region (north, south,",
      "east), note (to drop) and the label shape (low, mid, high, from x1 + x2 and the region);",
      "low and high trade places at --drift-at, a concept drift no feature shows."})
final class ExampleCsvCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "the CSV to write (replaced if it exists)")
  Path file;

  @Option(names = "--rows", description = "valid rows (default: ${DEFAULT-VALUE})")
  int rows = 14_000;

  @Option(names = "--drift-at", description = "index of the first drifted row (default: ${DEFAULT-VALUE})")
  int driftAt = 7_000;

  @Option(names = "--bad-rows", description = "add three malformed rows, to see how they are reported")
  boolean badRows;

  @Option(names = "--seed", description = "seed of the rows (default: ${DEFAULT-VALUE})")
  long seed = 11;

  @Override
  public Integer call() throws Exception {
    ExampleCsv example;
    try {
      example = new ExampleCsv(rows, driftAt, badRows, seed);
    } catch (IllegalArgumentException e) {
      System.err.println("plasticity example-csv: " + e.getMessage());
      return 2;
    }
    var bad = example.write(file, new ArrayList<>());
    System.out.printf("wrote %,d rows to %s (label column '%s', categorical '%s', drift at row %,d%s)%n", rows, file,
        ExampleCsv.LABEL, ExampleCsv.CATEGORICAL, driftAt, bad.isEmpty() ? "" : ", " + bad.size() + " malformed rows");
    return 0;
  }
}
