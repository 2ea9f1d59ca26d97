package dev.cadenza.stream.subsonic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Pages and samples of lists, for any offset and count a client sends. */
final class Pages {

  private Pages() {}

  /** Items {@code offset} to {@code offset + count}; negative values count as 0. */
  static <T> List<T> page(List<T> items, int offset, int count) {
    int from = Math.min(Math.max(0, offset), items.size());
    int to = from + Math.min(Math.max(0, count), items.size() - from);
    return items.subList(from, to);
  }

  /** Up to {@code count} distinct items in random order. */
  static <T> List<T> sample(List<T> items, int count) {
    int n = Math.min(Math.max(0, count), items.size());
    if (n * 4 < items.size()) {
      // few from many: pick distinct positions instead of shuffling a copy of everything
      ThreadLocalRandom random = ThreadLocalRandom.current();
      List<Integer> picked = new ArrayList<>(n);
      Set<Integer> seen = new HashSet<>();
      while (picked.size() < n) {
        int i = random.nextInt(items.size());
        if (seen.add(i)) {
          picked.add(i);
        }
      }
      return picked.stream().map(items::get).toList();
    }
    List<T> copy = new ArrayList<>(items);
    Collections.shuffle(copy, ThreadLocalRandom.current());
    return copy.subList(0, n);
  }
}
