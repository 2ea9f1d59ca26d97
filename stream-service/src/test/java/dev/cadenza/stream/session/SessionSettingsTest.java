package dev.cadenza.stream.session;

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

/**
 * {@code cadenza.sessions.*}: defaults, environment variables, and bad values named at start-up.
 */
class SessionSettingsTest {

  private static SpringApplicationBuilder app() {
    return new SpringApplicationBuilder(StreamServiceApplication.class)
        .web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off", "cadenza.library.rescan-interval=0");
  }

  @Test
  void defaultsApplyWhenNothingIsSet() {
    try (ConfigurableApplicationContext context = app().run()) {
      SessionSettings s = context.getBean(SessionSettings.class);
      assertThat(s.lead()).isEqualTo(Duration.ofSeconds(1));
      assertThat(s.ttl()).isEqualTo(Duration.ofHours(24));
      assertThat(s.pollInterval()).isEqualTo(Duration.ofMillis(250));
      assertThat(s.maxMembers()).isEqualTo(256);
      assertThat(s.maxSessions()).isEqualTo(10_000);
      assertThat(s.heartbeat()).isEqualTo(Duration.ofSeconds(15));
      assertThat(s.emptyTtl()).isEqualTo(Duration.ofMinutes(5));
      assertThat(s.maxSessionsPerUser()).isEqualTo(16);
      assertThat(s.maxMembersPerUser()).isEqualTo(8);
      assertThat(context.getBean(SessionStore.class)).isInstanceOf(InMemorySessionStore.class);
    }
  }

  @Test
  void environmentVariablesOverrideTheDefaults() {
    StandardEnvironment environment =
        EnvironmentVariables.of(
            Map.of(
                "CADENZA_SESSIONS_LEAD", "1500ms",
                "CADENZA_SESSIONS_TTL", "2h",
                "CADENZA_SESSIONS_POLL_INTERVAL", "1s",
                "CADENZA_SESSIONS_MAX_MEMBERS", "8",
                "CADENZA_SESSIONS_MAX_SESSIONS", "100",
                "CADENZA_SESSIONS_HEARTBEAT", "30s",
                "CADENZA_SESSIONS_EMPTY_TTL", "10m",
                "CADENZA_SESSIONS_MAX_SESSIONS_PER_USER", "4",
                "CADENZA_SESSIONS_MAX_MEMBERS_PER_USER", "3"));
    try (ConfigurableApplicationContext context = app().environment(environment).run()) {
      SessionSettings s = context.getBean(SessionSettings.class);
      assertThat(s.lead()).isEqualTo(Duration.ofMillis(1500));
      assertThat(s.leadMicros()).isEqualTo(1_500_000);
      assertThat(s.ttl()).isEqualTo(Duration.ofHours(2));
      assertThat(s.pollInterval()).isEqualTo(Duration.ofSeconds(1));
      assertThat(s.maxMembers()).isEqualTo(8);
      assertThat(s.maxSessions()).isEqualTo(100);
      assertThat(s.heartbeat()).isEqualTo(Duration.ofSeconds(30));
      assertThat(s.emptyTtl()).isEqualTo(Duration.ofMinutes(10));
      assertThat(s.maxSessionsPerUser()).isEqualTo(4);
      assertThat(s.maxMembersPerUser()).isEqualTo(3);
    }
  }

  @Test
  void anEmptyTtlAboveTheTtlActsAsTheTtl() {
    SessionSettings s =
        new SessionSettings(
            Duration.ofSeconds(1),
            Duration.ofMinutes(2),
            Duration.ofMillis(250),
            256,
            10_000,
            Duration.ofSeconds(15),
            Duration.ofMinutes(5),
            16,
            8);
    assertThat(s.idle(0)).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.idle(1)).isEqualTo(Duration.ofMinutes(2));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "cadenza.sessions.lead, -1s",
    "cadenza.sessions.ttl, 0s",
    "cadenza.sessions.poll-interval, 0ms",
    "cadenza.sessions.heartbeat, -5s",
    "cadenza.sessions.max-members, 0",
    "cadenza.sessions.max-members, 10001",
    "cadenza.sessions.max-sessions, 0",
    "cadenza.sessions.empty-ttl, 0s",
    "cadenza.sessions.max-sessions-per-user, 0",
    "cadenza.sessions.max-sessions-per-user, 101",
    "cadenza.sessions.max-members-per-user, 0",
  })
  void aBadSettingFailsStartUpNamingIt(String name, String value) {
    Throwable failure = catchThrowable(() -> app().properties(name + "=" + value).run().close());
    assertThat(failure).isNotNull();
    List<String> messages = new ArrayList<>();
    for (Throwable c = failure; c != null && messages.size() < 50; c = c.getCause()) {
      messages.add(String.valueOf(c.getMessage()));
    }
    assertThat(messages).anySatisfy(m -> assertThat(m).contains(name));
  }
}
