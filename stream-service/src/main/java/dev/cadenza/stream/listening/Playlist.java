package dev.cadenza.stream.listening;

import java.util.List;

/**
 * A playlist with its entries: track ids in order, duplicates allowed. An entry whose track has
 * left the library stays where it is (so indices keep meaning the same entries); views mark it.
 */
public record Playlist(PlaylistSummary summary, List<String> trackIds) {

  public Playlist {
    trackIds = List.copyOf(trackIds);
  }

  public String id() {
    return summary.id();
  }

  public long version() {
    return summary.version();
  }
}
