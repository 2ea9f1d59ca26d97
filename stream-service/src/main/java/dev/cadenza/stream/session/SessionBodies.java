package dev.cadenza.stream.session;

import dev.cadenza.protocol.CreateSession;
import dev.cadenza.protocol.JoinSession;
import dev.cadenza.protocol.PauseCommand;
import dev.cadenza.protocol.PlayCommand;
import dev.cadenza.protocol.SeekCommand;
import dev.cadenza.stream.web.JsonBody;
import dev.cadenza.stream.web.Problems;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON bodies of the session API field by field ({@link JsonBody}): a missing, mistyped
 * or misspelt field gets a 400 that names it.
 */
final class SessionBodies {

  private static final String MICROS = "an integer number of microseconds";

  private final JsonMapper json;

  SessionBodies(JsonMapper json) {
    this.json = json;
  }

  CreateSession create(String body) {
    return new CreateSession(JsonBody.object(json, body, "CreateSession", "name").string("name"));
  }

  JoinSession join(String body) {
    return new JoinSession(JsonBody.object(json, body, "JoinSession", "name").string("name"));
  }

  PlayCommand play(String body) {
    JsonBody n =
        JsonBody.object(json, body, "PlayCommand", "trackId", "positionMicros", "atMicros");
    return new PlayCommand(
        n.string("trackId"), n.integer("positionMicros", MICROS), n.integer("atMicros", MICROS));
  }

  PauseCommand pause(String body) {
    JsonBody n = JsonBody.object(json, body, "PauseCommand", "atMicros");
    return new PauseCommand(n.integer("atMicros", MICROS));
  }

  SeekCommand seek(String body) {
    JsonBody n = JsonBody.object(json, body, "SeekCommand", "positionMicros", "atMicros");
    Long position = n.integer("positionMicros", MICROS);
    if (position == null) {
      throw Problems.invalidBody(
          "positionMicros",
          "Field 'positionMicros' is required: the position to jump to, in microseconds.");
    }
    return new SeekCommand(position, n.integer("atMicros", MICROS));
  }
}
