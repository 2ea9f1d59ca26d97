package dev.cadenza.stream.transcode;

/**
 * One transcoded form of a track: its format, its bit rate and whether ReplayGain was applied. Its
 * {@link #name} is the variant part of the chunk keys, so every pod caches and finds the same bytes
 * under the same name.
 *
 * @param bitRate in kbit/s, a step of the {@link BitRateLadder}
 * @param gain the gain applied in dB (ReplayGain), 0 for none
 */
public record Variant(TranscodeFormat format, int bitRate, double gain) {

  /**
   * {@code opus-96}, or with a gain {@code opus-96-g-650} (hundredths of a dB, signed): names the
   * bytes. Change it, or the ffmpeg arguments a name stands for, and old cached variants are simply
   * not found again.
   */
  public String name() {
    String base = format.id() + '-' + bitRate;
    return gain == 0 ? base : base + "-g" + Math.round(gain * 100);
  }

  @Override
  public String toString() {
    return name();
  }
}
