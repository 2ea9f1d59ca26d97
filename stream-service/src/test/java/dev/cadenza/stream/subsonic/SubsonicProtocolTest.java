package dev.cadenza.stream.subsonic;

import static dev.cadenza.stream.subsonic.SubsonicClient.as;
import static dev.cadenza.stream.subsonic.SubsonicClient.assertFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.DocumentContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.w3c.dom.Element;

/**
 * The OpenSubsonic protocol: the envelope in XML, JSON and JSONP, {@code .view} and form POSTs,
 * authentication by password, token and API key with the spec's error codes, and bad input that
 * never gets a 5xx.
 */
class SubsonicProtocolTest extends SubsonicServiceTest {

  @DynamicPropertySource
  static void library(DynamicPropertyRegistry registry) throws Exception {
    Path library = SubsonicFixtures.demoLibrary(tmp);
    registry.add("cadenza.library.path", library::toString);
  }

  // --- envelope and formats ------------------------------------------------------------------

  @Test
  void pingAnswersTheSpecsEnvelopeInXmlByDefault() {
    Element root = api.xml("ping.view");

    assertThat(root.getLocalName()).isEqualTo("subsonic-response");
    assertThat(root.getNamespaceURI()).isEqualTo("http://subsonic.org/restapi");
    assertThat(root.getAttribute("status")).isEqualTo("ok");
    assertThat(root.getAttribute("version")).isEqualTo("1.16.1");
    assertThat(root.getAttribute("type")).isEqualTo("cadenza");
    assertThat(root.getAttribute("serverVersion")).isNotBlank();
    assertThat(root.getAttribute("openSubsonic")).isEqualTo("true");
  }

  @Test
  void jsonKeepsTypesBooleansAsBooleans() {
    DocumentContext ping = api.json("ping");

    assertThat(ping.read("$.status", String.class)).isEqualTo("ok");
    assertThat(ping.read("$.openSubsonic", Object.class)).isEqualTo(true);
    assertThat(ping.read("$.version", Object.class)).isEqualTo("1.16.1");
  }

  @Test
  void jsonpWrapsTheJsonInTheCallback() {
    String body = text(api.uri("ping", "f", "jsonp", "callback", "handle"));

    assertThat(body).startsWith("handle({\"subsonic-response\":").endsWith(");");
  }

  @Test
  void jsonpRefusesACallbackThatIsNoFunctionName() {
    DocumentContext r = api.jsonAt(api.uri("ping", "f", "jsonp", "callback", "alert(1)//"));

    assertFailed(r, 0);
  }

  @Test
  void formPostCarriesEveryParameterInTheBody() {
    String form =
        "u=" + TestListeners.USER + "&p=" + enc(TestListeners.PASSWORD) + "&v=1.16.1&c=test&f=json";
    byte[] body = api.postForm("/rest/getLicense.view", form);

    assertThat(new String(body, StandardCharsets.UTF_8))
        .contains("\"status\":\"ok\"")
        .contains("\"license\":{\"valid\":true}");
  }

  @Test
  void aFormFieldWithoutAValueIsEmptyAsInTheQuery() {
    // found by SubsonicParamsFuzzTest: a field without '=' failed the call, "Unreadable form body"
    String form =
        "u=" + TestListeners.USER + "&p=" + enc(TestListeners.PASSWORD) + "&v=1.16.1&c=test&f=json";
    byte[] body = api.postForm("/rest/getLicense.view", form + "&estimateContentLength");

    assertThat(new String(body, StandardCharsets.UTF_8))
        .contains("\"status\":\"ok\"")
        .contains("\"license\":{\"valid\":true}");
  }

  @Test
  void getOpenSubsonicExtensionsIsPublicAndListsWhatIsImplemented() {
    DocumentContext r = api.jsonAt(api.raw("getOpenSubsonicExtensions", "f", "json"));

    assertThat(r.read("$.status", String.class)).isEqualTo("ok");
    List<String> names = r.read("$.openSubsonicExtensions[*].name");
    assertThat(names)
        .containsExactlyInAnyOrder(
            "formPost",
            "apiKeyAuthentication",
            "songLyrics",
            "sonicSimilarity",
            "transcodeOffset",
            "transcoding");
    assertThat(SubsonicClient.array(r, "$.openSubsonicExtensions[0].versions")).containsExactly(1);
  }

  @Test
  void anUnknownMethodIsA404WithAFailedBody() {
    byte[] body =
        api.web()
            .get()
            .uri(api.uri("noSuchMethod.view"))
            .exchange()
            .expectStatus()
            .isNotFound()
            .expectBody()
            .returnResult()
            .getResponseBody();

    Element root = SubsonicClient.parse(body).getDocumentElement();
    assertThat(root.getAttribute("status")).isEqualTo("failed");
  }

  // --- authentication ------------------------------------------------------------------------

  @Test
  void aPlainPasswordAndAnEncodedOneAuthenticate() {
    String hex =
        "enc:" + HexFormat.of().formatHex(TestListeners.PASSWORD.getBytes(StandardCharsets.UTF_8));

    assertThat(api.json("ping").read("$.status", String.class)).isEqualTo("ok");
    assertThat(
            api.jsonAt(api.raw("ping", "u", TestListeners.USER, "p", hex, "f", "json"))
                .read("$.status", String.class))
        .isEqualTo("ok");
  }

  @Test
  void aTokenAndSaltAuthenticate() {
    String salt = "c19b2d";
    String token = TestListeners.md5(TestListeners.PASSWORD + salt);

    DocumentContext r =
        api.jsonAt(api.raw("ping", "u", TestListeners.USER, "t", token, "s", salt, "f", "json"));

    assertThat(r.read("$.status", String.class)).isEqualTo("ok");
  }

  @Test
  void anApiKeyAuthenticatesAlone() {
    DocumentContext r =
        api.jsonAt(api.raw("getUser", "apiKey", TestListeners.API_KEY, "f", "json"));

    assertThat(r.read("$.user.username", String.class)).isEqualTo(TestListeners.USER);
  }

  @Test
  void missingCredentialsAreError10() {
    assertFailed(api.jsonAt(api.raw("ping", "f", "json")), 10);
    assertFailed(api.jsonAt(api.raw("ping", "u", TestListeners.USER, "f", "json")), 10);
    assertFailed(api.jsonAt(api.raw("ping", "u", TestListeners.USER, "t", "abc", "f", "json")), 10);
  }

  @Test
  void aWrongPasswordIsError40AndTheBodyNeverQuotesIt() {
    java.net.URI wrong =
        api.raw("ping", "u", TestListeners.USER, "p", "hunter2-wrong", "f", "json");

    assertFailed(api.jsonAt(wrong), 40);
    assertThat(text(wrong)).doesNotContain("hunter2-wrong");
  }

  @Test
  void aWrongTokenIsError40() {
    assertFailed(
        api.jsonAt(
            api.raw("ping", "u", TestListeners.USER, "t", "0".repeat(32), "s", "x", "f", "json")),
        40);
  }

  @Test
  void tokenAuthenticationForAUserWithoutASecretIsError41() {
    String salt = "s1";
    DocumentContext r =
        api.jsonAt(
            api.raw(
                "ping",
                "u",
                TestListeners.NO_TOKEN,
                "t",
                TestListeners.md5(TestListeners.NO_TOKEN_PASSWORD + salt),
                "s",
                salt,
                "f",
                "json"));

    assertFailed(r, 41);
  }

  @Test
  void conflictingMechanismsAreError43() {
    assertFailed(
        api.jsonAt(
            api.raw("ping", "apiKey", TestListeners.API_KEY, "u", TestListeners.USER, "f", "json")),
        43);
    assertFailed(
        api.jsonAt(
            api.raw("ping", "u", TestListeners.USER, "p", "x", "t", "y", "s", "z", "f", "json")),
        43);
  }

  @Test
  void aWrongApiKeyIsError44() {
    assertFailed(api.jsonAt(api.raw("ping", "apiKey", "not-a-key", "f", "json")), 44);
  }

  @Test
  void aRateLimitedUserGetsError40WithWhenToRetry() {
    DocumentContext r =
        api.jsonAt(api.raw("ping", "u", TestListeners.LIMITED, "p", "x", "f", "json"));

    assertFailed(r, 40);
    assertThat(r.read("$.error.message", String.class)).contains("retry in 30 s");
  }

  // --- the caller ----------------------------------------------------------------------------

  @Test
  void getUserAnswersTheCallersRolesAsBooleans() {
    DocumentContext user = api.json("getUser", "username", TestListeners.USER);

    assertThat(user.read("$.user.username", String.class)).isEqualTo(TestListeners.USER);
    assertThat(user.read("$.user.adminRole", Object.class)).isEqualTo(false);
    assertThat(user.read("$.user.streamRole", Object.class)).isEqualTo(true);
    assertThat(SubsonicClient.array(user, "$.user.folder")).containsExactly(1);
    DocumentContext admin =
        api.jsonAt(
            api.raw("getUser", as(TestListeners.ADMIN, TestListeners.ADMIN_PASSWORD, "f", "json")));
    assertThat(admin.read("$.user.adminRole", Object.class)).isEqualTo(true);
  }

  @Test
  void onlyAdminsLookUpOthersOrStartScans() {
    assertFailed(api.json("getUser", "username", TestListeners.ADMIN), 50);
    assertFailed(api.json("startScan"), 50);

    DocumentContext scan =
        api.jsonAt(
            api.raw(
                "startScan", as(TestListeners.ADMIN, TestListeners.ADMIN_PASSWORD, "f", "json")));
    assertThat(scan.read("$.scanStatus.scanning", Object.class)).isEqualTo(true);
    assertThat(api.json("getScanStatus").read("$.scanStatus.count", Object.class))
        .isInstanceOf(Number.class);
  }

  @Test
  void thereIsOneMusicFolderWithANumericId() {
    DocumentContext folders = api.json("getMusicFolders");

    assertThat(SubsonicClient.array(folders, "$.musicFolders.musicFolder[*].id"))
        .containsExactly(1);
  }

  // --- bad input -----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "getAlbum?id=",
        "getAlbum?id=../../etc/passwd",
        "getSong?id=%E2%99%AA",
        "getArtist",
        "getMusicDirectory?id=1",
        "getAlbumList2?type=newest&size=-5&offset=-10",
        "getAlbumList2?type=newest&size=99999999999&offset=99999999999",
        "getAlbumList2?type=newest&size=999999999999999999999999",
        "getAlbumList2?type=nonsense",
        "getAlbumList2?type=byYear&fromYear=abc&toYear=2000",
        "getAlbumList?type=byGenre",
        "search3?query=&songCount=2147483647&songOffset=2147483647&albumCount=-1",
        "search3?query=%22%22&artistOffset=-3",
        "search2",
        "getCoverArt?id=nope&size=abc",
        "getCoverArt?size=100",
        "getRandomSongs?size=-1&fromYear=x",
        "getSongsByGenre?genre=&count=1",
        "getLyricsBySongId?id=AAAAAAAAAAAAAAAA",
        "getSimilarSongs2?id=zzz&count=-4",
        "getIndexes?ifModifiedSince=notanumber",
        "getIndexes?musicFolderId=7",
        "stream?id=nope",
        "download",
        "ping?f=jsonp",
        "getUser?username=",
      })
  void badInputGetsTheSpecsErrorNeverA5xx(String call) {
    int q = call.indexOf('?');
    String method = q < 0 ? call : call.substring(0, q);
    String query = q < 0 ? "" : "&" + call.substring(q + 1);
    String uri =
        "/rest/"
            + method
            + "?u="
            + TestListeners.USER
            + "&p="
            + enc(TestListeners.PASSWORD)
            + "&v=1.16.1&c=test"
            + query;

    byte[] body =
        api.web()
            .get()
            .uri(java.net.URI.create("http://127.0.0.1:" + port + uri))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .returnResult()
            .getResponseBody();

    String text = new String(body, StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("Exception").doesNotContain("\tat ");
    if (!call.contains("f=jsonp")) {
      Element root = SubsonicClient.parse(body).getDocumentElement();
      assertThat(root.getAttribute("status")).isIn("ok", "failed");
    }
  }

  private String text(java.net.URI uri) {
    return new String(
        api.web()
            .get()
            .uri(uri)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .returnResult()
            .getResponseBody(),
        StandardCharsets.UTF_8);
  }

  private static String enc(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
