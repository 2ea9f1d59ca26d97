package dev.cadenza.protocol.catalog;

/** The constants of format v1: header, field bits and limits (docs/catalog-format.md). */
final class CatalogFormat {

  static final byte[] MAGIC = {'C', 'D', 'Z', 'C'};

  /** Bumped on any change an older decoder cannot skip; decoders reject versions they lack. */
  static final int VERSION = 1;

  // Presence bits of a track's optional fields, in the order their values follow the required
  // ones. New fields take new bits at the top and write after every older field, so that a
  // decoder that does not know them skips them with the rest of the record.
  static final int ARTIST = 0;
  static final int ALBUM = 1;
  static final int ALBUM_ARTIST = 2;
  static final int GENRE = 3;
  static final int YEAR = 4;
  static final int TRACK_NUMBER = 5;
  static final int DISC_NUMBER = 6;
  static final int DURATION = 7;
  static final int BITRATE = 8;
  static final int SAMPLE_RATE = 9;
  static final int CHANNELS = 10;
  static final int CODEC = 11;
  static final int COVER = 12;
  static final int EMBEDDING = 13;
  // ReplayGain: gains in hundredths of a dB, peaks in millionths of full scale (ReplayGain's own
  // precision), as zigzag integers.
  static final int TRACK_GAIN = 14;
  static final int TRACK_PEAK = 15;
  static final int ALBUM_GAIN = 16;
  static final int ALBUM_PEAK = 17;
  static final int BASE_GAIN = 18;

  // "Same as the previous track" bits: tracks of one album share most of these, so a set bit
  // replaces the value. Ordered so that the usual set fits a two-byte varint.
  static final int SAME_FORMAT = 0;
  static final int SAME_CONTENT_TYPE = 1;
  static final int SAME_FOLDER = 2;
  static final int SAME_ALBUM_ID = 3;
  static final int SAME_ARTIST_ID = 4;
  static final int SAME_ARTIST = 5;
  static final int SAME_ALBUM = 6;
  static final int SAME_ALBUM_ARTIST = 7;
  static final int SAME_GENRE = 8;
  static final int SAME_YEAR = 9;
  static final int SAME_DISC_NUMBER = 10;
  static final int SAME_SAMPLE_RATE = 11;
  static final int SAME_CHANNELS = 12;
  static final int SAME_CODEC = 13;
  static final int SAME_BITRATE = 14;
  static final int SAME_ALBUM_GAIN = 15;
  static final int SAME_ALBUM_PEAK = 16;

  /** ReplayGain's units on the wire: gains in hundredths of a dB, peaks in millionths. */
  static final double GAIN_UNITS_PER_DB = 100;

  static final double PEAK_UNITS = 1_000_000;

  /** File-name forms: the name as text, or the title between an inline prefix and a suffix. */
  static final int NAME_LITERAL = 0;

  static final int NAME_AROUND_TITLE = 1;

  // Limits that bound what a decoder allocates, whatever the input declares.
  static final int MAX_TRACKS = 1 << 20;
  static final int MAX_DICTIONARY = 1 << 20;
  static final int MAX_STRING_BYTES = 1 << 16;
  static final int MAX_EMBEDDING_BYTES = 4096;

  /** A track id, album id or artist id as the stream service makes them: 96 bits, base64url. */
  static final int RAW_ID_BYTES = 12;

  static final int ID_CHARS = 16;

  private CatalogFormat() {}
}
