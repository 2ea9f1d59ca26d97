package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.StreamServiceApplication;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wraps payloads in the {@code subsonic-response} envelope ({@code status}, {@code version} 1.16.1,
 * {@code type} cadenza, {@code serverVersion}, {@code openSubsonic: true}) and renders it as the
 * call asked: XML in the spec's namespace, JSON or JSONP.
 */
@Component
public class SubsonicResponses {

  /** The Subsonic API version implemented. */
  public static final String API_VERSION = "1.16.1";

  /** The spec's XML namespace. */
  public static final String NAMESPACE = "http://subsonic.org/restapi";

  /** The server's name in {@code type}. */
  public static final String SERVER_TYPE = "cadenza";

  private static final XMLOutputFactory XML_OUTPUT = XMLOutputFactory.newFactory();

  /** A rendered response body and its media type. */
  public record Rendered(byte[] body, String contentType) {}

  private final JsonMapper json;
  private final String serverVersion;

  public SubsonicResponses(JsonMapper json) {
    this.json = json;
    String version = StreamServiceApplication.class.getPackage().getImplementationVersion();
    // the packaged jar says its version; classes run from a build directory do not
    this.serverVersion = version != null ? version : "development";
  }

  /** {@code status="ok"} with the parts of {@code contents} inside. */
  public Rendered ok(Node contents, ResponseFormat format) {
    return render(envelope("ok").include(contents), format);
  }

  /** {@code status="failed"} with the error's code and message. */
  public Rendered failed(SubsonicError error, ResponseFormat format) {
    return render(
        envelope("failed")
            .child(Node.of("error").attr("code", error.code()).attr("message", error.getMessage())),
        format);
  }

  private Node envelope(String status) {
    return Node.of("subsonic-response")
        .attr("status", status)
        .attr("version", API_VERSION)
        .attr("type", SERVER_TYPE)
        .attr("serverVersion", serverVersion)
        .attr("openSubsonic", true);
  }

  private Rendered render(Node envelope, ResponseFormat format) {
    return switch (format.kind()) {
      case XML -> new Rendered(xml(envelope), format.contentType());
      case JSON -> new Rendered(jsonBytes(envelope), format.contentType());
      case JSONP -> {
        String body =
            format.callback()
                + "("
                + new String(jsonBytes(envelope), StandardCharsets.UTF_8)
                + ");";
        yield new Rendered(body.getBytes(StandardCharsets.UTF_8), format.contentType());
      }
    };
  }

  // --- JSON ----------------------------------------------------------------------------------

  private byte[] jsonBytes(Node envelope) {
    return json.writeValueAsBytes(Map.of(envelope.name(), toJson(envelope)));
  }

  static Map<String, Object> toJson(Node node) {
    Map<String, Object> object = new LinkedHashMap<>(node.attributes());
    for (Node.Part part : node.parts()) {
      if (part instanceof Node.Child c) {
        object.put(c.node().name(), toJson(c.node()));
      } else if (part instanceof Node.Children c) {
        if (!c.nodes().isEmpty() || c.keepEmpty()) {
          object.put(c.name(), c.nodes().stream().map(SubsonicResponses::toJson).toList());
        }
      } else if (part instanceof Node.Value v) {
        object.put(v.name(), v.value());
      } else if (part instanceof Node.Values v) {
        object.put(v.name(), v.values());
      }
    }
    if (node.text() != null) {
      object.put("value", node.text());
    }
    return object;
  }

  // --- XML -----------------------------------------------------------------------------------

  private static byte[] xml(Node envelope) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try {
      XMLStreamWriter w = XML_OUTPUT.createXMLStreamWriter(out, "UTF-8");
      w.writeStartDocument("UTF-8", "1.0");
      w.writeStartElement(envelope.name());
      w.writeDefaultNamespace(NAMESPACE);
      writeContent(w, envelope);
      w.writeEndElement();
      w.writeEndDocument();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write XML", e);
    }
    return out.toByteArray();
  }

  private static void writeElement(XMLStreamWriter w, String name, Node node)
      throws XMLStreamException {
    w.writeStartElement(name);
    writeContent(w, node);
    w.writeEndElement();
  }

  private static void writeContent(XMLStreamWriter w, Node node) throws XMLStreamException {
    for (Map.Entry<String, Object> a : node.attributes().entrySet()) {
      w.writeAttribute(a.getKey(), xmlText(a.getValue()));
    }
    for (Node.Part part : node.parts()) {
      if (part instanceof Node.Child c) {
        writeElement(w, c.node().name(), c.node());
      } else if (part instanceof Node.Children c) {
        for (Node n : c.nodes()) {
          writeElement(w, c.name(), n);
        }
      } else if (part instanceof Node.Value v) {
        writeTextElement(w, v.name(), v.value());
      } else if (part instanceof Node.Values v) {
        for (Object value : v.values()) {
          writeTextElement(w, v.name(), value);
        }
      }
    }
    if (node.text() != null) {
      w.writeCharacters(xmlText(node.text()));
    }
  }

  private static void writeTextElement(XMLStreamWriter w, String name, Object value)
      throws XMLStreamException {
    w.writeStartElement(name);
    w.writeCharacters(xmlText(value));
    w.writeEndElement();
  }

  /**
   * A value as XML text. Tags can hold characters XML 1.0 cannot (control characters, lone
   * surrogates); those become U+FFFD so the document stays well-formed.
   */
  static String xmlText(Object value) {
    String s = String.valueOf(value);
    StringBuilder clean = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok;
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        if (clean != null) {
          clean.append(c).append(s.charAt(i + 1));
        }
        i++;
        continue;
      }
      ok =
          c == 0x9
              || c == 0xA
              || c == 0xD
              || (c >= 0x20 && c <= 0xD7FF)
              || (c >= 0xE000 && c <= 0xFFFD);
      if (!ok && clean == null) {
        clean = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (clean != null) {
        clean.append(ok ? c : '\uFFFD');
      }
    }
    return clean == null ? s : clean.toString();
  }
}
