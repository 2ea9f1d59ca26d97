package dev.cadenza.stream.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cadenza.stream.StreamServiceApplication;
import dev.cadenza.stream.testsupport.EnvironmentVariables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;

/** The clock's settings: defaults, the operator's environment variables, and bad values. */
class ClockPropertiesStartupTest {

  private static SpringApplicationBuilder app(String... properties) {
    return new SpringApplicationBuilder(StreamServiceApplication.class)
        .web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off", "cadenza.library.rescan-interval=0")
        .properties(properties);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "cadenza.clock.ntp.servers | time.example:0",
        "cadenza.clock.ntp.servers | time.example:http",
        "cadenza.clock.ntp.servers | bad host!",
        "cadenza.clock.ntp.poll-interval | 0s",
        "cadenza.clock.ntp.max-offset | -1ms",
        "cadenza.clock.ntp.timeout | 0s",
        "cadenza.clock.ntp.samples | 0",
        "cadenza.clock.ntp.samples | 17",
        "cadenza.clock.ntp.sample-spacing | -1s",
        "cadenza.clock.ntp.required | maybe",
        "cadenza.clock.ntp.required | true",
        "cadenza.clock.max-slew-ppm | 0",
        "cadenza.clock.step-threshold | -1ms",
        "cadenza.clock.sntp.port | 70000",
      })
  void badSettingFailsStartUpNamingIt(String name, String value) {
    // an argument: it outranks the tests' application.properties (sntp.port=0)
    Throwable failure = catchThrowable(() -> app().run("--" + name + "=" + value).close());

    assertThat(failure).isNotNull();
    List<String> messages = new ArrayList<>();
    for (Throwable t = failure; t != null && messages.size() < 50; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    assertThat(messages).anySatisfy(m -> assertThat(m).contains(name));
  }

  @Test
  void theOperatorsEnvironmentVariablesSetTheClock() {
    ClockProperties clock =
        withEnvironment(
            Map.of(
                "CADENZA_CLOCK_NTP_SERVERS", "ntp-a.example, ntp-b.example:1123",
                "CADENZA_CLOCK_NTP_POLL_INTERVAL", "16s",
                "CADENZA_CLOCK_NTP_MAX_OFFSET", "5ms",
                "CADENZA_CLOCK_NTP_REQUIRED", "true"));

    assertThat(clock.ntp().parsedServers())
        .containsExactly(new NtpServer("ntp-a.example", 123), new NtpServer("ntp-b.example", 1123));
    assertThat(clock.ntp().pollInterval()).isEqualTo(Duration.ofSeconds(16));
    assertThat(clock.ntp().maxOffset()).isEqualTo(Duration.ofMillis(5));
    assertThat(clock.ntp().required()).isTrue();
  }

  @Test
  void anEmptyServerListMeansNoServers() {
    ClockProperties clock = withEnvironment(Map.of("CADENZA_CLOCK_NTP_SERVERS", ""));

    assertThat(clock.ntp().servers()).isEmpty();
  }

  @Test
  void defaults() {
    try (ConfigurableApplicationContext context = app().run()) {
      ClockProperties clock = context.getBean(ClockProperties.class);

      assertThat(clock.ntp().servers()).isEmpty();
      assertThat(clock.ntp().pollInterval()).isEqualTo(Duration.ofSeconds(64));
      assertThat(clock.ntp().maxOffset()).isEqualTo(Duration.ofMillis(50));
      assertThat(clock.ntp().required()).isFalse();
      assertThat(clock.ntp().samples()).isEqualTo(4);
      assertThat(clock.ntp().timeout()).isEqualTo(Duration.ofSeconds(1));
      assertThat(clock.ntp().sampleSpacing()).isEqualTo(Duration.ofSeconds(2));
      assertThat(clock.maxSlewPpm()).isEqualTo(500);
      assertThat(clock.stepThreshold()).isEqualTo(Duration.ofMillis(128));
      assertThat(clock.sntp().enabled()).isTrue();
    }
  }

  private static ClockProperties withEnvironment(Map<String, Object> variables) {
    StandardEnvironment environment = EnvironmentVariables.of(variables);
    try (ConfigurableApplicationContext context =
        app("cadenza.clock.ntp.poll-interval=1h").environment(environment).run()) {
      return context.getBean(ClockProperties.class);
    }
  }
}
