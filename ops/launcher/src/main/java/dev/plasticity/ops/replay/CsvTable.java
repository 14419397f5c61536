package dev.plasticity.ops.replay;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A CSV file read as a header and rows of text fields, each with the line it starts on (the header
 * is line 1), by Jackson's CSV parser: RFC 4180 quoting, fields trimmed. A line that is not CSV at
 * all (an unclosed quote) ends the reading with an {@link IllegalArgumentException} naming the
 * line: what follows it cannot be split reliably. Each {@link #rows()} call reads the file anew;
 * not thread-safe.
 */
final class CsvTable implements AutoCloseable {
  /** One data row: its fields as written, and the line it starts on. */
  record Row(long line, List<String> fields) {}

  private static final CsvMapper MAPPER = CsvMapper.builder()
      .enable(CsvParser.Feature.WRAP_AS_ARRAY)
      .enable(CsvParser.Feature.TRIM_SPACES)
      .build();

  private final Path file;
  private final Reader reader;
  private final MappingIterator<String[]> iterator;
  private final List<String> header;

  private CsvTable(Path file) throws IOException {
    this.file = file;
    this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    this.iterator = MAPPER.readerFor(String[].class).readValues(reader);
    if (!hasNext()) {
      close();
      throw new IllegalArgumentException(file + " is empty: a CSV file to replay starts with a header row");
    }
    this.header = List.of(iterator.next());
  }

  /** Opens {@code file} and reads its header. */
  static CsvTable open(Path file) throws IOException {
    return new CsvTable(file);
  }

  List<String> header() {
    return header;
  }

  /** The data rows after the header, read as iterated. */
  Iterator<Row> rows() {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return CsvTable.this.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        long line = iterator.getCurrentLocation().getLineNr();
        try {
          String[] fields = iterator.nextValue();
          return new Row(line, Arrays.asList(fields));
        } catch (IOException e) {
          throw notCsv(line, e);
        } catch (RuntimeException e) {
          throw notCsv(line, e);
        }
      }
    };
  }

  private boolean hasNext() {
    try {
      return iterator.hasNextValue();
    } catch (IOException e) {
      throw notCsv(iterator.getCurrentLocation().getLineNr(), e);
    }
  }

  private IllegalArgumentException notCsv(long line, Exception e) {
    String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
    return new IllegalArgumentException(file + ", line " + line + ": not readable as CSV (" + why + ");"
        + " the rest of the file cannot be split into rows reliably", e);
  }

  @Override
  public void close() {
    try {
      iterator.close();
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
