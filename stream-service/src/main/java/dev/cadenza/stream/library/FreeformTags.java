package dev.cadenza.stream.library;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.jaudiotagger.tag.Tag;
import org.jaudiotagger.tag.TagField;
import org.jaudiotagger.tag.TagTextField;
import org.jaudiotagger.tag.flac.FlacTag;
import org.jaudiotagger.tag.id3.AbstractID3v2Frame;
import org.jaudiotagger.tag.id3.AbstractID3v2Tag;
import org.jaudiotagger.tag.id3.framebody.FrameBodyTXXX;
import org.jaudiotagger.tag.mp4.Mp4Tag;
import org.jaudiotagger.tag.mp4.field.Mp4TagReverseDnsField;
import org.jaudiotagger.tag.vorbiscomment.VorbisCommentTag;
import org.jaudiotagger.tag.wav.WavTag;

/**
 * The free-form text fields of a jaudiotagger tag, where each tag format keeps what it has no key
 * of its own for (ReplayGain, for one): ID3v2 {@code TXXX} frames by description (MP3, and the
 * {@code id3} chunk of a WAV), Vorbis comments by name (FLAC, Ogg Vorbis) and MP4 {@code ----}
 * items by name ({@code ----:com.apple.iTunes:replaygain_track_gain}). Names are upper-cased, as
 * these names are matched without regard to case; the first value of a name wins.
 */
final class FreeformTags implements ReplayGainTags.Fields {

  private final Map<String, String> values = new HashMap<>();

  private FreeformTags() {}

  static FreeformTags of(Tag tag) {
    FreeformTags fields = new FreeformTags();
    fields.collect(tag);
    return fields;
  }

  @Override
  public String get(String upperCaseName) {
    return values.get(upperCaseName);
  }

  // ID3v1 and RIFF INFO (a WAV's other tag) have no free-form fields.
  private void collect(Tag tag) {
    if (tag instanceof WavTag wav) {
      if (wav.isExistingId3Tag()) {
        collect(wav.getID3Tag());
      }
    } else if (tag instanceof FlacTag flac) {
      collect(flac.getVorbisCommentTag());
    } else if (tag instanceof AbstractID3v2Tag id3) {
      for (Iterator<TagField> it = id3.getFields(); it.hasNext(); ) {
        if (it.next() instanceof AbstractID3v2Frame frame
            && frame.getBody() instanceof FrameBodyTXXX body) {
          put(body.getDescription(), body.getFirstTextValue());
        }
      }
    } else if (tag instanceof VorbisCommentTag vorbis) {
      for (Iterator<TagField> it = vorbis.getFields(); it.hasNext(); ) {
        if (it.next() instanceof TagTextField field) {
          put(field.getId(), field.getContent());
        }
      }
    } else if (tag instanceof Mp4Tag mp4) {
      for (Iterator<TagField> it = mp4.getFields(); it.hasNext(); ) {
        if (it.next() instanceof Mp4TagReverseDnsField field) {
          put(field.getDescriptor(), field.getContent());
        }
      }
    }
  }

  private void put(String name, String value) {
    String text = TagValues.text(value);
    if (name != null && text != null) {
      values.putIfAbsent(name.strip().toUpperCase(Locale.ROOT), text);
    }
  }
}
