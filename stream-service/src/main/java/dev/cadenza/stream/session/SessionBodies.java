package dev.cadenza.stream.session;

import dev.cadenza.protocol.CreateSession;
import dev.cadenza.protocol.JoinSession;
import dev.cadenza.protocol.PauseCommand;
import dev.cadenza.protocol.PlayCommand;
import dev.cadenza.protocol.SeekCommand;
import dev.cadenza.stream.web.JsonBodies;
import dev.cadenza.stream.web.Problems;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON bodies of the session API field by field, so that a malformed body, a missing or
 * mistyped field, and a misspelt one ({@code positionMs}) each get a 400 that names the field,
 * instead of a default value nobody asked for.
 */
final class SessionBodies {

  private final JsonBodies bodies;

  SessionBodies(JsonMapper json) {
    this.bodies = new JsonBodies(json);
  }

  CreateSession create(String body) {
    JsonNode n = object(body, "CreateSession", "name");
    return new CreateSession(string(n, "name"));
  }

  JoinSession join(String body) {
    JsonNode n = object(body, "JoinSession", "name");
    return new JoinSession(string(n, "name"));
  }

  PlayCommand play(String body) {
    JsonNode n = object(body, "PlayCommand", "trackId", "positionMicros", "atMicros");
    return new PlayCommand(
        string(n, "trackId"), integer(n, "positionMicros"), integer(n, "atMicros"));
  }

  PauseCommand pause(String body) {
    JsonNode n = object(body, "PauseCommand", "atMicros");
    return new PauseCommand(integer(n, "atMicros"));
  }

  SeekCommand seek(String body) {
    JsonNode n = object(body, "SeekCommand", "positionMicros", "atMicros");
    Long position = integer(n, "positionMicros");
    if (position == null) {
      throw Problems.invalidBody(
          "positionMicros",
          "Field 'positionMicros' is required: the position to jump to, in microseconds.");
    }
    return new SeekCommand(position, integer(n, "atMicros"));
  }

  private JsonNode object(String body, String type, String... fields) {
    return bodies.object(body, type, fields);
  }

  private static String string(JsonNode n, String field) {
    return JsonBodies.string(n, field);
  }

  private static Long integer(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw Problems.invalidBody(
          field,
          "Field '"
              + field
              + "' must be an integer number of microseconds, got "
              + kind(v)
              + " "
              + v
              + ".");
    }
    return v.longValue();
  }

  private static String kind(JsonNode v) {
    return JsonBodies.kind(v);
  }
}
