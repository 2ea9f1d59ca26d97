package dev.cadenza.client;

import dev.cadenza.protocol.SessionEvent;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tools.jackson.core.JacksonException;

/**
 * A running subscription to a session's events ({@link CadenzaClient#followEvents}). A dropped
 * connection is reopened after a backoff with {@code Last-Event-ID} set to the last version seen;
 * it ends on the {@code ended} event, on {@link #close()}, or when the service refuses the
 * subscription with a 4xx.
 */
public final class SessionEventStream implements AutoCloseable {

  private final HttpClient http;
  private final URI uri;
  private final SessionListener listener;
  private final Backoff backoff;
  private final Duration connectTimeout;
  private final Credentials credentials;
  private final Thread thread;
  private final CountDownLatch done = new CountDownLatch(1);

  private volatile boolean closed;
  private volatile String lastEventId;
  private volatile InputStream body;

  SessionEventStream(
      HttpClient http,
      URI uri,
      String sessionId,
      SessionListener listener,
      Backoff backoff,
      Duration connectTimeout,
      Credentials credentials) {
    this.http = http;
    this.uri = uri;
    this.listener = listener;
    this.backoff = backoff;
    this.connectTimeout = connectTimeout;
    this.credentials = credentials;
    this.thread = new Thread(this::run, "cadenza-events-" + sessionId);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** The id ({@code version}) of the last event received, or null before the first. */
  public String lastEventId() {
    return lastEventId;
  }

  /** Whether the subscription has ended (see {@link SessionListener#onClosed}). */
  public boolean isDone() {
    return done.getCount() == 0;
  }

  /** Waits for the subscription to end; true if it did within {@code timeout}. */
  public boolean await(Duration timeout) throws InterruptedException {
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops following: closes the connection and ends the thread. */
  @Override
  public void close() {
    closed = true;
    InputStream current = body;
    if (current != null) {
      try {
        current.close();
      } catch (IOException ignored) {
        // closing is all we wanted
      }
    }
    if (Thread.currentThread() != thread) {
      thread.interrupt();
    }
  }

  private void run() {
    CadenzaException failure = null;
    try {
      failure = follow();
    } catch (InterruptedException e) {
      // closed while waiting
    } catch (RuntimeException e) {
      failure =
          e instanceof CadenzaException c
              ? c
              : new CadenzaException("session listener failed", e.toString(), e);
    } finally {
      closed = true;
      try {
        listener.onClosed(failure);
      } finally {
        done.countDown();
      }
    }
  }

  /** Connects until the session ends or {@link #close()}; returns the failure that ended it. */
  private CadenzaException follow() throws InterruptedException {
    int failures = 0;
    long serverRetryMillis = -1;
    while (!closed) {
      Throwable cause;
      Outcome outcome = new Outcome();
      try {
        HttpResponse<InputStream> response =
            http.send(request(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
          byte[] error;
          try (InputStream in = response.body()) {
            error = in.readNBytes(64 * 1024);
          }
          CadenzaException refused = CadenzaException.ofResponse(response, error);
          if (response.statusCode() < 500 && response.statusCode() != 429) {
            return refused;
          }
          cause = refused;
        } else if (!response
            .headers()
            .firstValue("Content-Type")
            .orElse("")
            .startsWith("text/event-stream")) {
          response.body().close();
          return new CadenzaException(
              200,
              null,
              "not an event stream",
              "GET "
                  + uri
                  + " answered "
                  + response.headers().firstValue("Content-Type").orElse("no Content-Type"),
              null);
        } else {
          body = response.body();
          if (closed) {
            return null;
          }
          SseParser parser = new SseParser(m -> deliver(m, outcome), lastEventId);
          try (BufferedReader reader =
              new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while (!outcome.ended && (line = reader.readLine()) != null) {
              parser.line(line);
            }
          } finally {
            if (parser.retryMillis() >= 0) {
              serverRetryMillis = parser.retryMillis();
            }
          }
          if (outcome.ended) {
            return null;
          }
          cause = new EOFException("the service closed the event stream");
        }
      } catch (IOException e) {
        cause = e;
      }
      if (closed) {
        return null;
      }
      failures = outcome.events > 0 ? 1 : failures + 1;
      Duration wait = backoff.delay(failures);
      if (serverRetryMillis >= 0 && failures == 1) {
        wait = Duration.ofMillis(Math.min(serverRetryMillis, backoff.max().toMillis()));
      }
      listener.onDisconnected(cause, wait);
      Backoff.sleep(wait);
    }
    return null;
  }

  private HttpRequest request() {
    HttpRequest.Builder request =
        CadenzaClient.authorized(HttpRequest.newBuilder(uri), credentials)
            .header("Accept", "text/event-stream")
            .header("Cache-Control", "no-cache")
            // the timeout covers the wait for the response headers, not the endless body
            .timeout(connectTimeout.plus(connectTimeout))
            .GET();
    String last = lastEventId;
    if (last != null) {
      request.header("Last-Event-ID", last);
    }
    return request.build();
  }

  private void deliver(SseParser.Message message, Outcome outcome) {
    if (closed) {
      return;
    }
    SessionEvent event;
    try {
      event = Json.MAPPER.readValue(message.data(), SessionEvent.class);
    } catch (JacksonException e) {
      throw new CadenzaException(
          "unreadable session event",
          "event '" + message.event() + "': " + e.getOriginalMessage(),
          e);
    }
    if (message.id() != null) {
      lastEventId = message.id();
    }
    outcome.events++;
    listener.onEvent(event);
    if ("ended".equals(event.type())) {
      outcome.ended = true;
    }
  }

  /** What one connection delivered. */
  private static final class Outcome {
    int events;
    boolean ended;
  }
}
