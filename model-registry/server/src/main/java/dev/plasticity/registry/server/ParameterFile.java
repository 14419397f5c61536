package dev.plasticity.registry.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the parameters stored in a DJL parameter file (what {@code Block.saveParameters} writes and
 * {@code ModelFormat.saveParameters} returns as a Plasticity artifact) without DJL: their names,
 * data types and shapes, not their values.
 *
 * <p>DJL 0.32 writes, per block, a version byte and block-specific metadata, then each parameter as
 * {@code writeChar('P')}, a version byte (1), {@code writeUTF(name)} and the encoded array
 * ({@code NDSerializer}, encoding version 3): {@code writeUTF("NDAR")}, {@code writeInt(3)}, a byte
 * 1 followed by {@code writeUTF(arrayName)} or a byte 0, {@code writeUTF(sparseFormat)},
 * {@code writeUTF(dataType)}, the shape ({@code int rank}, {@code rank} longs, {@code int} layout
 * length, that many chars), a byte order byte ({@code '>'} or {@code '<'}) and
 * {@code int byteLength} followed by the bytes. Block metadata differs
 * per block type, so the reader scans between parameters for the next parameter header and parses
 * each one strictly: every length is checked against what remains before anything is skipped, and
 * the byte length must equal the shape's element count times the data type's width. Nothing is
 * allocated from a length the bytes claim.
 *
 * <p>Stateless and thread-safe.
 */
final class ParameterFile {
  private static final byte[] ARRAY_MAGIC = {0, 4, 'N', 'D', 'A', 'R'};
  private static final int MAX_RANK = 8;
  private static final Map<String, Integer> WIDTHS = Map.of(
      "FLOAT32", 4, "FLOAT64", 8, "FLOAT16", 2, "BFLOAT16", 2,
      "INT8", 1, "UINT8", 1, "BOOLEAN", 1, "INT32", 4, "INT64", 8);

  private ParameterFile() {}

  /** One stored parameter: its name, element type and shape. */
  record StoredParameter(String name, String dataType, long[] shape) {
    long elements() {
      long n = 1;
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }
  }

  /**
   * The parameters stored in {@code bytes}, in file order.
   *
   * @throws IllegalArgumentException naming the rule when the bytes hold no parameter or a
   *     parameter header is followed by an array that is cut short or inconsistent
   */
  static List<StoredParameter> read(ByteBuffer bytes) {
    ByteBuffer in = bytes.duplicate();
    List<StoredParameter> parameters = new ArrayList<>();
    int position = 0;
    while (true) {
      int header = nextParameterHeader(in, position);
      if (header < 0) {
        break;
      }
      Cursor cursor = new Cursor(in, header);
      cursor.skip(3); // 'P' as a char, version byte
      String name = cursor.utf();
      cursor.expect(ARRAY_MAGIC, "parameter '" + name + "' is not followed by an encoded array");
      int version = cursor.int32();
      if (version != 3) {
        throw new IllegalArgumentException("parameter '" + name + "' uses array encoding version " + version
            + "; the registry reads version 3, which DJL 0.32 writes");
      }
      int named = cursor.int8();
      if (named == 1) {
        cursor.utf(); // the array's name
      } else if (named != 0) {
        throw new IllegalArgumentException("parameter '" + name + "' has an invalid array-name flag " + named);
      }
      cursor.utf(); // sparse format
      String dataType = cursor.utf();
      Integer width = WIDTHS.get(dataType);
      if (width == null) {
        throw new IllegalArgumentException("parameter '" + name + "' has unknown data type '" + dataType + "'");
      }
      int rank = cursor.int32();
      if (rank < 0 || rank > MAX_RANK) {
        throw new IllegalArgumentException("parameter '" + name + "' claims rank " + rank + "; at most " + MAX_RANK);
      }
      long[] shape = new long[rank];
      for (int i = 0; i < rank; i++) {
        shape[i] = cursor.int64();
        if (shape[i] < 0) {
          throw new IllegalArgumentException("parameter '" + name + "' has a negative dimension " + shape[i]);
        }
      }
      int layout = cursor.int32();
      if (layout < 0 || layout > MAX_RANK) {
        throw new IllegalArgumentException("parameter '" + name + "' claims a layout of " + layout + " axes");
      }
      cursor.skip(2L * layout);
      int order = cursor.int8();
      if (order != '>' && order != '<') {
        throw new IllegalArgumentException("parameter '" + name + "' has an invalid byte order mark " + order);
      }
      int length = cursor.int32();
      StoredParameter parameter = new StoredParameter(name, dataType, shape);
      long expected;
      try {
        expected = Math.multiplyExact(parameter.elements(), width);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("parameter '" + name + "' claims more elements than a file can hold");
      }
      if (length != expected) {
        throw new IllegalArgumentException("parameter '" + name + "' of shape " + java.util.Arrays.toString(shape)
            + " and type " + dataType + " needs " + expected + " bytes but claims " + length);
      }
      cursor.skip(length);
      parameters.add(parameter);
      position = cursor.position;
    }
    if (parameters.isEmpty()) {
      throw new IllegalArgumentException("the artifact holds no DJL parameters (" + in.limit()
          + " bytes); expected the bytes of ModelFormat.saveParameters");
    }
    return parameters;
  }

  /** The parameters stored in the file at {@code path} (mapped, not copied onto the heap). */
  static List<StoredParameter> read(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("the artifact is " + size + " bytes; a parameter file is read up to 2 GiB");
      }
      return read(channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
    }
  }

  /** The offset of the next {@code 'P', 1, name, "NDAR"} sequence at or after {@code from}, or -1. */
  private static int nextParameterHeader(ByteBuffer in, int from) {
    int limit = in.limit();
    for (int i = from; i + 5 <= limit; i++) {
      if (in.get(i) != 0 || in.get(i + 1) != 'P' || in.get(i + 2) != 1) {
        continue;
      }
      int nameLength = Short.toUnsignedInt(in.getShort(i + 3));
      int magic = i + 5 + nameLength;
      if (magic + ARRAY_MAGIC.length <= limit && matches(in, magic)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean matches(ByteBuffer in, int at) {
    for (int k = 0; k < ARRAY_MAGIC.length; k++) {
      if (in.get(at + k) != ARRAY_MAGIC[k]) {
        return false;
      }
    }
    return true;
  }

  /** Bounds-checked big-endian reads, as {@link java.io.DataInputStream} writes them. */
  private static final class Cursor {
    private final ByteBuffer in;
    private int position;

    Cursor(ByteBuffer in, int position) {
      this.in = in;
      this.position = position;
    }

    void need(long n) {
      if (n < 0 || position + n > in.limit()) {
        throw new IllegalArgumentException("the artifact is cut short: a parameter needs " + n
            + " more bytes at offset " + position + " of " + in.limit());
      }
    }

    void skip(long n) {
      need(n);
      position += (int) n;
    }

    int int8() {
      need(1);
      return in.get(position++);
    }

    int int32() {
      need(4);
      int v = in.getInt(position);
      position += 4;
      return v;
    }

    long int64() {
      need(8);
      long v = in.getLong(position);
      position += 8;
      return v;
    }

    String utf() {
      need(2);
      int length = Short.toUnsignedInt(in.getShort(position));
      position += 2;
      need(length);
      byte[] text = new byte[length]; // at most 65535 bytes, and present
      in.get(position, text);
      position += length;
      return new String(text, StandardCharsets.UTF_8);
    }

    void expect(byte[] expected, String otherwise) {
      need(expected.length);
      if (!matches(in, position)) {
        throw new IllegalArgumentException(otherwise);
      }
      position += expected.length;
    }
  }
}
