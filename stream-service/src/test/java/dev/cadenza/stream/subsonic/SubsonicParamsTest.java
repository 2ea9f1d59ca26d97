package dev.cadenza.stream.subsonic;

import static org.assertj.core.api.Assertions.assertThat;

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
  void formValuesFollowTheQuerysOfTheSameName() {
    MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
    form.add("id", "2");

    assertThat(SubsonicParams.parse("id=1", form).all("id")).containsExactly("1", "2");
  }
}
