package dev.cadenza.stream.library;

import java.util.List;

/** Tracks grouped by album artist and album title, in disc and track order. */
public record Album(
    String id,
    String title,
    String artist,
    String artistId,
    Integer year,
    String genre,
    long durationMs,
    String coverTrackId,
    List<Track> tracks) {}
