package dev.cadenza.stream.library;

import java.util.List;

/** An album artist with their albums, and the number of tracks credited to them. */
public record Artist(String id, String name, List<Album> albums, int trackCount) {}
