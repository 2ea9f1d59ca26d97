package dev.cadenza.stream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cadenza.stream.StreamServiceApplication;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.testsupport.EnvironmentVariables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;

/** Start-up with bad settings fails naming the setting; environment variables override defaults. */
class CadenzaPropertiesStartupTest {

  private static SpringApplicationBuilder app(String... properties) {
    return new SpringApplicationBuilder(StreamServiceApplication.class)
        .web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off", "cadenza.library.rescan-interval=0")
        .properties(properties);
  }

  /** Every message of the cause chain, outermost first. */
  private static List<String> messages(Throwable t) {
    List<String> out = new ArrayList<>();
    for (Throwable c = t; c != null && out.size() < 50; c = c.getCause()) {
      out.add(String.valueOf(c.getMessage()));
    }
    return out;
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "cadenza.library.path, /does/not/exist",
    "cadenza.library.scan-threads, 0",
    "cadenza.library.scan-threads, 65",
    "cadenza.library.rescan-interval, -5s",
    "cadenza.library.progress-interval, 0s",
    "cadenza.api.max-page-size, 0",
    "cadenza.api.default-page-size, 0",
    "cadenza.api.default-page-size, 501",
    "cadenza.cache.chunk-size, 1MB",
    "cadenza.cache.chunk-size, 1Ki",
    "cadenza.cache.memory, lots",
    "cadenza.cache.ttl, 0s",
    "cadenza.cache.read-ahead, 65",
    "cadenza.cache.write-queue, 0",
    "cadenza.cache.originals, sometimes",
    "cadenza.dynamodb.table-prefix, bad prefix!",
    "cadenza.dynamodb.endpoint, ftp://x",
    "cadenza.dynamodb.timeout, 0s",
  })
  void badSettingFailsStartUpNamingIt(String name, String value) {
    Throwable failure = catchThrowable(() -> app(name + "=" + value).run().close());

    assertThat(failure).isNotNull();
    assertThat(messages(failure)).anySatisfy(m -> assertThat(m).contains(name));
  }

  @Test
  void libraryPathThatIsAFileFailsStartUp(@TempDir Path dir) throws Exception {
    Path file =
        LibraryFixtures.copy(
            LibraryFixtures.demoFile(LibraryFixtures.FIRST_LIGHT), dir.resolve("a.mp3"));

    Throwable failure = catchThrowable(() -> app("cadenza.library.path=" + file).run().close());

    assertThat(messages(failure)).anySatisfy(m -> assertThat(m).contains("cadenza.library.path"));
  }

  @Test
  void environmentVariablesOverrideTheDefaults(@TempDir Path dir) throws Exception {
    LibraryFixtures.copyDemo(dir);
    StandardEnvironment environment =
        EnvironmentVariables.of(
            Map.of(
                "CADENZA_LIBRARY_PATH", dir.toString(),
                "CADENZA_LIBRARY_RESCAN_INTERVAL", "0",
                "CADENZA_LIBRARY_SCAN_THREADS", "3",
                "CADENZA_LIBRARY_PROGRESS_INTERVAL", "250ms",
                "CADENZA_API_MAX_PAGE_SIZE", "20",
                "CADENZA_API_DEFAULT_PAGE_SIZE", "7",
                "CADENZA_CACHE_MEMORY", "96Mi",
                "CADENZA_CACHE_CHUNK_SIZE", "128Ki",
                "CADENZA_CACHE_TTL", "2h"));

    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(StreamServiceApplication.class)
            .web(WebApplicationType.NONE)
            .environment(environment)
            .run()) {
      CadenzaProperties properties = context.getBean(CadenzaProperties.class);

      assertThat(properties.library().path()).isEqualTo(dir);
      assertThat(properties.library().rescanInterval()).isEqualTo(Duration.ZERO);
      assertThat(properties.library().scanThreads()).isEqualTo(3);
      assertThat(properties.library().progressInterval()).isEqualTo(Duration.ofMillis(250));
      assertThat(properties.api().maxPageSize()).isEqualTo(20);
      assertThat(properties.api().defaultPageSize()).isEqualTo(7);
      // Kubernetes quantities, as the operator writes them
      assertThat(properties.cache().memory().toBytes()).isEqualTo(96L * 1024 * 1024);
      assertThat(properties.cache().chunkSize().toBytes()).isEqualTo(128L * 1024);
      assertThat(properties.cache().ttl()).isEqualTo(Duration.ofHours(2));
      assertThat(properties.dynamodb().enabled()).isFalse();

      Library library = context.getBean(Library.class);
      library.awaitFirstScan(30, TimeUnit.SECONDS);
      assertThat(library.root()).isEqualTo(dir);
      assertThat(library.catalog().tracks()).hasSize(8);
    }
  }

  @Test
  void defaultsApplyWhenNothingIsSet() {
    try (ConfigurableApplicationContext context = app().run()) {
      CadenzaProperties properties = context.getBean(CadenzaProperties.class);

      assertThat(properties.library().path()).isNull();
      assertThat(properties.library().scanThreads())
          .isEqualTo(Math.min(64, Runtime.getRuntime().availableProcessors()));
      assertThat(properties.library().progressInterval()).isEqualTo(Duration.ofSeconds(5));
      assertThat(properties.api().defaultPageSize()).isEqualTo(50);
      assertThat(properties.api().maxPageSize()).isEqualTo(500);
    }
  }
}
