package dev.cadenza.protocol.catalog;

import java.util.Arrays;
import java.util.Objects;

/**
 * A track as a catalogue listing carries it: the fields of the API's Track (docs/api.md) without
 * the URLs derived from the id ({@code streamUrl}; {@code coverUrl} when {@code hasCover}), plus
 * the track's compact embedding code.
 *
 * <p>Tags a file does not carry are null. {@code embeddingCode} is opaque to the format (for
 * example the 48-byte binary code of a 384-dimensional embedding); null when there is none.
 *
 * @param durationMs in milliseconds
 * @param bitrate in kbit/s
 * @param sampleRate in Hz
 * @param size in bytes
 * @param path relative to the library root, with {@code /} separators
 */
public record TrackEntry(
    String id,
    String title,
    String artist,
    String album,
    String albumArtist,
    Integer trackNumber,
    Integer discNumber,
    Integer year,
    String genre,
    Long durationMs,
    String format,
    String contentType,
    long size,
    Integer bitrate,
    Integer sampleRate,
    Integer channels,
    String codec,
    String path,
    String albumId,
    String artistId,
    boolean hasCover,
    byte[] embeddingCode) {

  public TrackEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(albumId, "albumId");
    Objects.requireNonNull(artistId, "artistId");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    embeddingCode = embeddingCode == null ? null : embeddingCode.clone();
  }

  @Override
  public byte[] embeddingCode() {
    return embeddingCode == null ? null : embeddingCode.clone();
  }

  // A record compares arrays by identity; two tracks with equal codes are equal.
  @Override
  public boolean equals(Object other) {
    return other instanceof TrackEntry t
        && size == t.size
        && hasCover == t.hasCover
        && id.equals(t.id)
        && title.equals(t.title)
        && Objects.equals(artist, t.artist)
        && Objects.equals(album, t.album)
        && Objects.equals(albumArtist, t.albumArtist)
        && Objects.equals(trackNumber, t.trackNumber)
        && Objects.equals(discNumber, t.discNumber)
        && Objects.equals(year, t.year)
        && Objects.equals(genre, t.genre)
        && Objects.equals(durationMs, t.durationMs)
        && format.equals(t.format)
        && contentType.equals(t.contentType)
        && Objects.equals(bitrate, t.bitrate)
        && Objects.equals(sampleRate, t.sampleRate)
        && Objects.equals(channels, t.channels)
        && Objects.equals(codec, t.codec)
        && path.equals(t.path)
        && albumId.equals(t.albumId)
        && artistId.equals(t.artistId)
        && Arrays.equals(embeddingCode, t.embeddingCode);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, title, path, size) * 31 + Arrays.hashCode(embeddingCode);
  }

  @Override
  public String toString() {
    return "TrackEntry[id=" + id + ", title=" + title + ", path=" + path + "]";
  }

  /** This track with another embedding code (null: none), e.g. to attach codes when serving. */
  public TrackEntry withEmbeddingCode(byte[] code) {
    return withIdPathCode(id, path, code);
  }

  /** This track with another id, path and embedding code; every other field the same. */
  TrackEntry withIdPathCode(String newId, String newPath, byte[] code) {
    return new TrackEntry(
        newId,
        title,
        artist,
        album,
        albumArtist,
        trackNumber,
        discNumber,
        year,
        genre,
        durationMs,
        format,
        contentType,
        size,
        bitrate,
        sampleRate,
        channels,
        codec,
        newPath,
        albumId,
        artistId,
        hasCover,
        code);
  }
}
