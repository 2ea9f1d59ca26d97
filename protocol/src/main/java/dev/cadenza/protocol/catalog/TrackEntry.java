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
    return toBuilder().embeddingCode(code).build();
  }

  /** A builder with no field set: name each field, as a 22-argument constructor call cannot. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this track's fields, to change some of them. */
  public Builder toBuilder() {
    return builder()
        .id(id)
        .title(title)
        .artist(artist)
        .album(album)
        .albumArtist(albumArtist)
        .trackNumber(trackNumber)
        .discNumber(discNumber)
        .year(year)
        .genre(genre)
        .durationMs(durationMs)
        .format(format)
        .contentType(contentType)
        .size(size)
        .bitrate(bitrate)
        .sampleRate(sampleRate)
        .channels(channels)
        .codec(codec)
        .path(path)
        .albumId(albumId)
        .artistId(artistId)
        .hasCover(hasCover)
        .embeddingCode(embeddingCode);
  }

  /**
   * Builds a {@link TrackEntry} by field name. Fields not set are null ({@code size} 0, {@code
   * hasCover} false); {@link #build()} checks them as the constructor does.
   */
  public static final class Builder {

    private String id;
    private String title;
    private String artist;
    private String album;
    private String albumArtist;
    private Integer trackNumber;
    private Integer discNumber;
    private Integer year;
    private String genre;
    private Long durationMs;
    private String format;
    private String contentType;
    private long size;
    private Integer bitrate;
    private Integer sampleRate;
    private Integer channels;
    private String codec;
    private String path;
    private String albumId;
    private String artistId;
    private boolean hasCover;
    private byte[] embeddingCode;

    private Builder() {}

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder title(String title) {
      this.title = title;
      return this;
    }

    public Builder artist(String artist) {
      this.artist = artist;
      return this;
    }

    public Builder album(String album) {
      this.album = album;
      return this;
    }

    public Builder albumArtist(String albumArtist) {
      this.albumArtist = albumArtist;
      return this;
    }

    public Builder trackNumber(Integer trackNumber) {
      this.trackNumber = trackNumber;
      return this;
    }

    public Builder discNumber(Integer discNumber) {
      this.discNumber = discNumber;
      return this;
    }

    public Builder year(Integer year) {
      this.year = year;
      return this;
    }

    public Builder genre(String genre) {
      this.genre = genre;
      return this;
    }

    /** In milliseconds. */
    public Builder durationMs(Long durationMs) {
      this.durationMs = durationMs;
      return this;
    }

    public Builder format(String format) {
      this.format = format;
      return this;
    }

    public Builder contentType(String contentType) {
      this.contentType = contentType;
      return this;
    }

    /** In bytes. */
    public Builder size(long size) {
      this.size = size;
      return this;
    }

    /** In kbit/s. */
    public Builder bitrate(Integer bitrate) {
      this.bitrate = bitrate;
      return this;
    }

    /** In Hz. */
    public Builder sampleRate(Integer sampleRate) {
      this.sampleRate = sampleRate;
      return this;
    }

    public Builder channels(Integer channels) {
      this.channels = channels;
      return this;
    }

    public Builder codec(String codec) {
      this.codec = codec;
      return this;
    }

    /** Relative to the library root, with {@code /} separators. */
    public Builder path(String path) {
      this.path = path;
      return this;
    }

    public Builder albumId(String albumId) {
      this.albumId = albumId;
      return this;
    }

    public Builder artistId(String artistId) {
      this.artistId = artistId;
      return this;
    }

    public Builder hasCover(boolean hasCover) {
      this.hasCover = hasCover;
      return this;
    }

    /** Null for none; copied when the track is built. */
    public Builder embeddingCode(byte[] embeddingCode) {
      this.embeddingCode = embeddingCode;
      return this;
    }

    public TrackEntry build() {
      return new TrackEntry(
          id,
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
          path,
          albumId,
          artistId,
          hasCover,
          embeddingCode);
    }
  }
}
