package dev.cadenza.stream.library;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/**
 * A file's identity at one moment, read without reading its content: size, modification time, inode
 * change time and inode number. The strong ETag and the chunk cache's keys derive from it, so it
 * must change whenever the content may have.
 *
 * <p>Size and modification time alone are not enough: a tag editor that keeps the timestamp
 * rewrites a file in place with the same size and then sets its modification time back. The change
 * time ({@code ctime}) is what such a rewrite cannot restore: the kernel sets it on every write and
 * on every change of the modification time itself. The inode number tells a file replaced by
 * another (a rename over it) from one rewritten in place. Both are what the file system stores, so
 * every pod mounting the same volume reads the same values and computes the same ETag; the device
 * number is left out because it differs between pods. A library copied to another volume gets new
 * inodes and change times, and with them new ETags.
 *
 * <p>Where the file system has no {@code unix} attribute view, the creation time stands in for the
 * change time and the inode is 0: a same-size rewrite that restores the modification time cannot be
 * told apart there.
 *
 * @param size bytes
 * @param lastModified modification time
 * @param changed inode change time ({@code ctime}), or the creation time without a unix view
 * @param inode inode number, or 0 without a unix view
 */
public record FileVersion(long size, Instant lastModified, Instant changed, long inode) {

  private static final String UNIX_ATTRIBUTES = "unix:size,lastModifiedTime,ctime,ino";

  /** The version of {@code file} now, following links; one {@code stat} of the file. */
  public static FileVersion of(Path file) throws IOException {
    if (file.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      Map<String, Object> unix = Files.readAttributes(file, UNIX_ATTRIBUTES);
      return new FileVersion(
          (Long) unix.get("size"),
          ((FileTime) unix.get("lastModifiedTime")).toInstant(),
          ((FileTime) unix.get("ctime")).toInstant(),
          (Long) unix.get("ino"));
    }
    BasicFileAttributes basic = Files.readAttributes(file, BasicFileAttributes.class);
    return new FileVersion(
        basic.size(), basic.lastModifiedTime().toInstant(), basic.creationTime().toInstant(), 0);
  }

  /**
   * Strong entity tag, quoted: {@code "<mtime ns>-<size>-<ctime ns>-<inode>"}, each in hex. The
   * chunk cache keys chunks by it (without the quotes).
   */
  public String etag() {
    return '"'
        + Long.toHexString(nanos(lastModified))
        + '-'
        + Long.toHexString(size)
        + '-'
        + Long.toHexString(nanos(changed))
        + '-'
        + Long.toHexString(inode)
        + '"';
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
