package dev.cadenza.stream.transcode;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code cadenza.transcoding.*}: transcoding with ffmpeg (docs/transcoding.md).
 *
 * @param enabled off: every request is served the original
 * @param ffmpeg the ffmpeg binary: a name looked up on the PATH, or a path
 * @param maxConcurrent ffmpeg runs at once on this pod; 0: one per CPU. Past it a request that
 *     needs a new run gets 503 with Retry-After (one already running is shared)
 * @param defaultFormat the format when a request limits the bit rate but names no format
 * @param subsonicDefaultFormat the same for OpenSubsonic calls (their clients expect MP3)
 * @param defaultBitRate kbit/s when a request names a format but no bit rate
 * @param replayGain {@code off}, or {@code track} / {@code album}: apply that ReplayGain (the other
 *     when it is missing) when transcoding
 * @param runTimeout the longest one ffmpeg run may take; it is stopped past it
 * @param retryAfter what the 503 past {@code maxConcurrent} tells the client to wait
 */
@Validated
@ConfigurationProperties("cadenza.transcoding")
public record TranscodingProperties(
    @DefaultValue("true") boolean enabled,
    @NotBlank @DefaultValue("ffmpeg") String ffmpeg,
    @Min(0) @Max(256) @DefaultValue("0") int maxConcurrent,
    @NotBlank @Pattern(regexp = "(?i)opus|mp3|aac|m4a") @DefaultValue("opus") String defaultFormat,
    @NotBlank @Pattern(regexp = "(?i)opus|mp3|aac|m4a") @DefaultValue("mp3")
        String subsonicDefaultFormat,
    @Min(32) @Max(320) @DefaultValue("128") int defaultBitRate,
    @NotBlank @Pattern(regexp = "(?i)off|track|album") @DefaultValue("off") String replayGain,
    @NotNull @DefaultValue("10m") Duration runTimeout,
    @NotNull @DefaultValue("2s") Duration retryAfter) {

  /** {@link #maxConcurrent}, with 0 resolved to the CPUs this JVM sees. */
  public int slots() {
    return maxConcurrent > 0 ? maxConcurrent : Runtime.getRuntime().availableProcessors();
  }
}
