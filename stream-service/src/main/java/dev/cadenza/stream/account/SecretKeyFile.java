package dev.cadenza.stream.account;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generated secret key of the single-process default: {@code secret.key} in the data directory,
 * base64 of 32 random bytes, readable by its owner only; made on first use and read at every later
 * start, so Subsonic secrets stay readable across restarts.
 */
final class SecretKeyFile {

  private static final Logger log = LoggerFactory.getLogger(SecretKeyFile.class);

  static final String NAME = "secret.key";

  private SecretKeyFile() {}

  /** The key in {@code directory}, generated there first if there is none. */
  static byte[] loadOrCreate(Path directory) {
    Path file = directory.resolve(NAME);
    try {
      if (!Files.exists(file)) {
        create(directory, file);
      }
      return AuthProperties.decodeSecretKey(
          file.toString(), Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read or create the secret key "
              + file
              + " (set cadenza.data.dir to a writable directory, or cadenza.auth.secret-key)",
          e);
    }
  }

  private static void create(Path directory, Path file) throws IOException {
    Files.createDirectories(directory);
    byte[] key = new byte[AuthProperties.MIN_SECRET_KEY_BYTES];
    new SecureRandom().nextBytes(key);
    Path temp = directory.resolve(NAME + ".tmp-" + ProcessHandle.current().pid());
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.deleteIfExists(temp);
      Files.createFile(
          temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(
        temp, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
    try {
      // no REPLACE_EXISTING: a process that got there first keeps its key, and this one reads it
      Files.move(temp, file);
      log.info(
          "Generated the secret key {} (keep it with the data: it encrypts Subsonic secrets)",
          file);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(temp);
    }
  }
}
