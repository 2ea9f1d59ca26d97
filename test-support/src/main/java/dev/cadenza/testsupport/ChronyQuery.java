package dev.cadenza.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real standard NTP client's view of a server: {@code chronyd -Q} measures the offset of the
 * system clock against the server (a few iburst exchanges) and prints it without setting the clock.
 */
public final class ChronyQuery {

  private static final Pattern WRONG_BY =
      Pattern.compile("System clock wrong by (-?[0-9.]+) seconds");

  private ChronyQuery() {}

  /**
   * How far the server at {@code 127.0.0.1:port} is ahead of the system clock, in seconds, as
   * chronyd measures it: it prints "System clock wrong by X seconds" with X positive when the
   * server is ahead.
   *
   * @throws IllegalStateException when chronyd gets no usable answer within 10 s
   */
  public static double serverAheadSeconds(int port) {
    Path dir = Chrony.tempDir();
    try {
      Path config = dir.resolve("chrony.conf");
      Files.writeString(
          config,
          String.join(
              "\n",
              "server 127.0.0.1 port " + port + " iburst",
              "cmdport 0",
              "bindcmdaddress /",
              "pidfile " + dir.resolve("chronyd.pid"),
              ""));
      Process p =
          new ProcessBuilder(Chrony.command(config, "-Q", "-t", "10"))
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      Matcher m = WRONG_BY.matcher(out);
      if (!m.find()) {
        throw new IllegalStateException("chronyd -Q measured no offset:\n" + out);
      }
      return Double.parseDouble(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      Chrony.delete(dir);
    }
  }
}
