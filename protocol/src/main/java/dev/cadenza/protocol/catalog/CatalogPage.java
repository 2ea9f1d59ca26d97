package dev.cadenza.protocol.catalog;

import java.util.List;

/**
 * One page of a track listing, as {@code GET /api/v1/tracks} answers it.
 *
 * @param tracks the tracks in listing order
 * @param next the cursor of the following page, or null on the last page
 */
public record CatalogPage(List<TrackEntry> tracks, String next) {

  public CatalogPage {
    tracks = List.copyOf(tracks);
  }
}
