package dev.cadenza.client;

import java.time.Duration;

/** Hears how a {@link TrackDownloader} download goes; called on the downloading thread. */
@FunctionalInterface
public interface DownloadProgress {

  /** Quiet. */
  DownloadProgress NONE = (received, total) -> {};

  /** Bytes written so far out of {@code total} (-1 while unknown). */
  void onProgress(long received, long total);

  /** The connection failed; the download resumes from byte {@code from} after {@code wait}. */
  default void onRetry(long from, Throwable cause, Duration wait) {}

  /** The track changed on the service (new ETag): the download starts again from byte 0. */
  default void onRestart(String oldEtag, String newEtag) {}

  /**
   * The connection failed on an answer that cannot be resumed (a variant being made: {@code
   * Accept-Ranges: none}): after {@code wait} the download starts again from byte 0, without {@code
   * Range}; the {@code discarded} bytes written so far are gone.
   */
  default void onStartOver(long discarded, Throwable cause, Duration wait) {}
}
