package dev.cadenza.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of a program to its end (kubectl, helm, the hack scripts), bounded in time, with what it
 * printed. Output goes through files, so a chatty program never blocks on a full pipe.
 */
record Command(List<String> args, int exit, String out, String err) {

  /** Runs {@code args}; a run that outlives {@code timeout} is killed and reported as exit -1. */
  static Command run(Duration timeout, String stdin, List<String> args) {
    try {
      Path out = Files.createTempFile("e2e-out-", ".txt");
      Path err = Files.createTempFile("e2e-err-", ".txt");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(args).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdin == null) {
          pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        Process p = pb.start();
        if (stdin != null) {
          try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
          }
        }
        int exit;
        if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          exit = p.exitValue();
        } else {
          p.destroyForcibly().waitFor();
          exit = -1;
        }
        return new Command(args, exit, Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + args, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + args, e);
    }
  }

  /** This run, which must have exited 0; otherwise an error with the command and its output. */
  Command ok() {
    if (exit != 0) {
      throw new AssertionError(
          String.join(" ", args)
              + (exit < 0 ? " timed out" : " exited " + exit)
              + "\n--- stdout\n"
              + tail(out)
              + "--- stderr\n"
              + tail(err));
    }
    return this;
  }

  /** The last line printed (the hack scripts print their result there). */
  String lastLine() {
    List<String> lines = out.strip().lines().toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  private static String tail(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())) + "\n";
  }
}
