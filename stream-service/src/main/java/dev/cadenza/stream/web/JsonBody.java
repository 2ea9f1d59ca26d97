package dev.cadenza.stream.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON request body read field by field, so that a malformed body, a missing or mistyped field,
 * and a misspelt one ({@code positionMs}) each get a 400 that names the field, instead of a default
 * value nobody asked for.
 */
public final class JsonBody {

  private final JsonNode node;

  private JsonBody(JsonNode node) {
    this.node = node;
  }

  /**
   * The body as a JSON object of {@code type} with only {@code fields}; an empty body is an empty
   * object.
   */
  public static JsonBody object(JsonMapper json, String body, String type, String... fields) {
    if (body == null || body.isBlank()) {
      return new JsonBody(json.createObjectNode());
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
    return new JsonBody(node);
  }

  /** Whether the body has {@code field}, even as {@code null}. */
  public boolean has(String field) {
    return node.has(field);
  }

  /** A string field, or null when absent or null. */
  public String string(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isString()) {
      throw mistyped(field, "a string", v);
    }
    return v.stringValue();
  }

  /** An integer field, or null when absent or null; {@code what} says what it counts. */
  public Long integer(String field, String what) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw mistyped(field, what, v);
    }
    return v.longValue();
  }

  /** A boolean field, or null when absent or null. */
  public Boolean bool(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      throw mistyped(field, "true or false", v);
    }
    return v.booleanValue();
  }

  /** An array of strings, or null when absent or null. */
  public List<String> strings(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isArray()) {
      throw mistyped(field, "an array of strings", v);
    }
    List<String> values = new ArrayList<>(v.size());
    for (JsonNode element : v) {
      if (!element.isString()) {
        throw mistyped(field, "an array of strings", element);
      }
      values.add(element.stringValue());
    }
    return values;
  }

  private JsonNode value(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  private static RuntimeException mistyped(String field, String what, JsonNode v) {
    String got = kind(v) + (v.isValueNode() ? " " + v : "");
    return Problems.invalidBody(
        field, "Field '" + field + "' must be " + what + ", got " + got + ".");
  }

  private static String kind(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    return v.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
