package dev.cadenza.stream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cadenza.stream.StreamServiceApplication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A start-up that fails leaves why in the termination-message file, as Kubernetes reads it. */
class TerminationMessageTest {

  @TempDir Path dir;

  private static Throwable start(String... properties) {
    return catchThrowable(
        () ->
            new SpringApplicationBuilder(StreamServiceApplication.class)
                .web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "cadenza.library.rescan-interval=0")
                .properties(properties)
                .run()
                .close());
  }

  @Test
  void aBadSettingWritesTheFailureAnalysisWithoutAStackTrace() throws IOException {
    Path log = Files.createFile(dir.resolve("termination-log"));

    Throwable failure =
        start(
            TerminationMessage.PROPERTY + "=" + log,
            "cadenza.library.path=" + dir.resolve("missing"));

    assertThat(failure).isNotNull();
    String message = Files.readString(log);
    assertThat(message)
        .contains("cadenza.library.path")
        .contains("is not a readable directory")
        .doesNotContain("java.lang.")
        .contains("Action:")
        .doesNotContain("\tat ")
        .doesNotContain("Exception in thread");
  }

  @Test
  void withoutTheFileNothingIsWritten() {
    Path log = dir.resolve("termination-log");

    Throwable failure =
        start(TerminationMessage.PROPERTY + "=" + log, "cadenza.api.max-page-size=0");

    assertThat(failure).isNotNull();
    assertThat(log).doesNotExist();
  }

  @Test
  void aFailureNoAnalyzerKnowsIsItsRootCause() {
    Throwable failure =
        new IllegalStateException("context failed", new IOException("library volume gone"));

    assertThat(TerminationMessage.describe(null, failure))
        .isEqualTo("IOException: library volume gone");
  }

  @Test
  void theMessageIsCutToWhatTheKubeletReadsAtACharacterBoundary() {
    byte[] bytes = TerminationMessage.bounded("é".repeat(3000));

    assertThat(bytes.length).isLessThanOrEqualTo(TerminationMessage.MAX_BYTES);
    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("é".repeat(2048));
  }
}
