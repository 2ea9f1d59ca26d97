package dev.cadenza.stream.listening;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * A change to a playlist, as a function of its current state: under contention it is applied again
 * to whatever another pod wrote meanwhile, so it says what to do ("move entry 3 to 0"), not what
 * the result is. Compose several with {@link #then}, e.g. OpenSubsonic's {@code updatePlaylist}:
 * {@code details(name, null, null).then(removeAll(indices)).then(append(ids))}.
 */
@FunctionalInterface
public interface PlaylistEdit {

  /** What an edit changes: the playlist's details and entries. */
  record Draft(String name, String comment, boolean isPublic, List<String> trackIds) {
    public Draft {
      trackIds = List.copyOf(trackIds);
    }
  }

  Draft apply(Draft current);

  default PlaylistEdit then(PlaylistEdit next) {
    return current -> next.apply(apply(current));
  }

  /** Sets the details that are not null; an empty comment removes it. */
  static PlaylistEdit details(String name, String comment, Boolean isPublic) {
    return d ->
        new Draft(
            name != null ? name.strip() : d.name(),
            comment == null ? d.comment() : comment.isEmpty() ? null : comment,
            isPublic != null ? isPublic : d.isPublic(),
            d.trackIds());
  }

  static PlaylistEdit append(List<String> trackIds) {
    return d -> insert(d.trackIds().size(), trackIds).apply(d);
  }

  /** Inserts {@code trackIds} before entry {@code index} (0 to the entry count). */
  static PlaylistEdit insert(int index, List<String> trackIds) {
    List<String> added = List.copyOf(trackIds);
    return d -> {
      checkIndex("index", index, d.trackIds().size() + 1);
      List<String> entries = new ArrayList<>(d.trackIds());
      entries.addAll(index, added);
      return with(d, entries);
    };
  }

  static PlaylistEdit remove(int index) {
    return removeAll(List.of(index));
  }

  /** Removes the entries at {@code indices}, all counted in the playlist before the edit. */
  static PlaylistEdit removeAll(Collection<Integer> indices) {
    TreeSet<Integer> descending = new TreeSet<>(indices);
    return d -> {
      List<String> entries = new ArrayList<>(d.trackIds());
      for (int index : descending.descendingSet()) {
        checkIndex("index", index, entries.size());
        entries.remove(index);
      }
      return with(d, entries);
    };
  }

  /** Moves entry {@code from} so that it ends up at index {@code to}. */
  static PlaylistEdit move(int from, int to) {
    return d -> {
      int size = d.trackIds().size();
      checkIndex("from", from, size);
      checkIndex("to", to, size);
      List<String> entries = new ArrayList<>(d.trackIds());
      entries.add(to, entries.remove(from));
      return with(d, entries);
    };
  }

  static PlaylistEdit replace(List<String> trackIds) {
    List<String> entries = List.copyOf(trackIds);
    return d -> with(d, entries);
  }

  private static Draft with(Draft d, List<String> entries) {
    return new Draft(d.name(), d.comment(), d.isPublic(), entries);
  }

  private static void checkIndex(String field, int index, int bound) {
    if (index < 0 || index >= bound) {
      throw ListeningProblems.invalid(
          field,
          bound == 0
              ? "Index " + index + " is out of range: the playlist has no entries."
              : "Index " + index + " is out of range: it must be from 0 to " + (bound - 1) + ".");
    }
  }
}
