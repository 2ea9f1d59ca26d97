package dev.cadenza.stream.library;

import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.TrackTags;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jaudiotagger.audio.AudioFile;
import org.jaudiotagger.audio.AudioFileIO;
import org.jaudiotagger.audio.AudioHeader;
import org.jaudiotagger.tag.FieldKey;
import org.jaudiotagger.tag.Tag;
import org.jaudiotagger.tag.images.Artwork;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads tags, stream properties and embedded covers: jaudiotagger for MP3, FLAC, Ogg Vorbis, M4A
 * and WAV, our own reader for Opus. Raw AAC has no tag format and is catalogued untagged.
 * ReplayGain comes from each format's free-form fields ({@link ReplayGainTags}).
 */
@Component
public class TagReader {

  private static final org.slf4j.Logger log = LoggerFactory.getLogger(TagReader.class);

  // jaudiotagger logs every oddity of every file through java.util.logging; unreadable files are
  // reported by the scanner instead. The field keeps the logger (and so its level) alive.
  private static final Logger JAUDIOTAGGER_LOG = Logger.getLogger("org.jaudiotagger");

  static {
    JAUDIOTAGGER_LOG.setLevel(Level.OFF);
  }

  // jaudiotagger allocates the sizes a file declares, nested ones too (an MP4 data box, an ID3
  // frame...). An allocation the heap cannot satisfy fails as a whole and leaves the heap as it
  // was,
  // so the OutOfMemoryError of one hostile file makes that file unreadable rather than failing the
  // scan; ContainerSizes refuses the top-level sizes that overrun the file before they are tried.

  /** A file that cannot be read as the audio format its name says. */
  public static final class UnreadableFileException extends IOException {
    UnreadableFileException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Reads one file outside a scan; a malformed value it leaves out is logged at once. */
  public FileTags read(Path file, AudioFormat format, long size) throws UnreadableFileException {
    IgnoredTagValues ignored = new IgnoredTagValues();
    FileTags tags = read(file, format, size, ignored);
    ignored.log(log, "reading " + file);
    return tags;
  }

  /** Reads one file of a scan, counting the malformed values it leaves out in {@code ignored}. */
  FileTags read(Path file, AudioFormat format, long size, IgnoredTagValues ignored)
      throws UnreadableFileException {
    try {
      return switch (format) {
        case OPUS -> OggOpusReader.tags(file, size, ignored);
        case AAC -> FileTags.NONE;
        default -> fromJaudiotagger(jaudiotagger(file, format), file, ignored);
      };
    } catch (Exception | LinkageError | OutOfMemoryError e) {
      throw new UnreadableFileException(describe(e), e);
    }
  }

  /** The embedded cover, or null when the file has none. */
  public Cover cover(Path file, AudioFormat format) throws UnreadableFileException {
    try {
      return switch (format) {
        case OPUS -> OggOpusReader.cover(file);
        case AAC -> null;
        default -> {
          Tag tag = jaudiotagger(file, format).getTag();
          Artwork art = tag == null ? null : tag.getFirstArtwork();
          if (art == null || art.getBinaryData() == null || art.isLinked()) {
            yield null;
          }
          String mime = art.getMimeType();
          yield new Cover(
              art.getBinaryData(), mime == null || mime.isBlank() ? "image/jpeg" : mime);
        }
      };
    } catch (Exception | LinkageError | OutOfMemoryError e) {
      throw new UnreadableFileException(describe(e), e);
    }
  }

  /**
   * The lyrics the file's tags embed (ID3 USLT, Vorbis {@code LYRICS}, MP4 {@code ©lyr}...), each
   * as written, LRC timestamps included; empty when none. Opus and raw AAC files are not read.
   */
  public List<String> lyrics(Path file, AudioFormat format) throws UnreadableFileException {
    if (format == AudioFormat.OPUS || format == AudioFormat.AAC) {
      return List.of();
    }
    try {
      Tag tag = jaudiotagger(file, format).getTag();
      if (tag == null) {
        return List.of();
      }
      return tag.getAll(FieldKey.LYRICS).stream().filter(l -> l != null && !l.isBlank()).toList();
    } catch (Exception | LinkageError | OutOfMemoryError e) {
      throw new UnreadableFileException(describe(e), e);
    }
  }

  private static AudioFile jaudiotagger(Path file, AudioFormat format) throws Exception {
    ContainerSizes.requireWithinFile(file, format); // jaudiotagger allocates what they declare
    return AudioFileIO.read(file.toFile());
  }

  private static FileTags fromJaudiotagger(AudioFile audio, Path file, IgnoredTagValues ignored) {
    AudioHeader h = audio.getAudioHeader();
    Tag t = audio.getTag();
    double seconds = h.getPreciseTrackLength();
    return new FileTags(
        TrackTags.builder()
            .title(field(t, FieldKey.TITLE))
            .artist(field(t, FieldKey.ARTIST))
            .album(field(t, FieldKey.ALBUM))
            .albumArtist(field(t, FieldKey.ALBUM_ARTIST))
            .trackNumber(TagValues.leadingInt(field(t, FieldKey.TRACK)))
            .discNumber(TagValues.leadingInt(field(t, FieldKey.DISC_NO)))
            .year(TagValues.leadingInt(field(t, FieldKey.YEAR)))
            .genre(field(t, FieldKey.GENRE))
            .durationMs(seconds > 0 ? Math.round(seconds * 1000) : null)
            .replayGain(ReplayGainTags.read(FreeformTags.of(t), file, ignored))
            .build(),
        new AudioProperties(
            positive(h.getBitRateAsNumber()),
            positive(h.getSampleRateAsNumber()),
            channels(h.getChannels()),
            TagValues.text(h.getEncodingType())),
        t != null && t.getFirstArtwork() != null);
  }

  private static String field(Tag tag, FieldKey key) {
    if (tag == null) {
      return null;
    }
    try {
      return TagValues.text(tag.getFirst(key));
    } catch (RuntimeException e) {
      return null; // a key this tag format has no mapping for
    }
  }

  private static Integer positive(long value) {
    return value > 0 && value <= Integer.MAX_VALUE ? (int) value : null;
  }

  private static Integer channels(String value) {
    if (value == null) {
      return null;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "mono" -> 1;
      case "stereo", "joint stereo", "dual" -> 2;
      default -> TagValues.leadingInt(value);
    };
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.strip());
  }
}
