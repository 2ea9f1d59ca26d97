package dev.cadenza.stream.library;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The kind of file system a library lives on, as watching and serving it care: a network or FUSE
 * file system neither notifies changes made through other machines (or its daemon), nor keeps its
 * files in this machine's page cache the way a local one does.
 *
 * @param type the file system's type as the kernel names it ({@code ext4}, {@code nfs4}, {@code
 *     fuse.sshfs}), lower case
 */
public record LibraryFileSystem(String type) {

  /** Network and cluster file systems; FUSE ones are told by their {@code fuse} prefix. */
  private static final Set<String> REMOTE =
      Set.of("nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "ceph", "glusterfs", "lustre", "gpfs");

  /** The file system {@code path} is on. */
  public static LibraryFileSystem of(Path path) throws IOException {
    return new LibraryFileSystem(Files.getFileStore(path).type().toLowerCase(Locale.ROOT));
  }

  /** Whether it is a network or FUSE file system rather than a local one. */
  public boolean remote() {
    return REMOTE.contains(type) || type.startsWith("fuse");
  }
}
