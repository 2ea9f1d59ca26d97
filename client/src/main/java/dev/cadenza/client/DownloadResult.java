package dev.cadenza.client;

/**
 * A finished download.
 *
 * @param etag the strong ETag of the version whose bytes were written; null when the answer had
 *     none (a variant being made)
 * @param bytes the track's length, every byte of which was written
 * @param requests HTTP requests made (1 when nothing failed)
 * @param resumes requests that continued with {@code Range} after a dropped connection
 * @param restarts times the download started over from byte 0: the track changed, or a connection
 *     failed on an answer that cannot be resumed (a variant being made)
 * @param transcoding the variant the bytes are ({@code opus-96}, the service's {@code
 *     X-Transcoding}); {@code ""} for the original, {@code none} when the service could not
 *     transcode and sent the original
 */
public record DownloadResult(
    String etag, long bytes, int requests, int resumes, int restarts, String transcoding) {}
