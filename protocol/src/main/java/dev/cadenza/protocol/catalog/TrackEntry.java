package dev.cadenza.protocol.catalog;

import java.util.Arrays;
import java.util.Objects;

/**
 * A track as a catalogue listing carries it: the fields of the API's Track (docs/api.md) without
 * the URLs derived from the id ({@code streamUrl}; {@code coverUrl} when {@code hasCover}), plus
 * the track's compact embedding code. Its tags and audio properties are the file's ({@link
 * TrackTags}, {@link AudioProperties}), except that the title is always there: the one to show.
 *
 * <p>{@code embeddingCode} is opaque to the format (for example the 48-byte binary code of a
 * 384-dimensional embedding); null when there is none.
 *
 * @param size in bytes
 * @param path relative to the library root, with {@code /} separators
 */
public record TrackEntry(
    String id,
    TrackTags tags,
    String format,
    String contentType,
    long size,
    AudioProperties audio,
    String path,
    String albumId,
    String artistId,
    boolean hasCover,
    byte[] embeddingCode) {

  public TrackEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tags, "tags");
    Objects.requireNonNull(tags.title(), "title");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(audio, "audio");
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
        && tags.equals(t.tags)
        && format.equals(t.format)
        && contentType.equals(t.contentType)
        && audio.equals(t.audio)
        && path.equals(t.path)
        && albumId.equals(t.albumId)
        && artistId.equals(t.artistId)
        && Arrays.equals(embeddingCode, t.embeddingCode);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, tags.title(), path, size) * 31 + Arrays.hashCode(embeddingCode);
  }

  @Override
  public String toString() {
    return "TrackEntry[id=" + id + ", title=" + tags.title() + ", path=" + path + "]";
  }

  /** This track with another embedding code (null: none), e.g. to attach codes when serving. */
  public TrackEntry withEmbeddingCode(byte[] code) {
    return toBuilder().embeddingCode(code).build();
  }

  /** A builder with no field set: name each field, as a positional constructor call cannot. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this track's fields, to change some of them. */
  public Builder toBuilder() {
    return builder()
        .id(id)
        .tags(tags)
        .format(format)
        .contentType(contentType)
        .size(size)
        .audio(audio)
        .path(path)
        .albumId(albumId)
        .artistId(artistId)
        .hasCover(hasCover)
        .embeddingCode(embeddingCode);
  }

  /**
   * Builds a {@link TrackEntry} by field name. Fields not set are null ({@code audio} {@link
   * AudioProperties#NONE}, {@code size} 0, {@code hasCover} false); {@link #build()} checks them as
   * the constructor does.
   */
  public static final class Builder {

    private String id;
    private TrackTags tags;
    private String format;
    private String contentType;
    private long size;
    private AudioProperties audio = AudioProperties.NONE;
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

    /** Their title must be set: the title to show. */
    public Builder tags(TrackTags tags) {
      this.tags = tags;
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

    public Builder audio(AudioProperties audio) {
      this.audio = audio;
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
          tags,
          format,
          contentType,
          size,
          audio,
          path,
          albumId,
          artistId,
          hasCover,
          embeddingCode);
    }
  }
}
