package dev.plasticity.schemas;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary encoding read from one byte array, where every length a record claims (a string's
 * or bytes' length, the item count of an array or map block, the byte size of a skipped block) is
 * checked against the bytes that remain <em>before</em> anything is allocated for it. Avro's own
 * {@code BinaryDecoder} reserves a claimed length first ({@code new byte[length]}, {@code new
 * ArrayList(count)}) and checks only against {@code org.apache.avro.SystemLimitException}'s limits,
 * which default to about 2 GiB: a 100-byte record claiming a 2 GB string cost 2 GB of heap.
 *
 * <p>An array or map item takes at least one byte in every Plasticity schema (none has an array of
 * nulls or of empty records), so a block may claim at most as many items as bytes remain.
 *
 * <p>Not thread-safe: one per thread, or one per decode ({@link #reset} lets a hot path reuse one).
 */
public final class BoundedBinaryDecoder extends Decoder {
  private byte[] buf;
  private int pos;
  private int limit;
  private int start;

  /** A decoder over {@code length} bytes of {@code bytes} from {@code offset}. */
  public BoundedBinaryDecoder(byte[] bytes, int offset, int length) {
    reset(bytes, offset, length);
  }

  /** Reads {@code length} bytes of {@code bytes} from {@code offset} next; returns this decoder. */
  public BoundedBinaryDecoder reset(byte[] bytes, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw new IllegalArgumentException("range [" + offset + ", " + offset + "+" + length + ") is outside "
          + bytes.length + " bytes");
    }
    this.buf = bytes;
    this.pos = offset;
    this.start = offset;
    this.limit = offset + length;
    return this;
  }

  /** Bytes not read yet. */
  @Override
  public int remainingBytes() {
    return limit - pos;
  }

  private byte next() throws EOFException {
    if (pos >= limit) {
      throw new EOFException("the record ends after " + (limit - start) + " bytes, in the middle of a value");
    }
    return buf[pos++];
  }

  private void need(int n) throws EOFException {
    if (n > limit - pos) {
      throw new EOFException("the record ends after " + (limit - start) + " bytes, " + (n - (limit - pos))
          + " bytes short of a value");
    }
  }

  /**
   * A claimed length or count, refused unless it is at least 0 and at most the bytes that remain.
   */
  private int claim(long claimed, String what, int at) {
    if (claimed < 0 || claimed > limit - pos) {
      throw new AvroCodec.InvalidPayloadException(what + " of " + claimed + " claimed at byte " + (at - start)
          + ", but only " + (limit - pos) + " bytes of the record remain");
    }
    return (int) claimed;
  }

  /** Reads a length or count and {@link #claim}s it. */
  private int claimed(String what) throws IOException {
    int at = pos;
    return claim(readLong(), what, at);
  }

  @Override
  public void readNull() {}

  @Override
  public boolean readBoolean() throws IOException {
    int b = next() & 0xFF;
    if (b > 1) {
      throw new IOException("invalid boolean byte " + b);
    }
    return b == 1;
  }

  @Override
  public int readInt() throws IOException {
    int n = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      int b = next() & 0xFF;
      n |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (n >>> 1) ^ -(n & 1);
      }
    }
    throw new IOException("invalid int encoding: more than 5 bytes");
  }

  @Override
  public long readLong() throws IOException {
    long n = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      long b = next() & 0xFF;
      n |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (n >>> 1) ^ -(n & 1);
      }
    }
    throw new IOException("invalid long encoding: more than 10 bytes");
  }

  @Override
  public float readFloat() throws IOException {
    need(4);
    int bits = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
    pos += 4;
    return Float.intBitsToFloat(bits);
  }

  @Override
  public double readDouble() throws IOException {
    need(8);
    long bits = (buf[pos] & 0xFFL) | (buf[pos + 1] & 0xFFL) << 8 | (buf[pos + 2] & 0xFFL) << 16
        | (buf[pos + 3] & 0xFFL) << 24 | (buf[pos + 4] & 0xFFL) << 32 | (buf[pos + 5] & 0xFFL) << 40
        | (buf[pos + 6] & 0xFFL) << 48 | (buf[pos + 7] & 0xFFL) << 56;
    pos += 8;
    return Double.longBitsToDouble(bits);
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int length = claimed("a string length");
    Utf8 result = old != null ? old : new Utf8();
    result.setByteLength(length);
    System.arraycopy(buf, pos, result.getBytes(), 0, length);
    pos += length;
    return result;
  }

  @Override
  public String readString() throws IOException {
    int length = claimed("a string length");
    String s = new String(buf, pos, length, StandardCharsets.UTF_8);
    pos += length;
    return s;
  }

  @Override
  public void skipString() throws IOException {
    int length = claimed("a string length"); // not pos += claimed(..): that adds to pos as it was before the read
    pos += length;
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int length = claimed("a bytes length");
    ByteBuffer result;
    if (old != null && old.capacity() >= length) {
      result = old;
      result.clear();
    } else {
      result = ByteBuffer.allocate(length);
    }
    result.put(buf, pos, length);
    result.flip();
    pos += length;
    return result;
  }

  @Override
  public void skipBytes() throws IOException {
    int length = claimed("a bytes length");
    pos += length;
  }

  @Override
  public void readFixed(byte[] bytes, int offset, int length) throws IOException {
    need(length);
    System.arraycopy(buf, pos, bytes, offset, length);
    pos += length;
  }

  @Override
  public void skipFixed(int length) throws IOException {
    need(length);
    pos += length;
  }

  @Override
  public int readEnum() throws IOException {
    return readInt();
  }

  /** The item count of the next block; a negative count is followed by the block's byte size. */
  private long blockCount(String what) throws IOException {
    int at = pos;
    long count = readLong();
    if (count < 0) {
      if (count == Long.MIN_VALUE) {
        throw new IOException("invalid " + what + " block count " + count);
      }
      count = -count;
      claimed((what.equals("array") ? "an " : "a ") + what + " block size");
    }
    return claim(count, (what.equals("array") ? "an " : "a ") + what + " block count", at);
  }

  /** Skips whole blocks that carry their byte size; returns the item count of the first that does not. */
  private long skipBlocks(String what) throws IOException {
    while (true) {
      int at = pos;
      long count = readLong();
      if (count >= 0) {
        return claim(count, (what.equals("array") ? "an " : "a ") + what + " block count", at);
      }
      if (count == Long.MIN_VALUE) {
        throw new IOException("invalid " + what + " block count " + count);
      }
      int size = claimed((what.equals("array") ? "an " : "a ") + what + " block size");
      pos += size;
    }
  }

  @Override
  public long readArrayStart() throws IOException {
    return blockCount("array");
  }

  @Override
  public long arrayNext() throws IOException {
    return blockCount("array");
  }

  @Override
  public long skipArray() throws IOException {
    return skipBlocks("array");
  }

  @Override
  public long readMapStart() throws IOException {
    return blockCount("map");
  }

  @Override
  public long mapNext() throws IOException {
    return blockCount("map");
  }

  @Override
  public long skipMap() throws IOException {
    return skipBlocks("map");
  }

  @Override
  public int readIndex() throws IOException {
    return readInt();
  }
}
