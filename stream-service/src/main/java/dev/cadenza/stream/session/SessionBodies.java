package dev.cadenza.stream.session;

import dev.cadenza.protocol.CreateSession;
import dev.cadenza.protocol.JoinSession;
import dev.cadenza.protocol.PauseCommand;
import dev.cadenza.protocol.PlayCommand;
import dev.cadenza.protocol.SeekCommand;
import dev.cadenza.stream.web.Problems;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON bodies of the session API field by field, so that a malformed body, a missing or
 * mistyped field, and a misspelt one ({@code positionMs}) each get a 400 that names the field,
 * instead of a default value nobody asked for.
 */
final class SessionBodies {

  private final JsonMapper json;

  SessionBodies(JsonMapper json) {
    this.json = json;
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

  /** The body as a JSON object with only {@code fields}; an empty body is an empty object. */
  private JsonNode object(String body, String type, String... fields) {
    if (body == null || body.isBlank()) {
      return json.createObjectNode();
    }
    JsonNode node;
    try {
      node = json.readTree(body);
    } catch (JacksonException e) {
      throw Problems.invalidBody(
          null, "The body is not valid JSON: " + e.getOriginalMessage() + ".");
    }
    if (node == null || !node.isObject()) {
      throw Problems.invalidBody(
          null, "The body must be a JSON object (" + type + "), got " + kind(node) + ".");
    }
    List<String> known = List.of(fields);
    for (String name : node.propertyNames()) {
      if (!known.contains(name)) {
        throw Problems.invalidBody(
            name,
            "Unknown field '" + name + "': " + type + " has " + String.join(", ", known) + ".");
      }
    }
    return node;
  }

  private static String string(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isString()) {
      throw Problems.invalidBody(
          field, "Field '" + field + "' must be a string, got " + kind(v) + ".");
    }
    return v.stringValue();
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
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    return v.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
