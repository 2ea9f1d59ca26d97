package dev.cadenza.stream.subsonic;

import java.util.List;

/**
 * What a method answers: what goes inside the {@code subsonic-response} envelope (nothing for
 * {@code ping} and for writes), or raw bytes (a cover image).
 */
public sealed interface SubsonicReply {

  /** {@code status="ok"} with nothing inside. */
  static SubsonicReply ok() {
    return new Payload(Node.of("subsonic-response"));
  }

  /** {@code status="ok"} with the element {@code payload} inside. */
  static SubsonicReply of(Node payload) {
    return new Payload(Node.of("subsonic-response").child(payload));
  }

  /**
   * {@code status="ok"} with a list right inside the envelope, as {@code getOpenSubsonicExtensions}
   * has it: repeated elements in XML, an array in JSON.
   */
  static SubsonicReply ofList(String name, List<Node> items) {
    return new Payload(Node.of("subsonic-response").array(name, items));
  }

  /**
   * @param contents a node whose parts go inside the envelope
   */
  record Payload(Node contents) implements SubsonicReply {}

  /**
   * Bytes outside the envelope.
   *
   * @param etag a strong validator, or null
   */
  record Binary(byte[] body, String contentType, String etag) implements SubsonicReply {}
}
