package dev.cadenza.stream.subsonic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

class SubsonicParamsTest {

  @Test
  void aFormFieldWithoutAValueIsEmptyAsInTheQuery() {
    // what Spring's form reader makes of "id=1&estimateContentLength": a null value
    MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
    form.add("id", "1");
    form.add("estimateContentLength", null);

    SubsonicParams fromForm = SubsonicParams.parse(null, form);
    SubsonicParams fromQuery = SubsonicParams.parse("id=1&estimateContentLength", (String) null);

    for (SubsonicParams params : new SubsonicParams[] {fromForm, fromQuery}) {
      assertThat(params.has("estimateContentLength")).isTrue();
      assertThat(params.all("estimateContentLength")).containsExactly("");
      assertThat(params.bool("estimateContentLength", true)).isTrue();
      assertThat(params.values("id")).containsExactly("1");
    }
  }

  @Test
  void aMalformedEscapeIsErrorZeroThatQuotesNoValue() {
    // found by SubsonicParamsFuzzTest: the message quoted Netty's, which repeats the whole
    // parameter (here a password), at any length
    String body = "u=alice&p=secret%zz" + "x".repeat(10_000);

    assertThatThrownBy(() -> SubsonicParams.parse(null, body))
        .isInstanceOfSatisfying(
            SubsonicError.class,
            e -> {
              assertThat(e.code()).isEqualTo(SubsonicError.GENERIC);
              assertThat(e.getMessage())
                  .isEqualTo("Malformed parameters: a '%' is not followed by two hex digits");
            });
    assertThatThrownBy(() -> SubsonicParams.parse("p=secret%4", (String) null))
        .isInstanceOf(SubsonicError.class)
        .message()
        .doesNotContain("secret");
  }

  @Test
  void aLongClientNameIsCutBetweenCharactersNotInsideOne() {
    // found by SubsonicParamsFuzzTest: the 100th char was the first half of a surrogate pair
    String name = "a".repeat(99) + "\uD83C\uDFB5" + "b"; // 99 letters, a musical note, a letter

    String client =
        SubsonicParams.parse("c=" + URLEncoder.encode(name, StandardCharsets.UTF_8), (String) null)
            .client();

    assertThat(client).isEqualTo("a".repeat(99));
    assertThat(SubsonicError.invalid("id", "x".repeat(63) + "\uD83C\uDFB5", "an id").getMessage())
        .contains("'" + "x".repeat(63) + "...'");
  }

  @Test
  void formValuesFollowTheQuerysOfTheSameName() {
    MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
    form.add("id", "2");

    assertThat(SubsonicParams.parse("id=1", form).all("id")).containsExactly("1", "2");
  }
}
