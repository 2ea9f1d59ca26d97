package dev.cadenza.protocol.catalog;

import static dev.cadenza.protocol.catalog.CatalogFormat.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Writes one page: tracks first into a body, collecting the dictionary, then header and all. */
final class PageEncoder {

  private final Map<String, Integer> dictionaryIndex = new HashMap<>();
  private final List<String> dictionary = new ArrayList<>();
  private final WireWriter body;
  private final WireWriter record = new WireWriter(256);
  private TrackEntry previous;
  private String previousFolder;

  private PageEncoder(int tracks) {
    body = new WireWriter(tracks * 96);
  }

  static byte[] encode(CatalogPage page) {
    if (page.tracks().size() > MAX_TRACKS) {
      throw new IllegalArgumentException(
          page.tracks().size() + " tracks exceed the format's limit of " + MAX_TRACKS);
    }
    PageEncoder encoder = new PageEncoder(page.tracks().size());
    for (TrackEntry track : page.tracks()) {
      encoder.writeTrack(track);
    }
    return encoder.finish(page);
  }

  private byte[] finish(CatalogPage page) {
    WireWriter out = new WireWriter(body.size() + dictionary.size() * 16 + 64);
    out.writeBytes(MAGIC);
    out.writeByte(VERSION);
    out.writeVarint(dictionary.size());
    for (String entry : dictionary) {
      out.writeText(entry);
    }
    out.writeVarint(page.tracks().size());
    body.writeTo(out);
    if (page.next() == null) {
      out.writeByte(0);
    } else {
      out.writeByte(1);
      out.writeText(page.next());
    }
    return out.toByteArray();
  }

  private void writeTrack(TrackEntry t) {
    TrackTags tags = t.tags();
    AudioProperties audio = t.audio();
    int slash = t.path().lastIndexOf('/');
    String folder = slash < 0 ? null : t.path().substring(0, slash);
    String name = t.path().substring(slash + 1);
    long same = same(t, folder);
    byte[] code = t.embeddingCode();
    if (code != null && code.length > MAX_EMBEDDING_BYTES) {
      throw new IllegalArgumentException(
          "an embedding code of "
              + code.length
              + " bytes exceeds the format's limit of "
              + MAX_EMBEDDING_BYTES);
    }

    record.reset();
    record.writeVarint(presence(t));
    record.writeVarint(same);
    record.writeText(t.id());
    record.writeText(tags.title());
    writeRef(t.format(), same, SAME_FORMAT);
    writeRef(t.contentType(), same, SAME_CONTENT_TYPE);
    record.writeVarint(t.size());
    if (!has(same, SAME_FOLDER)) {
      // the folder goes to the dictionary: reference n + 1, or 0 for a path without one
      record.writeVarint(folder == null ? 0 : ref(folder) + 1L);
    }
    writeName(name, tags.title());
    writeRef(t.albumId(), same, SAME_ALBUM_ID);
    writeRef(t.artistId(), same, SAME_ARTIST_ID);
    // optional fields, in presence-bit order
    writeRef(tags.artist(), same, SAME_ARTIST);
    writeRef(tags.album(), same, SAME_ALBUM);
    writeRef(tags.albumArtist(), same, SAME_ALBUM_ARTIST);
    writeRef(tags.genre(), same, SAME_GENRE);
    writeNumber(tags.year(), same, SAME_YEAR);
    writeNumber(tags.trackNumber(), 0, -1);
    writeNumber(tags.discNumber(), same, SAME_DISC_NUMBER);
    if (tags.durationMs() != null) {
      record.writeZigzag(tags.durationMs());
    }
    writeNumber(audio.bitrate(), same, SAME_BITRATE);
    writeNumber(audio.sampleRate(), same, SAME_SAMPLE_RATE);
    writeNumber(audio.channels(), same, SAME_CHANNELS);
    writeRef(audio.codec(), same, SAME_CODEC);
    if (code != null) {
      record.writeVarint(code.length);
      record.writeBytes(code);
    }
    ReplayGain gain = tags.replayGain();
    writeScaled(gain.trackGain(), GAIN_UNITS_PER_DB, 0, -1);
    writeScaled(gain.trackPeak(), PEAK_UNITS, 0, -1);
    writeScaled(gain.albumGain(), GAIN_UNITS_PER_DB, same, SAME_ALBUM_GAIN);
    writeScaled(gain.albumPeak(), PEAK_UNITS, same, SAME_ALBUM_PEAK);
    writeScaled(gain.baseGain(), GAIN_UNITS_PER_DB, 0, -1);
    body.writeVarint(record.size());
    record.writeTo(body);
    previous = t;
    previousFolder = folder;
  }

  private static long presence(TrackEntry t) {
    TrackTags tags = t.tags();
    AudioProperties audio = t.audio();
    long bits = 0;
    bits |= bit(ARTIST, tags.artist() != null);
    bits |= bit(ALBUM, tags.album() != null);
    bits |= bit(ALBUM_ARTIST, tags.albumArtist() != null);
    bits |= bit(GENRE, tags.genre() != null);
    bits |= bit(YEAR, tags.year() != null);
    bits |= bit(TRACK_NUMBER, tags.trackNumber() != null);
    bits |= bit(DISC_NUMBER, tags.discNumber() != null);
    bits |= bit(DURATION, tags.durationMs() != null);
    bits |= bit(BITRATE, audio.bitrate() != null);
    bits |= bit(SAMPLE_RATE, audio.sampleRate() != null);
    bits |= bit(CHANNELS, audio.channels() != null);
    bits |= bit(CODEC, audio.codec() != null);
    bits |= bit(COVER, t.hasCover());
    bits |= bit(EMBEDDING, t.embeddingCode() != null);
    ReplayGain gain = tags.replayGain();
    bits |= bit(TRACK_GAIN, gain.trackGain() != null);
    bits |= bit(TRACK_PEAK, gain.trackPeak() != null);
    bits |= bit(ALBUM_GAIN, gain.albumGain() != null);
    bits |= bit(ALBUM_PEAK, gain.albumPeak() != null);
    bits |= bit(BASE_GAIN, gain.baseGain() != null);
    return bits;
  }

  /** The fields equal to the previous track's (both present), which the record then omits. */
  private long same(TrackEntry t, String folder) {
    TrackEntry p = previous;
    if (p == null) {
      return 0;
    }
    TrackTags tags = t.tags();
    TrackTags previousTags = p.tags();
    AudioProperties audio = t.audio();
    AudioProperties previousAudio = p.audio();
    long bits = 0;
    bits |= bit(SAME_FORMAT, t.format().equals(p.format()));
    bits |= bit(SAME_CONTENT_TYPE, t.contentType().equals(p.contentType()));
    bits |= bit(SAME_FOLDER, Objects.equals(folder, previousFolder));
    bits |= bit(SAME_ALBUM_ID, t.albumId().equals(p.albumId()));
    bits |= bit(SAME_ARTIST_ID, t.artistId().equals(p.artistId()));
    bits |= bit(SAME_ARTIST, sameValue(tags.artist(), previousTags.artist()));
    bits |= bit(SAME_ALBUM, sameValue(tags.album(), previousTags.album()));
    bits |= bit(SAME_ALBUM_ARTIST, sameValue(tags.albumArtist(), previousTags.albumArtist()));
    bits |= bit(SAME_GENRE, sameValue(tags.genre(), previousTags.genre()));
    bits |= bit(SAME_YEAR, sameValue(tags.year(), previousTags.year()));
    bits |= bit(SAME_DISC_NUMBER, sameValue(tags.discNumber(), previousTags.discNumber()));
    bits |= bit(SAME_SAMPLE_RATE, sameValue(audio.sampleRate(), previousAudio.sampleRate()));
    bits |= bit(SAME_CHANNELS, sameValue(audio.channels(), previousAudio.channels()));
    bits |= bit(SAME_CODEC, sameValue(audio.codec(), previousAudio.codec()));
    bits |= bit(SAME_BITRATE, sameValue(audio.bitrate(), previousAudio.bitrate()));
    ReplayGain gain = tags.replayGain();
    ReplayGain previousGain = previousTags.replayGain();
    bits |= bit(SAME_ALBUM_GAIN, sameValue(gain.albumGain(), previousGain.albumGain()));
    bits |= bit(SAME_ALBUM_PEAK, sameValue(gain.albumPeak(), previousGain.albumPeak()));
    return bits;
  }

  // An absent field is never "same": the presence bit already says it is absent.
  private static boolean sameValue(Object value, Object previous) {
    return value != null && value.equals(previous);
  }

  private static long bit(int bit, boolean set) {
    return set ? 1L << bit : 0;
  }

  private static boolean has(long bits, int bit) {
    return bit >= 0 && (bits & (1L << bit)) != 0;
  }

  // File names usually hold the title ("01 First Light.mp3"): then only what surrounds it is
  // written: the prefix ("01 ") and the suffix (".mp3") both repeat, so both are references.
  private void writeName(String name, String title) {
    int at = title.isEmpty() ? -1 : name.indexOf(title);
    if (at < 0) {
      record.writeVarint(NAME_LITERAL);
      record.writeText(name);
    } else {
      record.writeVarint(NAME_AROUND_TITLE);
      record.writeVarint(ref(name.substring(0, at)));
      record.writeVarint(ref(name.substring(at + title.length())));
    }
  }

  private void writeRef(String value, long same, int sameBit) {
    if (value != null && !has(same, sameBit)) {
      record.writeVarint(ref(value));
    }
  }

  private void writeNumber(Integer value, long same, int sameBit) {
    if (value != null && !has(same, sameBit)) {
      record.writeZigzag(value);
    }
  }

  // ReplayGain holds its values to the precision of these units, so they round-trip exactly; its
  // range keeps them within 32 bits.
  private void writeScaled(Double value, double units, long same, int sameBit) {
    if (value != null && !has(same, sameBit)) {
      record.writeZigzag(Math.round(value * units));
    }
  }

  private int ref(String value) {
    Integer index = dictionaryIndex.get(value);
    if (index == null) {
      if (dictionary.size() == MAX_DICTIONARY) {
        throw new IllegalArgumentException(
            "more than " + MAX_DICTIONARY + " distinct names on one page");
      }
      index = dictionary.size();
      dictionaryIndex.put(value, index);
      dictionary.add(value);
    }
    return index;
  }
}
