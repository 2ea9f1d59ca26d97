package dev.cadenza.stream.library;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one scan found.
 *
 * @param files audio files seen
 * @param added tracks new since the previous scan
 * @param changed tracks whose file changed
 * @param removed tracks whose file is gone
 * @param skipped audio files that could not be read, with the reason (the first few)
 * @param skippedCount all audio files that could not be read
 * @param ignored files that are not audio, and links leaving the library
 */
public record ScanReport(
    Instant startedAt,
    Duration duration,
    int files,
    int added,
    int changed,
    int removed,
    List<SkippedFile> skipped,
    int skippedCount,
    int ignored) {

  /** A file left out of the catalogue, and why. */
  public record SkippedFile(String path, String reason) {}
}
