package dev.cadenza.stream.transcode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A stand-in for ffmpeg that answers {@code -version}, then for a transcode writes a few bytes and
 * sleeps for five minutes: a run that is always in progress, for the tests of what happens to runs
 * (slots, listeners leaving, the service stopping or being killed). Started as ffmpeg is, through
 * {@code setpriv}; it {@code exec}s sleep, so its pid is the sleeping process.
 */
final class SlowFfmpeg {

  /** What the stand-in writes before it sleeps. */
  static final String FIRST_BYTES = "OggS-slow-ffmpeg";

  private SlowFfmpeg() {}

  static Path write(Path dir) throws IOException {
    Path script = dir.resolve("slow-ffmpeg");
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "for a in \"$@\"; do\n"
            + "  if [ \"$a\" = -version ]; then echo 'ffmpeg version slow-stand-in'; exit 0; fi\n"
            + "done\n"
            + "printf '"
            + FIRST_BYTES
            + "'\n"
            + "exec sleep 300\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }
}
