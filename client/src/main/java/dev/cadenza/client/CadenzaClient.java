package dev.cadenza.client;

import dev.cadenza.protocol.Api;
import dev.cadenza.protocol.CreateSession;
import dev.cadenza.protocol.JoinSession;
import dev.cadenza.protocol.Member;
import dev.cadenza.protocol.PauseCommand;
import dev.cadenza.protocol.PlayCommand;
import dev.cadenza.protocol.SeekCommand;
import dev.cadenza.protocol.SessionView;
import dev.cadenza.protocol.catalog.CatalogCodec;
import dev.cadenza.protocol.catalog.CatalogFormatException;
import dev.cadenza.protocol.catalog.CatalogPage;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.StringJoiner;
import tools.jackson.core.JacksonException;

/**
 * The entry point of the Java client: group sessions, their event streams, the track listing, and
 * the factories for {@link ClockSync} and {@link TrackDownloader}.
 *
 * <pre>{@code
 * CadenzaClient cadenza = CadenzaClient.create(URI.create("http://cadenza:8080"));
 * SessionView session = cadenza.createSession("kitchen");
 * Member me = cadenza.join(session.id(), "speaker-1");
 * }</pre>
 *
 * <p>Every call blocks until the answer is in and throws {@link CadenzaException} for an error
 * response (with the service's problem details) or a failed exchange. Instances are thread-safe;
 * share one per service.
 */
public final class CadenzaClient {

  /** How long to wait for a connection, by default. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** How long to wait for an answer's headers, by default. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** How long a download's body may stall before the connection counts as dropped, by default. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  private final URI baseUri;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Duration readTimeout;
  private final Backoff backoff;
  private final Credentials credentials;
  private final StreamFormat streamFormat;
  private final HttpClient http;

  private CadenzaClient(Builder builder) {
    this.baseUri = withoutTrailingSlash(builder.baseUri);
    this.connectTimeout = builder.connectTimeout;
    this.requestTimeout = builder.requestTimeout;
    this.readTimeout = builder.readTimeout;
    this.backoff = builder.backoff;
    this.credentials = builder.credentials;
    this.streamFormat = builder.streamFormat;
    // HTTP/1.1 as players speak it: no h2c upgrade round on the first request
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .build();
  }

  /**
   * A client with the default timeouts, for a service at {@code baseUri} (e.g. {@code
   * http://cadenza:8080}).
   */
  public static CadenzaClient create(URI baseUri) {
    return builder(baseUri).build();
  }

  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  public URI baseUri() {
    return baseUri;
  }

  // ---- sessions

  /** Creates a session ({@code name} may be null); answers it with its first version. */
  public SessionView createSession(String name) {
    return send(post(Api.SESSIONS, new CreateSession(name)), 201, SessionView.class);
  }

  public SessionView session(String sessionId) {
    return send(get(Api.session(segment(sessionId))), 200, SessionView.class);
  }

  /** Joins a session as a player called {@code name}; keep the member's id to leave. */
  public Member join(String sessionId, String name) {
    return send(post(Api.members(segment(sessionId)), new JoinSession(name)), 201, Member.class);
  }

  public void leave(String sessionId, String memberId) {
    send(
        request(Api.members(segment(sessionId)) + "/" + segment(memberId)).DELETE(),
        -1,
        Void.class);
  }

  /** Plays (or resumes) at the instant and position of {@code command}; answers the session. */
  public SessionView play(String sessionId, PlayCommand command) {
    return command(sessionId, "play", command, -1);
  }

  /**
   * As {@link #play(String, PlayCommand)}, only if the session is still at {@code version} (else
   * 412).
   */
  public SessionView play(String sessionId, PlayCommand command, long version) {
    return command(sessionId, "play", command, version);
  }

  public SessionView pause(String sessionId, PauseCommand command) {
    return command(sessionId, "pause", command, -1);
  }

  public SessionView pause(String sessionId, PauseCommand command, long version) {
    return command(sessionId, "pause", command, version);
  }

  public SessionView seek(String sessionId, SeekCommand command) {
    return command(sessionId, "seek", command, -1);
  }

  public SessionView seek(String sessionId, SeekCommand command, long version) {
    return command(sessionId, "seek", command, version);
  }

  /** Ends a session: its followers receive {@code ended}. */
  public void deleteSession(String sessionId) {
    send(request(Api.session(segment(sessionId))).DELETE(), -1, Void.class);
  }

  /**
   * Follows a session's events on a thread of its own until the session ends or the returned stream
   * is closed; reconnects after a dropped connection (see {@link SessionEventStream}).
   */
  public SessionEventStream followEvents(String sessionId, SessionListener listener) {
    SessionEventStream stream =
        new SessionEventStream(
            http,
            resolve(Api.events(segment(sessionId))),
            sessionId,
            Objects.requireNonNull(listener),
            backoff,
            connectTimeout,
            credentials);
    stream.start();
    return stream;
  }

  // ---- tracks

  /** One page of tracks whose metadata matches all words of {@code query} (null: all tracks). */
  public TrackPage tracks(String query, int limit, String cursor) {
    StringJoiner params = new StringJoiner("&", "?", "");
    params.add("limit=" + limit);
    if (query != null && !query.isBlank()) {
      params.add("q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
    }
    if (cursor != null) {
      params.add("cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
    }
    return send(get("/api/v1/tracks" + params), 200, TrackPage.class);
  }

  /**
   * The same page as {@link #tracks} in the compact binary format (docs/catalog-format.md): about
   * an eighth of the JSON's bytes, and several times faster to decode.
   */
  public CatalogPage tracksCompact(String query, int limit, String cursor) {
    StringJoiner params = new StringJoiner("&", "?", "");
    params.add("limit=" + limit);
    if (query != null && !query.isBlank()) {
      params.add("q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
    }
    if (cursor != null) {
      params.add("cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
    }
    HttpRequest request =
        get("/api/v1/tracks" + params)
            .setHeader("Accept", CatalogCodec.MEDIA_TYPE + ", application/problem+json")
            .build();
    HttpResponse<byte[]> response = exchange(request, 200);
    try {
      return CatalogCodec.decode(response.body());
    } catch (CatalogFormatException e) {
      throw new CadenzaException(
          200, null, "unreadable answer", "GET " + request.uri() + ": " + e.getMessage(), e);
    }
  }

  public Track track(String trackId) {
    return send(get("/api/v1/tracks/" + segment(trackId)), 200, Track.class);
  }

  // ---- the other parts

  /**
   * A clock synchroniser against this service's media clock, for a player whose clock is {@code
   * clock}.
   */
  public ClockSync clockSync(LocalClock clock) {
    return ClockSync.builder(baseUri).clock(clock).timeout(connectTimeout).build();
  }

  /**
   * A downloader of this service's tracks with the default retry settings, asking for the client's
   * {@link Builder#streamFormat stream format} ({@link TrackDownloader#withFormat} changes it).
   */
  public TrackDownloader downloader() {
    return new TrackDownloader(
        http,
        baseUri,
        requestTimeout,
        readTimeout,
        TrackDownloader.DEFAULT_MAX_RETRIES,
        backoff,
        credentials,
        streamFormat);
  }

  // ---- plumbing

  URI resolve(String path) {
    return URI.create(baseUri + path);
  }

  private SessionView command(String sessionId, String command, Object body, long version) {
    HttpRequest.Builder request = post(Api.command(segment(sessionId), command), body);
    if (version >= 0) {
      request.header("If-Match", "\"" + version + "\"");
    }
    return send(request, 200, SessionView.class);
  }

  private HttpRequest.Builder request(String path) {
    return authorized(
        HttpRequest.newBuilder(resolve(path))
            .timeout(requestTimeout)
            .header("Accept", "application/json, application/problem+json"),
        credentials);
  }

  /** {@code request} with the credentials' {@code Authorization} header, if any. */
  static HttpRequest.Builder authorized(HttpRequest.Builder request, Credentials credentials) {
    String authorization = credentials.authorization();
    return authorization == null ? request : request.header("Authorization", authorization);
  }

  private HttpRequest.Builder get(String path) {
    return request(path).GET();
  }

  private HttpRequest.Builder post(String path, Object body) {
    return request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)));
  }

  /**
   * Sends and reads the answer as {@code type}; {@code expected} is the success status (-1: any
   * 2xx, body ignored).
   */
  private <T> T send(HttpRequest.Builder builder, int expected, Class<T> type) {
    HttpRequest request = builder.build();
    HttpResponse<byte[]> response = exchange(request, expected);
    if (type == Void.class) {
      return null;
    }
    try {
      return Json.MAPPER.readValue(response.body(), type);
    } catch (JacksonException e) {
      throw new CadenzaException(
          response.statusCode(),
          null,
          "unreadable answer",
          request.method() + " " + request.uri() + ": " + e.getOriginalMessage(),
          e);
    }
  }

  /** Sends; an answer other than {@code expected} (-1: any 2xx) is a {@link CadenzaException}. */
  private HttpResponse<byte[]> exchange(HttpRequest request, int expected) {
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new CadenzaException(
          "timed out", request.method() + " " + request.uri() + " got no answer in time", e);
    } catch (IOException e) {
      throw new CadenzaException(
          "request failed", request.method() + " " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CadenzaException("interrupted", request.method() + " " + request.uri(), e);
    }
    int status = response.statusCode();
    boolean ok = expected < 0 ? status / 100 == 2 : status == expected;
    if (!ok) {
      if (status / 100 == 2) {
        throw new CadenzaException(
            status,
            null,
            "unexpected status",
            request.method()
                + " "
                + request.uri()
                + " answered "
                + status
                + ", expected "
                + expected,
            null);
      }
      throw CadenzaException.ofResponse(response, response.body());
    }
    return response;
  }

  /** An id as one path segment: ids are URL-safe, but a typo must not change the path. */
  static String segment(String id) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("an id must not be blank");
    }
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static URI withoutTrailingSlash(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
  }

  /** Settings of a {@link CadenzaClient}. */
  public static final class Builder {
    private final URI baseUri;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Backoff backoff = Backoff.DEFAULT;
    private Credentials credentials = Credentials.NONE;
    private StreamFormat streamFormat = StreamFormat.ORIGINAL;

    private Builder(URI baseUri) {
      if (baseUri == null
          || !("http".equals(baseUri.getScheme()) || "https".equals(baseUri.getScheme()))
          || baseUri.getHost() == null) {
        throw new IllegalArgumentException("need an http(s) URL of the service, got " + baseUri);
      }
      this.baseUri = baseUri;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** How long to wait for an answer's headers (a stream's body may take longer). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** How long a download's body may stall before it resumes on a new connection. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** Waits between reconnection attempts of event streams and downloads. */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff);
      return this;
    }

    /** Who the requests act for (docs/auth.md); {@link Credentials#NONE} by default. */
    public Builder credentials(Credentials credentials) {
      this.credentials = Objects.requireNonNull(credentials);
      return this;
    }

    /**
     * What downloads ask for: a format and bit rate the service transcodes to
     * (docs/transcoding.md); {@link StreamFormat#ORIGINAL} by default.
     */
    public Builder streamFormat(StreamFormat format) {
      this.streamFormat = Objects.requireNonNull(format);
      return this;
    }

    public CadenzaClient build() {
      return new CadenzaClient(this);
    }
  }
}
