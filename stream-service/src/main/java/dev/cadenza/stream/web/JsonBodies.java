package dev.cadenza.stream.web;

import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads JSON request bodies field by field, so that a malformed body, a missing or mistyped field,
 * and a misspelt one each get a 400 that names the field, instead of a default nobody asked for.
 */
public final class JsonBodies {

  private final JsonMapper json;

  public JsonBodies(JsonMapper json) {
    this.json = json;
  }

  /** The body as a JSON object with only {@code fields}; an empty body is an empty object. */
  public JsonNode object(String body, String type, String... fields) {
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

  /** A string field, or null when absent or null. */
  public static String string(JsonNode n, String field) {
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

  /** A boolean field, or null when absent or null. */
  public static Boolean bool(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw Problems.invalidBody(
          field, "Field '" + field + "' must be true or false, got " + kind(v) + ".");
    }
    return v.booleanValue();
  }

  /** The JSON type of {@code v} as error messages name it. */
  public static String kind(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    return v.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
