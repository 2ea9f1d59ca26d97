package dev.cadenza.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads {@code text/event-stream} as the WHATWG HTML standard's "interpreting an event stream"
 * does: lines end in CRLF, LF or CR; {@code data:} lines of one event join with LF; a line starting
 * with a colon is a comment; a blank line dispatches; an event without data is not dispatched; the
 * last event id persists across events; an unfinished event at the end of the stream is dropped.
 */
final class SseParser {

  /** One dispatched event. @param id the last event id at dispatch (null: none seen yet) */
  record Message(String event, String data, String id) {}

  private final Consumer<Message> sink;
  private final StringBuilder data = new StringBuilder();
  private String event = "";
  private boolean hasData;
  private String lastEventId;
  private long retryMillis = -1;
  private boolean firstLine = true;

  SseParser(Consumer<Message> sink) {
    this(sink, null);
  }

  /** A parser that starts from the last event id of an earlier connection. */
  SseParser(Consumer<Message> sink, String lastEventId) {
    this.sink = sink;
    this.lastEventId = lastEventId;
  }

  /**
   * Feeds every line of {@code reader} until its end; {@link BufferedReader} splits CR, LF, CRLF.
   */
  void readAll(BufferedReader reader) throws IOException {
    String line;
    while ((line = reader.readLine()) != null) {
      line(line);
    }
  }

  /** One line, without its terminator. */
  void line(String line) {
    if (firstLine) {
      firstLine = false;
      if (line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
    }
    if (line.isEmpty()) {
      dispatch();
      return;
    }
    if (line.charAt(0) == ':') {
      return; // comment, e.g. a keep-alive
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> event = value;
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          try {
            retryMillis = Long.parseLong(value);
          } catch (NumberFormatException tooLong) {
            // ignored, as the standard ignores any retry value it cannot use
          }
        }
      }
      default -> {
        // unknown fields are ignored
      }
    }
  }

  /** The id of the last event seen (persisting across events); null before any. */
  String lastEventId() {
    return lastEventId;
  }

  /** The reconnection time the server asked for with {@code retry:}, or -1. */
  long retryMillis() {
    return retryMillis;
  }

  private void dispatch() {
    if (hasData) {
      sink.accept(
          new Message(
              event.isEmpty() ? "message" : event,
              data.toString(),
              lastEventId == null || lastEventId.isEmpty() ? null : lastEventId));
    }
    data.setLength(0);
    hasData = false;
    event = "";
  }
}
