package dev.cadenza.stream.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cadenza.protocol.CreateSession;
import dev.cadenza.protocol.JoinSession;
import dev.cadenza.protocol.PauseCommand;
import dev.cadenza.protocol.PlayCommand;
import dev.cadenza.protocol.SeekCommand;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzes the session API's request bodies (docs/testing.md): whatever the bytes, {@link
 * SessionBodies} (through web/JsonBody) returns the command the JSON object says, or throws a 400
 * problem with a detail, never anything else.
 */
class SessionBodiesFuzzTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final SessionBodies BODIES = new SessionBodies(JSON);

  private static final Map<String, Set<String>> FIELDS =
      Map.of(
          "create", Set.of("name"),
          "join", Set.of("name"),
          "play", Set.of("trackId", "positionMicros", "atMicros"),
          "pause", Set.of("atMicros"),
          "seek", Set.of("positionMicros", "atMicros"));
  private static final String[] COMMANDS = {"create", "join", "play", "pause", "seek"};

  @FuzzTest(maxDuration = "30s")
  void aBodyIsACommandOrA400(FuzzedDataProvider data) {
    String command = data.pickValue(COMMANDS);
    // as the controller gets it: the request's bytes decoded as UTF-8
    String body = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);

    Object parsed;
    try {
      parsed =
          switch (command) {
            case "create" -> BODIES.create(body);
            case "join" -> BODIES.join(body);
            case "play" -> BODIES.play(body);
            case "pause" -> BODIES.pause(body);
            default -> BODIES.seek(body);
          };
    } catch (ErrorResponseException problem) {
      assertThat(problem.getStatusCode().value()).isEqualTo(400);
      ProblemDetail detail = problem.getBody();
      assertThat(detail.getType().toString()).endsWith("/invalid-body");
      assertThat(detail.getTitle()).isNotBlank();
      assertThat(detail.getDetail()).isNotBlank().doesNotContain("\tat ");
      return;
    }
    assertThat(parsed).isNotNull();
    JsonNode node = body.isBlank() ? JSON.createObjectNode() : readTree(body);
    assertThat(node.isObject()).as("accepted %s", body).isTrue();
    assertThat(FIELDS.get(command)).containsAll(node.propertyNames());
    if (parsed instanceof CreateSession c) {
      assertThat(c.name()).isEqualTo(text(node, "name"));
    } else if (parsed instanceof JoinSession j) {
      assertThat(j.name()).isEqualTo(text(node, "name"));
    } else if (parsed instanceof PlayCommand p) {
      assertThat(p.trackId()).isEqualTo(text(node, "trackId"));
      assertThat(p.positionMicros()).isEqualTo(integer(node, "positionMicros"));
      assertThat(p.atMicros()).isEqualTo(integer(node, "atMicros"));
    } else if (parsed instanceof PauseCommand p) {
      assertThat(p.atMicros()).isEqualTo(integer(node, "atMicros"));
    } else if (parsed instanceof SeekCommand s) {
      assertThat(s.positionMicros()).isEqualTo(integer(node, "positionMicros"));
      assertThat(s.atMicros()).isEqualTo(integer(node, "atMicros"));
    } else {
      throw new AssertionError("unexpected " + parsed);
    }
  }

  private static JsonNode readTree(String body) {
    try {
      return JSON.readTree(body);
    } catch (JacksonException e) {
      throw new AssertionError("accepted a body that is not JSON: " + body, e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.stringValue();
  }

  private static Long integer(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.longValue();
  }
}
