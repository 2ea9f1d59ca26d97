package dev.cadenza.protocol.catalog;

/**
 * How a track's audio is encoded, as its file's stream header says. Properties a file does not
 * report are null.
 *
 * @param bitrate in kbit/s
 * @param sampleRate in Hz
 * @param codec as the file's reader names it, e.g. {@code MPEG-1 Layer 3}
 */
public record AudioProperties(Integer bitrate, Integer sampleRate, Integer channels, String codec) {

  /** Nothing known about the stream. */
  public static final AudioProperties NONE = new AudioProperties(null, null, null, null);
}
