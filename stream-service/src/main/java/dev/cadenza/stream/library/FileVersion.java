package dev.cadenza.stream.library;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;

/**
 * A file's identity at one moment: its size and modification time (nanoseconds). Any write to a
 * file moves its modification time, so the strong ETag derived from them changes whenever the
 * content does, without reading the content. The inode is left out on purpose: pods mounting the
 * same volume see different device numbers, and they must agree on ETags.
 */
public record FileVersion(long size, Instant lastModified) {

  public static FileVersion of(Path file) throws IOException {
    return of(Files.readAttributes(file, BasicFileAttributes.class));
  }

  public static FileVersion of(BasicFileAttributes attributes) {
    return new FileVersion(attributes.size(), attributes.lastModifiedTime().toInstant());
  }

  /** Strong entity tag, quoted: modification time in nanoseconds and size, both in hex. */
  public String etag() {
    long nanos = lastModified.getEpochSecond() * 1_000_000_000L + lastModified.getNano();
    return '"' + Long.toHexString(nanos) + '-' + Long.toHexString(size) + '"';
  }
}
