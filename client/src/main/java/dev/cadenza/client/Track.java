package dev.cadenza.client;

/**
 * A track of the catalogue, as {@code GET /api/v1/tracks} lists it (the fields a player needs;
 * docs/api.md has them all). Tags a file does not carry are null.
 *
 * @param size the file's size in bytes
 * @param streamUrl the path of the track's bytes, {@code /api/v1/tracks/{id}/stream}
 */
public record Track(
    String id,
    String title,
    String artist,
    String album,
    Integer trackNumber,
    Long durationMs,
    String format,
    String contentType,
    long size,
    String path,
    String streamUrl) {}
