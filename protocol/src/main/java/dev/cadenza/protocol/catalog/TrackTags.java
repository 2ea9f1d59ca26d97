package dev.cadenza.protocol.catalog;

import java.util.Objects;

/**
 * What a track's tags say, and how long it plays: the descriptive part of a {@link TrackEntry},
 * also what the stream service reads from a file. Tags a file does not carry are null; so is the
 * title, except in a {@link TrackEntry}, whose title is the one to show.
 *
 * @param durationMs in milliseconds
 * @param replayGain {@link ReplayGain#NONE} when the file has none; null (a JSON Track without
 *     {@code replayGain}) is taken as {@code NONE}
 */
public record TrackTags(
    String title,
    String artist,
    String album,
    String albumArtist,
    Integer trackNumber,
    Integer discNumber,
    Integer year,
    String genre,
    Long durationMs,
    ReplayGain replayGain) {

  public TrackTags {
    replayGain = Objects.requireNonNullElse(replayGain, ReplayGain.NONE);
  }

  /** No tags at all, as for a format without a tag container. */
  public static final TrackTags NONE = builder().build();

  /** These tags with another title. */
  public TrackTags withTitle(String title) {
    return toBuilder().title(title).build();
  }

  /** A builder with no tag set: name each tag, as a positional constructor call cannot. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these tags, to change some of them. */
  public Builder toBuilder() {
    return builder()
        .title(title)
        .artist(artist)
        .album(album)
        .albumArtist(albumArtist)
        .trackNumber(trackNumber)
        .discNumber(discNumber)
        .year(year)
        .genre(genre)
        .durationMs(durationMs)
        .replayGain(replayGain);
  }

  /**
   * Builds {@link TrackTags} by name; tags not set are null, ReplayGain {@link ReplayGain#NONE}.
   */
  public static final class Builder {

    private String title;
    private String artist;
    private String album;
    private String albumArtist;
    private Integer trackNumber;
    private Integer discNumber;
    private Integer year;
    private String genre;
    private Long durationMs;
    private ReplayGain replayGain = ReplayGain.NONE;

    private Builder() {}

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

    public Builder replayGain(ReplayGain replayGain) {
      this.replayGain = replayGain;
      return this;
    }

    public TrackTags build() {
      return new TrackTags(
          title,
          artist,
          album,
          albumArtist,
          trackNumber,
          discNumber,
          year,
          genre,
          durationMs,
          replayGain);
    }
  }
}
