package dev.cadenza.stream.subsonic;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One element of an OpenSubsonic response, written once and rendered as XML or JSON ({@link
 * ResponseFormat}), so the two cannot disagree. Attributes keep their types: in JSON, numbers are
 * numbers and booleans booleans; instants are ISO 8601 strings in both. A null attribute is left
 * out.
 *
 * <p>Children come in four kinds, as the spec's schema has them: one child element ({@link
 * #child}); repeated child elements ({@link #list}, a JSON array); an element with text only
 * ({@link #value}: {@code <notes>text</notes>}, {@code "notes": "text"}); and repeated text
 * elements ({@link #values}). An element's own text ({@link #text}) is {@code "value"} in JSON, as
 * for a genre or a line of lyrics.
 */
public final class Node {

  /** Parts of an element after its attributes, in document order. */
  sealed interface Part permits Child, Children, Value, Values {}

  record Child(Node node) implements Part {}

  /**
   * @param keepEmpty whether JSON shows an empty array (OpenSubsonic's array fields) or leaves the
   *     name out (Subsonic's lists, as Navidrome does)
   */
  record Children(String name, List<Node> nodes, boolean keepEmpty) implements Part {}

  record Value(String name, Object value) implements Part {}

  record Values(String name, List<?> values) implements Part {}

  private final String name;
  private final Map<String, Object> attributes = new LinkedHashMap<>();
  private final List<Part> parts = new ArrayList<>();
  private String text;

  private Node(String name) {
    this.name = name;
  }

  public static Node of(String name) {
    return new Node(name);
  }

  public String name() {
    return name;
  }

  /** Sets an attribute: a string, number, boolean or {@link Instant}; null leaves it out. */
  public Node attr(String attribute, Object value) {
    if (value instanceof Instant instant) {
      attributes.put(attribute, DateTimeFormatter.ISO_INSTANT.format(instant));
    } else if (value != null) {
      attributes.put(attribute, value);
    }
    return this;
  }

  public Node child(Node child) {
    parts.add(new Child(child));
    return this;
  }

  /**
   * Repeated child elements named {@code name} (whatever the nodes' own names); JSON leaves the
   * name out when there are none.
   */
  public Node list(String name, List<Node> nodes) {
    parts.add(new Children(name, List.copyOf(nodes), false));
    return this;
  }

  /** Repeated child elements named {@code name}; JSON shows {@code []} when there are none. */
  public Node array(String name, List<Node> nodes) {
    parts.add(new Children(name, List.copyOf(nodes), true));
    return this;
  }

  /** A child element with text only; null leaves it out. */
  public Node value(String name, Object value) {
    if (value != null) {
      parts.add(new Value(name, value));
    }
    return this;
  }

  /** Repeated child elements with text only; a JSON array of scalars. */
  public Node values(String name, List<?> values) {
    parts.add(new Values(name, List.copyOf(values)));
    return this;
  }

  /** The element's own text; {@code "value"} in JSON. */
  public Node text(String text) {
    this.text = text;
    return this;
  }

  /** Adds the parts of {@code other} (not its attributes) to this element. */
  Node include(Node other) {
    parts.addAll(other.parts);
    return this;
  }

  Map<String, Object> attributes() {
    return Collections.unmodifiableMap(attributes);
  }

  List<Part> parts() {
    return Collections.unmodifiableList(parts);
  }

  String text() {
    return text;
  }

  /** An attribute's value, for tests and for annotating. */
  public Object get(String attribute) {
    return attributes.get(attribute);
  }
}
