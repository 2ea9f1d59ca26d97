package dev.cadenza.stream.session;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Group playback sessions ({@code cadenza.sessions.*}; environment variables {@code
 * CADENZA_SESSIONS_LEAD} and so on). docs/sessions.md describes each.
 *
 * @param lead how far ahead of now a command without {@code atMicros} takes effect: the time every
 *     member has to hear of it before it happens
 * @param ttl a session nobody changes for this long ends
 * @param pollInterval how often a pod re-reads the sessions its SSE subscribers follow, when
 *     sessions live in DynamoDB (changes made through another pod arrive within this)
 * @param maxMembers members one session holds at most
 * @param maxSessions sessions the in-memory store (no DynamoDB) holds at most
 * @param heartbeat interval of the SSE keep-alive comments (proxies close idle streams)
 */
@Validated
@ConfigurationProperties("cadenza.sessions")
public record SessionSettings(
    @NotNull @DefaultValue("1s") Duration lead,
    @NotNull @DefaultValue("24h") Duration ttl,
    @NotNull @DefaultValue("250ms") Duration pollInterval,
    @Min(1) @Max(10_000) @DefaultValue("256") int maxMembers,
    @Min(1) @DefaultValue("10000") int maxSessions,
    @NotNull @DefaultValue("15s") Duration heartbeat) {

  public SessionSettings {
    if (lead != null && lead.isNegative()) {
      throw new IllegalArgumentException(
          "cadenza.sessions.lead: must not be negative, got " + lead);
    }
    positive("cadenza.sessions.ttl", ttl);
    positive("cadenza.sessions.poll-interval", pollInterval);
    positive("cadenza.sessions.heartbeat", heartbeat);
    if (maxMembers < 1 || maxMembers > 10_000) {
      throw new IllegalArgumentException(
          "cadenza.sessions.max-members: must be between 1 and 10000, got " + maxMembers);
    }
    if (maxSessions < 1) {
      throw new IllegalArgumentException(
          "cadenza.sessions.max-sessions: must be at least 1, got " + maxSessions);
    }
  }

  public long leadMicros() {
    return lead.toNanos() / 1_000;
  }

  public long ttlMicros() {
    return ttl.toNanos() / 1_000;
  }

  private static void positive(String name, Duration value) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw new IllegalArgumentException(name + ": must be positive, got " + value);
    }
  }
}
