package dev.cadenza.stream.subsonic;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import dev.cadenza.stream.catalog.CatalogClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.util.UriComponentsBuilder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Calls the OpenSubsonic API of a service on a random port, as {@link TestListeners#USER} with a
 * plain password unless the parameters bring their own credentials ({@link #jsonAs} for a real
 * account's).
 */
final class SubsonicClient {

  private final String base;
  private final WebTestClient client;

  /** Once the service is ready, which its {@code managementPort} says. */
  SubsonicClient(int port, int managementPort) {
    this.base = "http://127.0.0.1:" + port;
    this.client = new CatalogClient(port).awaitReady(managementPort).web();
  }

  WebTestClient web() {
    return client;
  }

  /** POSTs {@code form} (URL-encoded) to {@code path}, asserts a 200 and returns the body. */
  byte[] postForm(String path, String form) {
    return client
        .post()
        .uri(path)
        .contentType(MediaType.APPLICATION_FORM_URLENCODED)
        .bodyValue(form)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .returnResult()
        .getResponseBody();
  }

  /** GETs {@code uri} and asserts a 200: the answer, to check further. */
  WebTestClient.ResponseSpec getOk(URI uri) {
    return client.get().uri(uri).exchange().expectStatus().isOk();
  }

  /**
   * The user's credentials, then {@code params} (name, value, ...); {@code c=test} unless given.
   */
  static String[] as(String user, String password, String... params) {
    List<String> all = new ArrayList<>(List.of("u", user, "p", password, "v", "1.16.1"));
    boolean client = false;
    for (int i = 0; i < params.length; i += 2) {
      client |= params[i].equals("c");
    }
    if (!client) {
      all.addAll(List.of("c", "test"));
    }
    all.addAll(List.of(params));
    return all.toArray(String[]::new);
  }

  /** {@code /rest/method} with these parameters, encoded, without adding credentials. */
  URI raw(String method, String... params) {
    UriComponentsBuilder b = UriComponentsBuilder.fromUriString(base + "/rest/" + method);
    for (int i = 0; i < params.length; i += 2) {
      b.queryParam(params[i], params[i + 1]);
    }
    return b.encode().build().toUri();
  }

  /** {@code /rest/method} as the test user. */
  URI uri(String method, String... params) {
    return raw(method, as(TestListeners.USER, TestListeners.PASSWORD, params));
  }

  /** The {@code subsonic-response} object of a JSON answer, which must come with HTTP 200. */
  DocumentContext json(String method, String... params) {
    return jsonAt(uri(method, join(params, "f", "json")));
  }

  /** A JSON answer to {@code method} as {@code user} with a plain password; HTTP 200. */
  DocumentContext jsonAs(String user, String password, String method, String... params) {
    return jsonAt(raw(method, as(user, password, join(params, "f", "json"))));
  }

  DocumentContext jsonAt(URI uri) {
    byte[] body = okBody(uri, MediaType.APPLICATION_JSON);
    return JsonPath.parse(
        JsonPath.parse(new String(body, StandardCharsets.UTF_8))
            .read("$['subsonic-response']", Object.class));
  }

  /** An XML answer (the default format), parsed namespace-aware; HTTP 200. */
  Element xml(String method, String... params) {
    return xmlAt(uri(method, params));
  }

  Element xmlAt(URI uri) {
    byte[] body = okBody(uri, MediaType.APPLICATION_XML);
    return parse(body).getDocumentElement();
  }

  /** GETs {@code uri}, asserts a 200 in a type compatible with {@code type}; the body. */
  private byte[] okBody(URI uri, MediaType type) {
    return getOk(uri)
        .expectHeader()
        .contentTypeCompatibleWith(type)
        .expectBody()
        .returnResult()
        .getResponseBody();
  }

  static Document parse(byte[] xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    } catch (Exception e) {
      throw new AssertionError(
          "not well-formed XML: " + new String(xml, StandardCharsets.UTF_8), e);
    }
  }

  /** Asserts a JSON answer failed with {@code code}. */
  static void assertFailed(DocumentContext response, int code) {
    assertThat(response.read("$.status", String.class)).isEqualTo("failed");
    assertThat(response.read("$.error.code", Integer.class)).isEqualTo(code);
  }

  /** The JSON object at {@code path}. */
  static Map<String, Object> object(DocumentContext response, String path) {
    return response.read(path);
  }

  /** The JSON array at {@code path}; empty when a list on the way is left out (it had no items). */
  static List<Object> array(DocumentContext response, String path) {
    try {
      return response.read(path);
    } catch (PathNotFoundException e) {
      return List.of();
    }
  }

  static String[] join(String[] params, String... more) {
    List<String> all = new ArrayList<>(List.of(params));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
