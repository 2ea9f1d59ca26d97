package dev.cadenza.stream.library;

import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.TrackTags;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One audio file of the library.
 *
 * @param id stable id derived from {@link #path}
 * @param path path relative to the library root, with {@code /} separators
 * @param file absolute path of the file
 * @param version what the file looked like when it was read; its ETag
 * @param fileTags what the file said about itself when it was read
 */
public record Track(
    String id, String path, Path file, AudioFormat format, FileVersion version, FileTags fileTags) {

  public long size() {
    return version.size();
  }

  public Instant lastModified() {
    return version.lastModified();
  }

  public String etag() {
    return version.etag();
  }

  /** The file's tags; its title may be null (see {@link #displayTitle()}). */
  public TrackTags tags() {
    return fileTags.tags();
  }

  public AudioProperties audio() {
    return fileTags.audio();
  }

  /** Whether the file embeds a cover. */
  public boolean hasCover() {
    return fileTags.hasCover();
  }

  /** The title to show: the tag, else the file name without extension. */
  public String displayTitle() {
    if (tags().title() != null) {
      return tags().title();
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
