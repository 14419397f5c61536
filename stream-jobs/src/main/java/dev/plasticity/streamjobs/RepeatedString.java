package dev.plasticity.streamjobs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A string read as UTF-8 bytes that mostly repeats (a model name, event after event): the same
 * instance comes back while the bytes stay the same, so no string is made and its hash is computed
 * once. Not thread-safe; one per reader.
 */
final class RepeatedString {
  private byte[] lastBytes = new byte[0];
  private String last = "";

  /** The string of the first {@code length} bytes of {@code bytes}. */
  String of(byte[] bytes, int length) {
    if (!Arrays.equals(bytes, 0, length, lastBytes, 0, lastBytes.length)) {
      lastBytes = Arrays.copyOf(bytes, length);
      last = new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
    return last;
  }
}
