package dev.cadenza.client;

/**
 * A finished download.
 *
 * @param etag the strong ETag of the version whose bytes were written
 * @param bytes the track's length, every byte of which was written
 * @param requests HTTP requests made (1 when nothing failed)
 * @param resumes requests that continued with {@code Range} after a dropped connection
 * @param restarts times the track changed and the download started over from byte 0
 */
public record DownloadResult(String etag, long bytes, int requests, int resumes, int restarts) {}
