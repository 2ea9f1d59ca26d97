package dev.cadenza.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads a track's bytes, the original or a transcoded variant ({@link StreamFormat}), and
 * survives dropped connections: after a failure it asks for the rest with {@code Range: bytes=N-}
 * and {@code If-Range: <etag>}, N being the bytes already written. If the file changed on the
 * service meanwhile, {@code If-Range} makes the service answer with the whole new version (200) and
 * the download starts again from byte 0, so the result never mixes two versions. An answer that
 * cannot be resumed (a variant being made: {@code Accept-Ranges: none}, no ETag) is asked for again
 * from byte 0, without {@code Range}: the service would send it from its first byte anyway, and
 * nothing would tell that those are the same bytes. A body that stalls for the client's read
 * timeout counts as a dropped connection. Consecutive failures without a byte of progress are
 * bounded ({@link #DEFAULT_MAX_RETRIES}), with {@link Backoff} between attempts; the length written
 * is checked against {@code Content-Length} and {@code Content-Range}.
 */
public final class TrackDownloader {

  /** Failed attempts in a row, with no byte received in between, before giving up. */
  public static final int DEFAULT_MAX_RETRIES = 5;

  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");
  private static final int BUFFER = 64 * 1024;

  private final HttpClient http;
  private final URI baseUri;
  private final Duration requestTimeout;
  private final Duration readTimeout;
  private final int maxRetries;
  private final Backoff backoff;
  private final Credentials credentials;
  private final StreamFormat format;

  TrackDownloader(
      HttpClient http,
      URI baseUri,
      Duration requestTimeout,
      Duration readTimeout,
      int maxRetries,
      Backoff backoff,
      Credentials credentials,
      StreamFormat format) {
    this.http = http;
    this.baseUri = baseUri;
    this.requestTimeout = requestTimeout;
    this.readTimeout = readTimeout;
    this.maxRetries = maxRetries;
    this.backoff = backoff;
    this.credentials = credentials;
    this.format = format;
  }

  /**
   * The same downloader giving up after {@code maxRetries} failures in a row, waiting {@code
   * backoff}.
   */
  public TrackDownloader withRetries(int maxRetries, Backoff backoff) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
    }
    return new TrackDownloader(
        http, baseUri, requestTimeout, readTimeout, maxRetries, backoff, credentials, format);
  }

  /** The same downloader asking for {@code format} (the client's default otherwise). */
  public TrackDownloader withFormat(StreamFormat format) {
    return new TrackDownloader(
        http,
        baseUri,
        requestTimeout,
        readTimeout,
        maxRetries,
        backoff,
        credentials,
        Objects.requireNonNull(format));
  }

  /**
   * Downloads the track into {@code file} (created or overwritten). A change of the track during
   * the download restarts it and overwrites the file from the beginning.
   */
  public DownloadResult download(String trackId, Path file, DownloadProgress progress) {
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      DownloadResult result =
          download(
              trackId,
              new Sink() {
                @Override
                public void write(byte[] bytes, int length) throws IOException {
                  ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
                  while (buffer.hasRemaining()) {
                    channel.write(buffer);
                  }
                }

                @Override
                public boolean restart() throws IOException {
                  channel.truncate(0);
                  channel.position(0);
                  return true;
                }
              },
              progress);
      channel.force(false);
      return result;
    } catch (IOException e) {
      throw new CadenzaException("cannot write " + file, e.toString(), e);
    }
  }

  /**
   * Downloads the track into {@code out}. Bytes once written cannot be taken back, so a change of
   * the track during the download fails it (status 412) instead of restarting, and so does a
   * dropped connection on an answer that cannot be resumed (a variant being made; status 0).
   */
  public DownloadResult download(String trackId, OutputStream out, DownloadProgress progress) {
    return download(
        trackId,
        new Sink() {
          @Override
          public void write(byte[] bytes, int length) throws IOException {
            out.write(bytes, 0, length);
          }

          @Override
          public boolean restart() {
            return false;
          }
        },
        progress);
  }

  /** Where the bytes go. */
  private interface Sink {
    void write(byte[] bytes, int length) throws IOException;

    /** Discards everything written; false if it cannot. */
    boolean restart() throws IOException;
  }

  private DownloadResult download(String trackId, Sink sink, DownloadProgress progress) {
    URI uri =
        URI.create(
            baseUri
                + "/api/v1/tracks/"
                + CadenzaClient.segment(trackId)
                + "/stream"
                + format.query());
    State state = new State();
    int failures = 0;
    while (true) {
      long before = state.received;
      try {
        if (attempt(uri, sink, state, progress)) {
          return new DownloadResult(
              state.etag,
              state.received,
              state.requests,
              state.resumes,
              state.restarts,
              state.transcoding);
        }
        throw new IOException(
            "connection closed after " + state.received + " of " + state.total + " bytes");
      } catch (IOException e) {
        failures = state.received > before ? 1 : failures + 1;
        if (failures > maxRetries) {
          throw new CadenzaException(
              "download failed",
              uri
                  + ": gave up after "
                  + failures
                  + " failed attempts in a row, at byte "
                  + state.received
                  + ": "
                  + e,
              e);
        }
        Duration wait = backoff.delay(failures);
        if (state.received == 0 || state.resumable) {
          progress.onRetry(state.received, e, wait);
        } else {
          startOver(uri, sink, state, e);
          progress.onStartOver(state.discarded, e, wait);
        }
        try {
          Backoff.sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new CadenzaException("interrupted", "download of " + uri, interrupted);
        }
      }
    }
  }

  /**
   * Discards what was written of an answer that cannot be resumed, so that the next attempt starts
   * from byte 0.
   */
  private static void startOver(URI uri, Sink sink, State state, IOException cause)
      throws CadenzaException {
    boolean restarted;
    try {
      restarted = sink.restart();
    } catch (IOException e) {
      throw new CadenzaException("cannot start the download over", uri + ": " + e, e);
    }
    if (!restarted) {
      throw new CadenzaException(
          "download cannot be resumed",
          uri
              + " was sent without byte ranges ("
              + (state.transcoding.isEmpty() ? "" : state.transcoding + ", ")
              + "Accept-Ranges: none) and the connection failed after "
              + state.received
              + " bytes were written: "
              + cause,
          cause);
    }
    state.discarded = state.received;
    state.received = 0;
    state.total = -1;
    state.etag = null;
    state.restarts++;
  }

  /** What has been written so far, and of which version. */
  private static final class State {
    String etag;
    long received;
    long total = -1;
    boolean resumable;
    String transcoding = "";
    long discarded;
    int requests;
    int resumes;
    int restarts;
  }

  /**
   * One request: from the start, or the rest of the version already begun. True when the track is
   * complete; false or IOException when the connection ended early.
   */
  private boolean attempt(URI uri, Sink sink, State state, DownloadProgress progress)
      throws IOException {
    HttpRequest.Builder request =
        CadenzaClient.authorized(
            HttpRequest.newBuilder(uri).timeout(requestTimeout).GET(), credentials);
    boolean resuming = state.received > 0 && state.resumable;
    if (resuming) {
      request.header("Range", "bytes=" + state.received + "-");
      request.header("If-Range", state.etag);
      state.resumes++;
    }
    state.requests++;
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofPublisher());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CadenzaException("interrupted", "download of " + uri, e);
    }
    try (TimedBody body = TimedBody.of(response.body(), readTimeout)) {
      int status = response.statusCode();
      String etag = response.headers().firstValue("ETag").orElse(null);
      long expected;
      if (status == 200) {
        if (state.received > 0) {
          // If-Range did not match: another version, whole
          if (!sink.restart()) {
            throw new CadenzaException(
                412,
                null,
                "track changed during download",
                uri
                    + " changed from "
                    + state.etag
                    + " to "
                    + etag
                    + " after "
                    + state.received
                    + " bytes were written",
                null);
          }
          progress.onRestart(state.etag, etag);
          state.restarts++;
          state.received = 0;
        }
        state.etag = etag;
        state.total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        // a variant being made says "none" and has no ETag: nothing to resume against
        state.resumable =
            etag != null
                && !response.headers().firstValue("Accept-Ranges").orElse("").equals("none");
        state.transcoding = variant(response);
        expected = state.total;
      } else if (status == 206 && resuming) {
        expected = checkRange(uri, response, state);
      } else if (status >= 500 || status == 429) {
        throw new IOException(
            CadenzaException.ofResponse(response, body.readAtMost(BUFFER)).getMessage());
      } else {
        throw CadenzaException.ofResponse(response, body.readAtMost(BUFFER));
      }
      copy(body, sink, state, expected, progress, uri);
    }
    if (state.total < 0) {
      return true; // no length to check: the end of the body is the end
    }
    return state.received == state.total;
  }

  /** The variant {@code X-Transcoding} names ({@code opus-96}), {@code ""} for the original. */
  private static String variant(HttpResponse<?> response) {
    String header = response.headers().firstValue("X-Transcoding").orElse("");
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon)).strip();
  }

  /** The number of bytes a 206 answer holds, after checking it continues where we are. */
  private static long checkRange(URI uri, HttpResponse<?> response, State state) {
    String contentRange = response.headers().firstValue("Content-Range").orElse("");
    Matcher m = CONTENT_RANGE.matcher(contentRange);
    if (!m.matches()) {
      throw new CadenzaException(
          206, null, "bad partial answer", uri + ": Content-Range '" + contentRange + "'", null);
    }
    long first = Long.parseLong(m.group(1));
    long last = Long.parseLong(m.group(2));
    long size = Long.parseLong(m.group(3));
    String etag = response.headers().firstValue("ETag").orElse(state.etag);
    if (first != state.received
        || (state.total >= 0 && size != state.total)
        || !etag.equals(state.etag)) {
      throw new CadenzaException(
          206,
          null,
          "partial answer does not continue the download",
          uri
              + " sent "
              + contentRange
              + " "
              + etag
              + " for bytes "
              + state.received
              + "- of "
              + state.total
              + " "
              + state.etag,
          null);
    }
    state.total = size;
    return last - first + 1;
  }

  private static void copy(
      TimedBody body, Sink sink, State state, long expected, DownloadProgress progress, URI uri)
      throws IOException {
    byte[] buffer = new byte[BUFFER];
    long copied = 0;
    int n;
    while ((n = body.read(buffer)) >= 0) {
      if (expected >= 0 && copied + n > expected) {
        throw new CadenzaException(
            0, null, "answer longer than announced", uri + ": over " + expected + " bytes", null);
      }
      sink.write(buffer, n);
      copied += n;
      state.received += n;
      progress.onProgress(state.received, state.total);
    }
  }
}
