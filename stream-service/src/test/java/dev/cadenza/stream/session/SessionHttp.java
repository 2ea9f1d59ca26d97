package dev.cadenza.stream.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.protocol.Api;
import dev.cadenza.protocol.Member;
import dev.cadenza.protocol.SessionEvent;
import dev.cadenza.protocol.SessionView;
import dev.cadenza.stream.testsupport.TestHttp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A player's view of the session API on one service instance (HTTP/1.1, as players speak it).
 * Public for the tests that drive several instances as separate processes ({@code
 * front.MultiProcessIT}).
 */
public final class SessionHttp {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private final TestHttp http;

  public SessionHttp(int port) {
    this.http = new TestHttp(port);
  }

  /** One answer: status, headers and body. */
  public record Answer(HttpResponse<String> response) {

    public int status() {
      return response.statusCode();
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    JsonNode json() {
      return JSON.readTree(response.body());
    }

    public SessionView session() {
      return JSON.readValue(response.body(), SessionView.class);
    }

    Member member() {
      return JSON.readValue(response.body(), Member.class);
    }

    /** Asserts a problem with this status whose detail contains each of {@code words}. */
    JsonNode problem(int status, String... words) {
      assertThat(status()).as(response.body()).isEqualTo(status);
      assertThat(header("Content-Type")).startsWith("application/problem+json");
      JsonNode p = json();
      assertThat(p.get("status").asInt()).isEqualTo(status);
      assertThat(p.get("detail").asString()).contains(words);
      return p;
    }

    public SessionView ok() {
      assertThat(status()).as(response.body()).isEqualTo(200);
      return session();
    }
  }

  Answer send(String method, String path, String body, String... headers) {
    String[] all = headers;
    if (body != null) {
      all = new String[headers.length + 2];
      all[0] = "Content-Type";
      all[1] = "application/json";
      System.arraycopy(headers, 0, all, 2, headers.length);
    }
    return new Answer(http.send(method, path, body, all));
  }

  Answer post(String path, String body, String... headers) {
    return send("POST", path, body, headers);
  }

  Answer get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  public Answer delete(String path, String... headers) {
    return send("DELETE", path, null, headers);
  }

  public SessionView create(String name) {
    Answer a = post(Api.SESSIONS, name == null ? null : "{\"name\":\"" + name + "\"}");
    assertThat(a.status()).as(a.response().body()).isEqualTo(201);
    return a.session();
  }

  public Member join(String sessionId, String name) {
    Answer a = post(Api.members(sessionId), "{\"name\":\"" + name + "\"}");
    assertThat(a.status()).as(a.response().body()).isEqualTo(201);
    return a.member();
  }

  public Answer command(String sessionId, String command, String body, String... headers) {
    return post(Api.command(sessionId, command), body, headers);
  }

  /** Opens the event stream of a session; read what arrived from {@link Events#events}. */
  public Events events(String sessionId, String... headers) {
    HttpRequest.Builder b =
        http.request(Api.events(sessionId)).header("Accept", "text/event-stream");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<InputStream> r =
          TestHttp.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      return new Events(r);
    } catch (Exception e) {
      throw new IllegalStateException("events of " + sessionId + ": " + e, e);
    }
  }

  /** One SSE message as received. */
  public record Sse(String event, String id, SessionEvent data) {}

  /** An open event stream, read on its own thread. */
  public static final class Events implements AutoCloseable {

    final HttpResponse<InputStream> response;
    final List<Sse> events = new CopyOnWriteArrayList<>();
    final List<String> comments = new CopyOnWriteArrayList<>();
    volatile boolean completed;

    /** The status of the answer: 200 when the stream opened. */
    public int status() {
      return response.statusCode();
    }

    /** The messages received so far, in order. */
    public List<Sse> events() {
      return events;
    }

    /** Whether the service ended the stream. */
    public boolean completed() {
      return completed;
    }

    private final Thread reader;

    Events(HttpResponse<InputStream> response) {
      this.response = response;
      this.reader = new Thread(this::read, "sse-reader");
      reader.setDaemon(true);
      if (response.statusCode() == 200) {
        reader.start();
      }
    }

    private void read() {
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        String event = null;
        String id = null;
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
          if (line.isEmpty()) {
            if (data.length() > 0) {
              events.add(new Sse(event, id, JSON.readValue(data.toString(), SessionEvent.class)));
            }
            event = null;
            id = null;
            data.setLength(0);
          } else if (line.startsWith(":")) {
            comments.add(line.substring(1));
          } else if (line.startsWith("event:")) {
            event = line.substring(6).trim();
          } else if (line.startsWith("id:")) {
            id = line.substring(3).trim();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).trim());
          }
        }
        completed = true;
      } catch (Exception e) {
        // closed by the test
      }
    }

    List<String> types() {
      return events.stream().map(Sse::event).toList();
    }

    Sse last() {
      return events.get(events.size() - 1);
    }

    @Override
    public void close() throws IOException {
      response.body().close();
    }
  }
}
