package dev.cadenza.stream.library;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Touched paths waiting to be applied until they are quiet: a file being copied fires an event per
 * write, and reading its tags half-way would catalogue a truncated file. A path is ready once no
 * event came for it for the quiet period and it looks the same (size, times, inode) as at its last
 * event. A copier that pauses longer than that between two writes has its file read early; its next
 * write fires new events and the file is read again. Not thread-safe: the watch thread alone uses
 * it.
 */
final class QuietPaths {

  private final long quietNanos;
  private final Map<Path, Pending> pending = new HashMap<>();

  /** The time of the last event for a path and what it looked like then. */
  private record Pending(long lastEventNanos, Object look) {}

  QuietPaths(long quietNanos) {
    this.quietNanos = quietNanos;
  }

  /** An event for {@code path} at {@code now}, when it looked like {@code look}. */
  void touched(Path path, long now, Object look) {
    pending.put(path, new Pending(now, look));
  }

  /**
   * The paths quiet at {@code now}, removed from those waiting; {@code look} tells what a path
   * looks like now. A path that looks different from its last event waits one more period, and so
   * does a directory with a path under it still waiting: applying the directory walks it, and would
   * read a file still being copied into it.
   */
  Set<Path> ready(long now, Function<Path, Object> look) {
    Set<Path> ready = new HashSet<>();
    for (Iterator<Map.Entry<Path, Pending>> i = pending.entrySet().iterator(); i.hasNext(); ) {
      Map.Entry<Path, Pending> e = i.next();
      if (now - e.getValue().lastEventNanos() < quietNanos) {
        continue;
      }
      Object current = look.apply(e.getKey());
      if (Objects.equals(current, e.getValue().look())) {
        ready.add(e.getKey());
        i.remove();
      } else {
        e.setValue(new Pending(now, current));
      }
    }
    Set<Path> waitingUnder = new HashSet<>(); // the directories above a path still waiting
    for (Path p : pending.keySet()) {
      Path parent = p.getParent();
      while (parent != null && waitingUnder.add(parent)) {
        parent = parent.getParent();
      }
    }
    for (Iterator<Path> i = ready.iterator(); i.hasNext(); ) {
      Path path = i.next();
      if (waitingUnder.contains(path)) {
        pending.put(path, new Pending(now, look.apply(path)));
        i.remove();
      }
    }
    return ready;
  }

  /** Nanoseconds from {@code now} until a waiting path may be ready; -1 when none waits. */
  long untilNext(long now) {
    long next = -1;
    for (Pending p : pending.values()) {
      long until = Math.max(0, p.lastEventNanos() + quietNanos - now);
      next = next < 0 ? until : Math.min(next, until);
    }
    return next;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }
}
