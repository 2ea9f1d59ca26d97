package dev.cadenza.stream.transcode;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ffmpeg binary: whether it is there and which version, the command line of a transcode, and
 * starting it.
 *
 * <p>A run must never outlive the service. Where util-linux's {@code setpriv} is installed (Debian
 * always has it), ffmpeg is started through {@code setpriv --pdeathsig KILL}: the kernel kills it
 * the moment the service's process dies, however it dies (SIGKILL, OOM). Linux sends that signal
 * when the <em>thread</em> that started the child ends, so every run is started from one thread
 * that lives as long as this object. Without setpriv, ffmpeg still ends at its next write once the
 * service is gone (the pipe it writes to is closed), a few milliseconds later.
 */
final class Ffmpeg implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Ffmpeg.class);

  private final String binary;
  private final String version;
  private final String setpriv;
  private final ExecutorService launcher =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "cadenza-ffmpeg-launcher");
            t.setDaemon(true);
            return t;
          });

  private Ffmpeg(String binary, String version, String setpriv) {
    this.binary = binary;
    this.version = version;
    this.setpriv = setpriv;
  }

  /**
   * Finds ffmpeg ({@code binary}: a path, or a name on the PATH) and asks its version; {@link
   * #available} is false when it cannot be run.
   */
  static Ffmpeg locate(String binary) {
    String path = resolve(binary);
    String version = path == null ? null : versionOf(path);
    String setpriv = resolve("setpriv");
    if (setpriv != null && !supportsPdeathsig(setpriv)) {
      setpriv = null;
    }
    return new Ffmpeg(version == null ? null : path, version, setpriv);
  }

  /** Whether ffmpeg answered its version. */
  boolean available() {
    return binary != null;
  }

  /** The first line of {@code ffmpeg -version}, or null. */
  String version() {
    return version;
  }

  String binary() {
    return binary;
  }

  /** Whether runs die with the service ({@code setpriv --pdeathsig}). */
  boolean diesWithService() {
    return setpriv != null;
  }

  /**
   * The arguments after {@code ffmpeg} that transcode {@code file} to {@code variant} on stdout.
   * Bit-exact output: the same ffmpeg makes the same bytes from the same file, so every pod makes
   * what the cache already holds. Only the first audio stream is kept (no cover, no metadata); more
   * than two channels are mixed down to stereo, as MP3 and most players need.
   *
   * <p>The gapless information that a pipe cannot carry is prepared for (docs/transcoding.md): an
   * M4A keeps room in its {@code moov} ({@link M4aGaplessInfo}); an MP3 given {@code mp3Copy} keeps
   * room in its ID3v2 tag and is also written there, seekable, for its Info frame ({@link
   * Mp3InfoFrame}).
   *
   * @param offsetSeconds where to start in the source, 0 for its beginning
   * @param channels the source's channels, null when unknown
   * @param mp3Copy where an MP3 to be kept writes its seekable copy; empty for a one-off run
   */
  static List<String> arguments(
      Path file, Variant variant, double offsetSeconds, Integer channels, Optional<Path> mp3Copy) {
    List<String> args = new ArrayList<>(List.of("-nostdin", "-hide_banner", "-loglevel", "error"));
    if (offsetSeconds > 0) {
      args.addAll(List.of("-ss", String.format(Locale.ROOT, "%.3f", offsetSeconds)));
    }
    // "file:" so that no file name is ever read as another protocol or an option
    args.addAll(List.of("-i", "file:" + file.toAbsolutePath()));
    args.addAll(List.of("-map", "0:a:0", "-map_metadata", "-1", "-vn", "-sn", "-dn"));
    args.addAll(List.of("-ac", channels != null && channels == 1 ? "1" : "2"));
    if (variant.gain() != 0) {
      args.addAll(List.of("-af", String.format(Locale.ROOT, "volume=%.2fdB", variant.gain())));
    }
    args.addAll(List.of("-b:a", variant.bitRate() + "k"));
    args.addAll(variant.format().ffmpegArgs());
    if (variant.format() == TranscodeFormat.M4A) {
      args.addAll(M4aGaplessInfo.reserveArgs());
    }
    args.addAll(List.of("-fflags", "+bitexact", "-flags:a", "+bitexact"));
    if (variant.format() == TranscodeFormat.MP3 && mp3Copy.isPresent()) {
      args.addAll(Mp3InfoFrame.teeOutput(mp3Copy.get()));
    } else {
      args.addAll(List.of("-f", variant.format().muxer(), "pipe:1"));
    }
    return args;
  }

  /** Starts ffmpeg with {@code arguments}: stdout is the output, stderr its messages. */
  Process start(List<String> arguments) throws IOException {
    List<String> command = new ArrayList<>();
    if (setpriv != null) {
      command.addAll(List.of(setpriv, "--pdeathsig", "KILL", "--"));
    }
    command.add(binary);
    command.addAll(arguments);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    try {
      return launcher.submit(builder::start).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting ffmpeg", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  @Override
  public void close() {
    launcher.shutdownNow();
  }

  private static String resolve(String name) {
    if (name.contains("/")) {
      return Files.isExecutable(Path.of(name)) ? name : null;
    }
    String path = System.getenv("PATH");
    List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(":")));
    dirs.addAll(List.of("/usr/bin", "/usr/local/bin", "/bin"));
    for (String dir : dirs) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name).toString();
      }
    }
    return null;
  }

  private static String versionOf(String path) {
    try {
      Process p =
          new ProcessBuilder(path, "-hide_banner", "-version").redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      if (p.exitValue() != 0) {
        log.warn("{} -version exited with {}: {}", path, p.exitValue(), out.strip());
        return null;
      }
      return out.lines().findFirst().orElse("ffmpeg").strip();
    } catch (IOException e) {
      log.warn("Cannot run {}: {}", path, e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static boolean supportsPdeathsig(String setpriv) {
    try {
      Process p =
          new ProcessBuilder(setpriv, "--pdeathsig", "KILL", "--", "true")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
