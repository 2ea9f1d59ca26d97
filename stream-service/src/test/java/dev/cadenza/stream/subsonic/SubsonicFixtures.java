package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.library.LibraryFixtures;
import java.nio.file.Path;
import org.jaudiotagger.audio.AudioFile;
import org.jaudiotagger.audio.AudioFileIO;
import org.jaudiotagger.tag.FieldKey;
import org.jaudiotagger.tag.Tag;

/** Library files the OpenSubsonic tests make at test time. */
final class SubsonicFixtures {

  private SubsonicFixtures() {}

  /** Copies the demo library to {@code tmp/library}; its path. */
  static Path demoLibrary(Path tmp) throws Exception {
    return LibraryFixtures.copyDemo(tmp.resolve("library"));
  }

  /**
   * Copies a demo file to {@code target} in {@code library}, tagged as {@code title} by "Lyricist"
   * on the album "Words", with {@code lyrics} in its lyrics tag.
   */
  static Path withLyrics(Path library, String demo, String target, String title, String lyrics)
      throws Exception {
    Path file = LibraryFixtures.copy(LibraryFixtures.demoFile(demo), library.resolve(target));
    AudioFile audio = AudioFileIO.read(file.toFile());
    Tag tag = audio.getTagOrCreateAndSetDefault();
    tag.setField(FieldKey.ARTIST, "Lyricist");
    tag.setField(FieldKey.ALBUM_ARTIST, "Lyricist");
    tag.setField(FieldKey.ALBUM, "Words");
    tag.setField(FieldKey.TITLE, title);
    tag.setField(FieldKey.LYRICS, lyrics);
    audio.commit();
    return file;
  }
}
