package dev.cadenza.stream.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.client.CadenzaClient;
import dev.cadenza.client.CadenzaException;
import dev.cadenza.protocol.catalog.CatalogCodec;
import dev.cadenza.protocol.catalog.CatalogPage;
import dev.cadenza.protocol.catalog.TrackEntry;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.testsupport.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The track listing in the compact binary format, negotiated by {@code Accept}. */
class CompactListingTest {

  @TempDir static Path library;
  static TestApp app;
  static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final JsonMapper json = JsonMapper.builder().build();

  @BeforeAll
  static void start() throws Exception {
    LibraryFixtures.copyDemo(library);
    app = TestApp.start(library);
  }

  @AfterAll
  static void stop() {
    app.app().close();
  }

  static HttpResponse<byte[]> get(String path, String accept) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void theBinaryListingHoldsWhatTheJsonListingHoldsPageByPage() throws Exception {
    List<String> jsonIds = new ArrayList<>();
    List<String> binaryIds = new ArrayList<>();
    String jsonCursor = "";
    String binaryCursor = "";
    do {
      HttpResponse<byte[]> j = get("/api/v1/tracks?limit=3" + jsonCursor, "application/json");
      JsonNode page = json.readTree(j.body());
      HttpResponse<byte[]> b =
          get("/api/v1/tracks?limit=3" + binaryCursor, CatalogCodec.MEDIA_TYPE);
      assertThat(b.statusCode()).isEqualTo(200);
      assertThat(b.headers().firstValue("Content-Type")).hasValue(CatalogCodec.MEDIA_TYPE);
      assertThat(b.headers().allValues("Vary")).contains("Accept");
      CatalogPage decoded = CatalogCodec.decode(b.body());
      assertThat(b.body().length).isLessThan(j.body().length);
      for (int i = 0; i < decoded.tracks().size(); i++) {
        TrackEntry t = decoded.tracks().get(i);
        JsonNode v = page.get("items").get(i);
        assertThat(t.id()).isEqualTo(v.get("id").asString());
        assertThat(t.tags().title()).isEqualTo(v.get("title").asString());
        assertThat(t.path()).isEqualTo(v.get("path").asString());
        assertThat(t.size()).isEqualTo(v.get("size").asLong());
        assertThat(t.hasCover()).isEqualTo(!v.get("coverUrl").isNull());
        binaryIds.add(t.id());
      }
      page.get("items").forEach(v -> jsonIds.add(v.get("id").asString()));
      String next = page.get("next").isNull() ? null : page.get("next").asString();
      assertThat(decoded.next()).isEqualTo(next);
      jsonCursor = next == null ? null : "&cursor=" + next;
      binaryCursor = decoded.next() == null ? null : "&cursor=" + decoded.next();
    } while (jsonCursor != null);
    assertThat(binaryIds).isEqualTo(jsonIds).hasSize(8);
  }

  @Test
  void jsonStaysTheDefaultForWildcardsAndForJsonPreferredAheadOfBinary() throws Exception {
    for (String accept :
        new String[] {
          null,
          "*/*",
          "application/*",
          "application/json",
          "application/json, " + CatalogCodec.MEDIA_TYPE + ";q=0.5"
        }) {
      HttpResponse<byte[]> r = get("/api/v1/tracks?limit=2", accept);
      assertThat(r.statusCode()).as(accept).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElseThrow())
          .as(accept)
          .startsWith("application/json");
    }
    HttpResponse<byte[]> preferred =
        get("/api/v1/tracks?limit=2", "application/json;q=0.5, " + CatalogCodec.MEDIA_TYPE);
    assertThat(preferred.headers().firstValue("Content-Type")).hasValue(CatalogCodec.MEDIA_TYPE);
  }

  @Test
  void theJavaClientReadsTheBinaryListing() {
    CadenzaClient client = CadenzaClient.create(URI.create("http://127.0.0.1:" + app.port()));
    CatalogPage compact = client.tracksCompact("aurora", 50, null);
    assertThat(compact.tracks())
        .extracting(TrackEntry::id)
        .containsExactlyElementsOf(
            client.tracks("aurora", 50, null).items().stream().map(t -> t.id()).toList())
        .isNotEmpty();
    assertThatThrownBy(() -> client.tracksCompact(null, 0, null))
        .isInstanceOf(CadenzaException.class)
        .hasMessageContaining("400");
  }

  @Test
  void aBadParameterIsStillAProblemInJson() throws Exception {
    HttpResponse<byte[]> r = get("/api/v1/tracks?limit=zero", CatalogCodec.MEDIA_TYPE);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/problem+json");
  }
}
