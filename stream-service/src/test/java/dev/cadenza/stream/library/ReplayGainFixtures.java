package dev.cadenza.stream.library;

import dev.cadenza.protocol.catalog.ReplayGain;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jaudiotagger.audio.AudioFile;
import org.jaudiotagger.audio.AudioFileIO;
import org.jaudiotagger.tag.Tag;
import org.jaudiotagger.tag.TagField;
import org.jaudiotagger.tag.flac.FlacTag;
import org.jaudiotagger.tag.id3.AbstractID3v2Frame;
import org.jaudiotagger.tag.id3.AbstractID3v2Tag;
import org.jaudiotagger.tag.id3.ID3v23Frame;
import org.jaudiotagger.tag.id3.ID3v24Frame;
import org.jaudiotagger.tag.id3.ID3v24Tag;
import org.jaudiotagger.tag.id3.framebody.FrameBodyTXXX;
import org.jaudiotagger.tag.id3.valuepair.TextEncoding;
import org.jaudiotagger.tag.mp4.Mp4Tag;
import org.jaudiotagger.tag.mp4.field.Mp4TagReverseDnsField;
import org.jaudiotagger.tag.vorbiscomment.VorbisCommentTag;
import org.jaudiotagger.tag.wav.WavTag;

/**
 * Writes free-form fields (ReplayGain) into audio files with jaudiotagger, each in its format's
 * place: ID3v2 {@code TXXX} frames (MP3, a WAV's {@code id3} chunk), Vorbis comments (FLAC, Ogg
 * Vorbis), MP4 {@code ----:com.apple.iTunes:<name>} items (M4A). Names are written as given.
 */
public final class ReplayGainFixtures {

  /** As foobar2000 writes them, in mixed case: names match whatever their case. */
  public static final Map<String, String> TAGS =
      orderedMap(
          "REPLAYGAIN_TRACK_GAIN", "-6.48 dB",
          "replaygain_track_peak", "0.988553",
          "ReplayGain_Album_Gain", "-7.10 dB",
          "replaygain_album_peak", "1.023420");

  /** What {@link #TAGS} say. */
  public static final ReplayGain EXPECTED = new ReplayGain(-6.48, 0.988553, -7.1, 1.02342, null);

  private ReplayGainFixtures() {}

  private static Map<String, String> orderedMap(String... namesAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }

  /** Copies a demo file to {@code target} and writes {@code fields} into the copy. */
  public static Path demoCopyWith(String demo, Path target, Map<String, String> fields)
      throws Exception {
    return write(LibraryFixtures.copy(LibraryFixtures.demoFile(demo), target), fields);
  }

  /** Adds {@code fields} (name to value) to the file's tag; the file, for chaining. */
  public static Path write(Path file, Map<String, String> fields) throws Exception {
    AudioFile audio = AudioFileIO.read(file.toFile());
    Tag tag = audio.getTagOrCreateAndSetDefault();
    for (Map.Entry<String, String> f : fields.entrySet()) {
      add(tag, f.getKey(), f.getValue());
    }
    audio.commit();
    return file;
  }

  private static void add(Tag tag, String name, String value) throws Exception {
    if (tag instanceof WavTag wav) {
      add(wav.getID3Tag(), name, value);
    } else if (tag instanceof FlacTag flac) {
      add(flac.getVorbisCommentTag(), name, value);
    } else if (tag instanceof VorbisCommentTag vorbis) {
      vorbis.addField(vorbis.createField(name, value));
    } else if (tag instanceof Mp4Tag mp4) {
      mp4.addField(
          new Mp4TagReverseDnsField(
              "----:com.apple.iTunes:" + name, "com.apple.iTunes", name, value));
    } else if (tag instanceof AbstractID3v2Tag id3) {
      AbstractID3v2Frame frame =
          id3 instanceof ID3v24Tag ? new ID3v24Frame("TXXX") : new ID3v23Frame("TXXX");
      frame.setBody(new FrameBodyTXXX(TextEncoding.ISO_8859_1, name, value));
      id3.setField((TagField) frame);
    } else {
      throw new IllegalArgumentException("no free-form fields in " + tag.getClass());
    }
  }
}
