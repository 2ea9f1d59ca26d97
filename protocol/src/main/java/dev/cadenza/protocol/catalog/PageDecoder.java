package dev.cadenza.protocol.catalog;

import static dev.cadenza.protocol.catalog.CatalogFormat.*;

import java.util.ArrayList;
import java.util.List;

/** Reads one page from untrusted bytes; anything wrong is a {@link CatalogFormatException}. */
final class PageDecoder {

  /** Optional fields by presence bit, for error messages. */
  private static final String[] FIELD_NAMES = {
    "artist",
    "album",
    "album artist",
    "genre",
    "year",
    "track number",
    "disc number",
    "duration",
    "bitrate",
    "sample rate",
    "channels",
    "codec",
    "cover",
    "embedding code",
    "track gain",
    "track peak",
    "album gain",
    "album peak",
    "base gain"
  };

  private final WireReader in;
  private String[] dictionary;
  private TrackEntry previous;
  private int folder;

  private PageDecoder(WireReader in) {
    this.in = in;
  }

  static CatalogPage decode(byte[] bytes, int offset, int length) throws CatalogFormatException {
    return new PageDecoder(new WireReader(bytes, offset, length)).page();
  }

  private CatalogPage page() throws CatalogFormatException {
    for (int i = 0; i < MAGIC.length; i++) {
      if (in.readByte("magic") != MAGIC[i]) {
        throw in.error("not a Cadenza catalogue page: wrong magic");
      }
    }
    int version = in.readByte("version");
    if (version != VERSION) {
      throw in.error(
          "unsupported catalogue format version " + version + "; this decoder reads " + VERSION);
    }
    readDictionary();
    int count = in.readCount("track count", MAX_TRACKS);
    List<TrackEntry> tracks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      tracks.add(readRecord());
    }
    String next =
        switch (in.readByte("next-page flag")) {
          case 0 -> null;
          case 1 -> in.readText("next-page cursor");
          default -> throw in.error("next-page flag must be 0 or 1");
        };
    if (in.remaining() > 0) {
      throw in.error(in.remaining() + " trailing bytes after the page");
    }
    return new CatalogPage(tracks, next);
  }

  private void readDictionary() throws CatalogFormatException {
    int size = in.readCount("dictionary size", MAX_DICTIONARY);
    dictionary = new String[size];
    for (int i = 0; i < size; i++) {
      dictionary[i] = in.readText("dictionary entry");
    }
  }

  private TrackEntry readRecord() throws CatalogFormatException {
    int length = in.readCount("track length", Integer.MAX_VALUE);
    int outer = in.pushLimit(length);
    TrackEntry track = readTrack();
    in.skipToLimit(); // fields added after v1: skipped, as the compatibility rules promise
    in.popLimit(outer);
    return track;
  }

  private TrackEntry readTrack() throws CatalogFormatException {
    long presence = in.readVarint("presence bits");
    int sameAt = in.position();
    long same = in.readVarint("same-as-previous bits");
    if (same != 0 && previous == null) {
      throw new CatalogFormatException("the first track cannot repeat a previous one", sameAt);
    }
    TrackTags previousTags = previous == null ? TrackTags.NONE : previous.tags();
    AudioProperties previousAudio = previous == null ? AudioProperties.NONE : previous.audio();
    TrackEntry p = previous;
    // Fields in the order they are on the wire.
    TrackEntry.Builder track = TrackEntry.builder().id(in.readText("id"));
    String title = in.readText("title");
    track
        .format(has(same, SAME_FORMAT) ? p.format() : ref("format"))
        .contentType(has(same, SAME_CONTENT_TYPE) ? p.contentType() : ref("content type"))
        .size(readSize());
    if (!has(same, SAME_FOLDER)) {
      folder = in.readUnsigned("path folder", dictionary.length);
    }
    String name = readName(title);
    track
        .path(folder == 0 ? name : dictionary[folder - 1] + "/" + name)
        .albumId(has(same, SAME_ALBUM_ID) ? p.albumId() : ref("album id"))
        .artistId(has(same, SAME_ARTIST_ID) ? p.artistId() : ref("artist id"));
    TrackTags.Builder tags =
        TrackTags.builder()
            .title(title)
            .artist(text(presence, ARTIST, same, SAME_ARTIST, previousTags.artist()))
            .album(text(presence, ALBUM, same, SAME_ALBUM, previousTags.album()))
            .albumArtist(
                text(presence, ALBUM_ARTIST, same, SAME_ALBUM_ARTIST, previousTags.albumArtist()))
            .genre(text(presence, GENRE, same, SAME_GENRE, previousTags.genre()))
            .year(number(presence, YEAR, same, SAME_YEAR, previousTags.year()))
            .trackNumber(has(presence, TRACK_NUMBER) ? in.readZigzagInt("track number") : null)
            .discNumber(
                number(presence, DISC_NUMBER, same, SAME_DISC_NUMBER, previousTags.discNumber()))
            .durationMs(has(presence, DURATION) ? in.readZigzag("duration") : null);
    track
        .audio(
            new AudioProperties(
                number(presence, BITRATE, same, SAME_BITRATE, previousAudio.bitrate()),
                number(presence, SAMPLE_RATE, same, SAME_SAMPLE_RATE, previousAudio.sampleRate()),
                number(presence, CHANNELS, same, SAME_CHANNELS, previousAudio.channels()),
                text(presence, CODEC, same, SAME_CODEC, previousAudio.codec())))
        .hasCover(has(presence, COVER))
        .embeddingCode(has(presence, EMBEDDING) ? readEmbeddingCode() : null)
        .tags(tags.replayGain(readReplayGain(presence, same, previousTags.replayGain())).build());
    previous = track.build();
    return previous;
  }

  private ReplayGain readReplayGain(long presence, long same, ReplayGain previous)
      throws CatalogFormatException {
    int start = in.position();
    Double trackGain = scaled(presence, TRACK_GAIN, 0, -1, null, GAIN_UNITS_PER_DB);
    Double trackPeak = scaled(presence, TRACK_PEAK, 0, -1, null, PEAK_UNITS);
    Double albumGain =
        scaled(
            presence, ALBUM_GAIN, same, SAME_ALBUM_GAIN, previous.albumGain(), GAIN_UNITS_PER_DB);
    Double albumPeak =
        scaled(presence, ALBUM_PEAK, same, SAME_ALBUM_PEAK, previous.albumPeak(), PEAK_UNITS);
    Double baseGain = scaled(presence, BASE_GAIN, 0, -1, null, GAIN_UNITS_PER_DB);
    try {
      return new ReplayGain(trackGain, trackPeak, albumGain, albumPeak, baseGain);
    } catch (IllegalArgumentException e) {
      throw new CatalogFormatException(e.getMessage(), start);
    }
  }

  private long readSize() throws CatalogFormatException {
    long size = in.readVarint("size");
    if (size < 0) {
      throw in.error("size does not fit a signed 64-bit integer");
    }
    return size;
  }

  private byte[] readEmbeddingCode() throws CatalogFormatException {
    int length = in.readUnsigned("embedding code length", MAX_EMBEDDING_BYTES);
    return in.readBytes("embedding code", length);
  }

  private String readName(String title) throws CatalogFormatException {
    int form = in.readUnsigned("file name form", NAME_AROUND_TITLE);
    if (form == NAME_LITERAL) {
      return in.readText("file name");
    }
    String prefix = ref("file name prefix");
    return prefix + title + ref("file name suffix");
  }

  /** An optional dictionary text: absent, the previous track's, or a reference. */
  private String text(long presence, int bit, long same, int sameBit, String previousValue)
      throws CatalogFormatException {
    if (!has(presence, bit)) {
      requireNotSame(same, sameBit);
      return null;
    }
    return has(same, sameBit) ? inherited(previousValue) : ref(FIELD_NAMES[bit]);
  }

  private Integer number(long presence, int bit, long same, int sameBit, Integer previousValue)
      throws CatalogFormatException {
    if (!has(presence, bit)) {
      requireNotSame(same, sameBit);
      return null;
    }
    return has(same, sameBit) ? inherited(previousValue) : in.readZigzagInt(FIELD_NAMES[bit]);
  }

  /** An optional ReplayGain value: absent, the previous track's, or a count of {@code units}. */
  private Double scaled(
      long presence, int bit, long same, int sameBit, Double previousValue, double units)
      throws CatalogFormatException {
    if (!has(presence, bit)) {
      requireNotSame(same, sameBit);
      return null;
    }
    return has(same, sameBit)
        ? inherited(previousValue)
        : in.readZigzagInt(FIELD_NAMES[bit]) / units;
  }

  private void requireNotSame(long same, int sameBit) throws CatalogFormatException {
    if (has(same, sameBit)) {
      throw in.error("an absent field is marked same-as-previous (bit " + sameBit + ")");
    }
  }

  private <T> T inherited(T previousValue) throws CatalogFormatException {
    if (previousValue == null) {
      throw in.error("a field repeats the previous track's, which has none");
    }
    return previousValue;
  }

  private String ref(String what) throws CatalogFormatException {
    int start = in.position();
    long index = in.readVarint(what);
    if (index < 0 || index >= dictionary.length) {
      throw new CatalogFormatException(
          what
              + " refers to dictionary entry "
              + Long.toUnsignedString(index)
              + " of "
              + dictionary.length,
          start);
    }
    return dictionary[(int) index];
  }

  private static boolean has(long presence, int bit) {
    return bit >= 0 && (presence & (1L << bit)) != 0;
  }
}
