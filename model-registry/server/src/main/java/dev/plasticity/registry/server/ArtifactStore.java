package dev.plasticity.registry.server;

import dev.plasticity.registry.client.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Artifact bytes on the local filesystem, content-addressed: {@code <dir>/sha256/ab/abcdef…}.
 * Each upload is written to a temporary file under {@code <dir>/incoming}, hashed as it is written,
 * forced to disk, and moved into place atomically (the directory is forced too), so a reader never
 * sees a partial artifact and a stored artifact survives a crash. Identical bytes are stored once.
 * Thread-safe.
 */
final class ArtifactStore {
  private final Path root;
  private final Path incoming;

  ArtifactStore(Path dir) {
    this.root = dir.toAbsolutePath().resolve("sha256");
    this.incoming = dir.toAbsolutePath().resolve("incoming");
    try {
      Files.createDirectories(root);
      Files.createDirectories(incoming);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the artifact directory " + dir, e);
    }
  }

  /** A stored artifact: where its bytes are and their checksum. */
  record StoredArtifact(Path path, String sha256, long size) {}

  /** Bytes received into a temporary file, hashed, not yet stored. */
  record Upload(Path temp, String sha256, long size) {}

  /**
   * Deletes what uploads left in {@code incoming} when the process stopped mid-upload; call before
   * the server accepts uploads. Returns how many files were deleted.
   */
  int removeStaleUploads() {
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(incoming)) {
      for (Path file : files) {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(file)) {
          removed++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean the upload directory " + incoming, e);
    }
    return removed;
  }

  /**
   * Writes the bytes of {@code in} (not closed) to a temporary file, hashes them and forces them to
   * disk.
   *
   * @throws ArtifactTooLargeException after {@code maxBytes} bytes, with the temporary file deleted
   */
  Upload receive(InputStream in, long maxBytes) {
    Path temp = null;
    try {
      temp = Files.createTempFile(incoming, "upload-", ".tmp");
      MessageDigest digest = Sha256.digest();
      long size = 0;
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
          OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), digest)) {
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
          size += n;
          if (size > maxBytes) {
            throw new ArtifactTooLargeException("the artifact exceeds the limit of " + maxBytes + " bytes");
          }
          out.write(buffer, 0, n);
        }
        out.flush();
        channel.force(true);
      }
      return new Upload(temp, HexFormat.of().formatHex(digest.digest()), size);
    } catch (ArtifactTooLargeException e) {
      deleteQuietly(temp);
      throw e;
    } catch (IOException e) {
      deleteQuietly(temp);
      throw new UncheckedIOException("cannot receive an artifact into " + incoming + ": " + e.getMessage(), e);
    }
  }

  /** Moves a received upload into place (atomically); identical bytes already stored are kept. */
  StoredArtifact store(Upload upload) {
    Path target = pathOf(upload.sha256());
    try {
      Files.createDirectories(target.getParent());
      if (Files.isRegularFile(target) && Files.size(target) == upload.size()) {
        discard(upload);
      } else {
        Files.move(upload.temp(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(target.getParent());
      }
      return new StoredArtifact(target, upload.sha256(), upload.size());
    } catch (IOException e) {
      discard(upload);
      throw new UncheckedIOException("cannot store artifact " + upload.sha256() + " under " + root + ": " + e.getMessage(), e);
    }
  }

  /** Deletes stored bytes no version refers to (the caller checked that under the artifact's lock). */
  void delete(String sha256) {
    if (sha256.matches("[0-9a-f]{64}")) {
      deleteQuietly(pathOf(sha256));
    }
  }

  /** Deletes a received upload that will not be stored. */
  void discard(Upload upload) {
    deleteQuietly(upload.temp());
  }

  /** The stored bytes with this checksum, if any. */
  Optional<StoredArtifact> find(String sha256) {
    if (!sha256.matches("[0-9a-f]{64}")) {
      return Optional.empty();
    }
    Path path = pathOf(sha256);
    try {
      return Files.isRegularFile(path) ? Optional.of(new StoredArtifact(path, sha256, Files.size(path))) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read artifact " + path, e);
    }
  }

  /** Makes a rename in {@code dir} durable (Linux and macOS; elsewhere directories cannot be opened). */
  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // a filesystem that cannot open directories orders renames itself (e.g. Windows)
    }
  }

  private Path pathOf(String sha256) {
    return root.resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  private static void deleteQuietly(Path path) {
    if (path != null) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // best effort
      }
    }
  }
}
