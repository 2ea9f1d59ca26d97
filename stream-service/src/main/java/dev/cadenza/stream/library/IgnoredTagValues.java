package dev.cadenza.stream.library;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/**
 * Tag values too malformed to use (a ReplayGain of {@code "loud"}), which {@link TagReader} leaves
 * out: counted while files are read and then logged in one line, so that a library full of them
 * logs once per scan rather than once per file. A scan's reader threads share one.
 */
final class IgnoredTagValues {

  private static final int MAX_VALUE_CHARS = 40;

  private final AtomicInteger count = new AtomicInteger();
  private final AtomicReference<String> first = new AtomicReference<>();

  void add(Path file, String name, String value) {
    count.incrementAndGet();
    if (first.get() == null) {
      String shown =
          value.length() > MAX_VALUE_CHARS ? value.substring(0, MAX_VALUE_CHARS) + "…" : value;
      first.compareAndSet(null, name + "=\"" + shown + "\" in '" + file + "'");
    }
  }

  int count() {
    return count.get();
  }

  /** Logs what was ignored while doing {@code what} ("in this scan"), if anything. */
  void log(Logger log, String what) {
    int n = count.get();
    if (n > 0) {
      log.warn(
          "Ignored {} malformed tag value{} {}, such as {}",
          n,
          n == 1 ? "" : "s",
          what,
          first.get());
    }
  }
}
