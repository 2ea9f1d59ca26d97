package dev.cadenza.stream.subsonic;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.core.ResolvableType;
import org.springframework.http.MediaType;
import org.springframework.http.codec.FormHttpMessageReader;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.util.MultiValueMap;

/**
 * Fuzzes OpenSubsonic parameter parsing (docs/testing.md): a query string and a form body, decoded
 * as the stream route decodes them (Netty) or as the controller does (the body through Spring's
 * form reader); then every typed getter. Each either answers or fails with the spec's error 0 or 10
 * and a short message, never another exception; the values it answers keep their promises.
 */
class SubsonicParamsFuzzTest {

  private static final String[] NAMES = {
    "id", "c", "f", "callback", "count", "offset", "size", "u", "p", "songIndexToRemove", "time"
  };
  private static final FormHttpMessageReader FORMS = new FormHttpMessageReader();

  /** What a message may say at most: the longest fixed text and a quoted value of 64 characters. */
  private static final int MAX_MESSAGE = 200;

  @FuzzTest(maxDuration = "30s")
  void parametersAnswerOrFailWithTheSpecsError(FuzzedDataProvider data) {
    String query = data.consumeString(256);
    boolean controller = data.consumeBoolean();
    String body = data.consumeRemainingAsString();

    SubsonicParams params;
    if (controller) {
      MultiValueMap<String, String> form = springForm(body);
      if (form == null) {
        return; // Spring refused the body: the controller answers error 0 itself
      }
      params = answer(() -> SubsonicParams.parse(query, form));
    } else {
      params = answer(() -> SubsonicParams.parse(query, body));
    }
    if (params == null) {
      return;
    }
    for (String name : NAMES) {
      List<String> all = params.all(name);
      assertThat(params.has(name)).isEqualTo(params.optional(name).isPresent());
      assertThat(all).doesNotContainNull();
      assertThat(params.values(name)).allSatisfy(v -> assertThat(v).isNotEmpty());
      answer(() -> params.required(name));
      answer(() -> params.integer(name, 7));
      Integer bounded = answer(() -> params.bounded(name, 10, 0, 500));
      if (bounded != null) {
        assertThat(bounded).isBetween(0, 500);
      }
      answer(() -> params.longValue(name));
      answer(() -> params.bool(name, false));
      answer(() -> params.integers(name));
    }
    String client = params.client();
    assertThat(client).isNotEmpty().hasSizeLessThanOrEqualTo(100).isEqualTo(client.strip());
    assertThat(client.codePoints()).noneMatch(cp -> Character.isISOControl(cp));
    assertThat(client.codePoints())
        .as("no half of a surrogate pair in %s", client)
        .noneMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
    ResponseFormat format = answer(() -> ResponseFormat.of(params));
    if (format != null && format.kind() == ResponseFormat.Kind.JSONP) {
      assertThat(format.callback()).matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*");
    }
    assertThat(ResponseFormat.fallback(params)).isNotNull();
    params.optional("p").ifPresent(p -> answer(() -> SubsonicAuthentication.decodePassword(p)));
  }

  /** The value, or null when the call failed with a SubsonicError as the spec wants it. */
  private static <T> T answer(Supplier<T> call) {
    try {
      return call.get();
    } catch (SubsonicError e) {
      assertThat(e.code())
          .isIn(
              SubsonicError.GENERIC,
              SubsonicError.MISSING_PARAMETER,
              SubsonicError.WRONG_CREDENTIALS);
      assertThat(e.getMessage()).isNotBlank().hasSizeLessThanOrEqualTo(MAX_MESSAGE);
      return null;
    }
  }

  /** The body as the controller's exchange.getFormData() decodes it, or null when it cannot. */
  private static MultiValueMap<String, String> springForm(String body) {
    MockServerHttpRequest request =
        MockServerHttpRequest.post("/rest/ping")
            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .body(body);
    try {
      return FORMS
          .readMono(
              ResolvableType.forClassWithGenerics(MultiValueMap.class, String.class, String.class),
              request,
              Map.of())
          .block();
    } catch (IllegalArgumentException malformed) {
      return null;
    }
  }
}
