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
 * @param ttl a session with members that nobody changes for this long ends
 * @param pollInterval how often a pod re-reads the sessions its SSE subscribers follow, when
 *     sessions live in DynamoDB (changes made through another pod arrive within this)
 * @param maxMembers members one session holds at most
 * @param maxSessions sessions the in-memory store (no DynamoDB) holds at most
 * @param heartbeat interval of the SSE keep-alive comments (proxies close idle streams)
 * @param emptyTtl a session without members that nobody changes for this long ends (a value above
 *     {@code ttl} acts as {@code ttl}): sessions created and left empty do not hold their place for
 *     a day
 * @param maxSessionsPerUser live sessions one user (with authentication off: one client address)
 *     may have created at a time
 * @param maxMembersPerUser members one user (or client address) may have in one session
 */
@Validated
@ConfigurationProperties("cadenza.sessions")
public record SessionSettings(
    @NotNull @DefaultValue("1s") Duration lead,
    @NotNull @DefaultValue("24h") Duration ttl,
    @NotNull @DefaultValue("250ms") Duration pollInterval,
    @Min(1) @Max(10_000) @DefaultValue("256") int maxMembers,
    @Min(1) @DefaultValue("10000") int maxSessions,
    @NotNull @DefaultValue("15s") Duration heartbeat,
    @NotNull @DefaultValue("5m") Duration emptyTtl,
    @Min(1) @Max(MAX_SESSIONS_PER_USER) @DefaultValue("16") int maxSessionsPerUser,
    @Min(1) @Max(10_000) @DefaultValue("8") int maxMembersPerUser) {

  /**
   * Bound of {@code max-sessions-per-user}: the DynamoDB store lists a user's sessions in one item
   * and checks them with one BatchGetItem (100 keys at most).
   */
  static final int MAX_SESSIONS_PER_USER = 100;

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
    positive("cadenza.sessions.empty-ttl", emptyTtl);
    if (maxSessionsPerUser < 1 || maxSessionsPerUser > MAX_SESSIONS_PER_USER) {
      throw new IllegalArgumentException(
          "cadenza.sessions.max-sessions-per-user: must be between 1 and "
              + MAX_SESSIONS_PER_USER
              + ", got "
              + maxSessionsPerUser);
    }
    if (maxMembersPerUser < 1 || maxMembersPerUser > 10_000) {
      throw new IllegalArgumentException(
          "cadenza.sessions.max-members-per-user: must be between 1 and 10000, got "
              + maxMembersPerUser);
    }
  }

  public long leadMicros() {
    return lead.toNanos() / 1_000;
  }

  public long ttlMicros() {
    return ttl.toNanos() / 1_000;
  }

  /**
   * How long a session with {@code members} lives without a change: {@code ttl}, or {@code
   * empty-ttl} while it has none.
   */
  Duration idle(int members) {
    return members == 0 && emptyTtl.compareTo(ttl) < 0 ? emptyTtl : ttl;
  }

  /** {@link #idle} in microseconds. */
  long idleMicros(int members) {
    return idle(members).toNanos() / 1_000;
  }

  private static void positive(String name, Duration value) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw new IllegalArgumentException(name + ": must be positive, got " + value);
    }
  }
}
