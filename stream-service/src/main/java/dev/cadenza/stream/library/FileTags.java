package dev.cadenza.stream.library;

import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.TrackTags;
import java.util.Objects;

/**
 * What a file says about itself, as {@link TagReader} reads it: its tags (title included, null when
 * it has none), its stream's audio properties and whether it embeds a cover.
 */
public record FileTags(TrackTags tags, AudioProperties audio, boolean hasCover) {

  /** A file that says nothing about itself, as a format without a tag container. */
  public static final FileTags NONE = new FileTags(TrackTags.NONE, AudioProperties.NONE, false);

  public FileTags {
    Objects.requireNonNull(tags, "tags");
    Objects.requireNonNull(audio, "audio");
  }
}
