package dev.plasticity.registry.client;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Lower-case hex SHA-256, the checksum every artifact is announced with. */
public final class Sha256 {
  private Sha256() {}

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  /** A fresh digest, for hashing a stream as it is written. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /**
   * Throws {@link ArtifactIntegrityException} unless {@code bytes} hash to {@code expectedHex}.
   */
  public static void verify(byte[] bytes, String expectedHex, String what) {
    String actual = hex(bytes);
    if (!actual.equalsIgnoreCase(expectedHex)) {
      throw new ArtifactIntegrityException(
          what + " failed its checksum: expected SHA-256 " + expectedHex + " but the "
              + bytes.length + " bytes received hash to " + actual);
    }
  }
}
