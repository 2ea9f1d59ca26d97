package dev.cadenza.stream.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cadenza.stream.StreamServiceApplication;
import dev.cadenza.stream.config.CadenzaProperties;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** cadenza.cache.prefetch.*: defaults, and bad values fail start-up naming the setting. */
class PrefetchSettingsTest {

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "cadenza.cache.prefetch.tracks, 0",
    "cadenza.cache.prefetch.tracks, 17",
    "cadenza.cache.prefetch.chunks, 0",
    "cadenza.cache.prefetch.chunks, 65",
    "cadenza.cache.prefetch.max-share, 0",
    "cadenza.cache.prefetch.max-share, 0.6",
    "cadenza.cache.prefetch.max-share, -0.1",
    "cadenza.cache.prefetch.queue, 0",
  })
  void badSettingFailsStartUpNamingIt(String name, String value) {
    Throwable failure =
        catchThrowable(
            () ->
                new SpringApplicationBuilder(StreamServiceApplication.class)
                    .web(WebApplicationType.NONE)
                    .properties(
                        "spring.main.banner-mode=off",
                        "cadenza.library.rescan-interval=0",
                        name + "=" + value)
                    .run()
                    .close());

    assertThat(failure).isNotNull();
    List<String> messages = new ArrayList<>();
    for (Throwable c = failure; c != null && messages.size() < 50; c = c.getCause()) {
      messages.add(String.valueOf(c.getMessage()));
    }
    assertThat(messages).anySatisfy(m -> assertThat(m).contains(name));
  }

  @Test
  void defaults() {
    assertThat(CadenzaProperties.Cache.defaults().prefetch())
        .isEqualTo(new CadenzaProperties.Cache.Prefetch(true, 2, 2, 0.1, 64));
  }
}
