package dev.cadenza.stream.session;

import dev.cadenza.protocol.CreateSession;
import dev.cadenza.protocol.JoinSession;
import dev.cadenza.protocol.Member;
import dev.cadenza.protocol.PauseCommand;
import dev.cadenza.protocol.PlayCommand;
import dev.cadenza.protocol.Playback;
import dev.cadenza.protocol.PlaybackState;
import dev.cadenza.protocol.SeekCommand;
import dev.cadenza.protocol.SessionView;
import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.clock.MediaClock;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.web.IfMatch;
import dev.cadenza.stream.web.Problems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;

/**
 * Group playback sessions: the commands, their rules, and the read-modify-write that applies them.
 * Every change reads the session, applies the command at the current media-clock instant and writes
 * the result on condition that nobody changed it meanwhile; when somebody did, it reads again and
 * re-applies (bounded), so concurrent commands are serialised and none is lost.
 */
final class Sessions {

  private static final Logger log = LoggerFactory.getLogger(Sessions.class);

  /** Attempts at one command under contention before it answers 409 session-busy. */
  static final int MAX_ATTEMPTS = 32;

  /** Longest labels of sessions and members. */
  static final int MAX_NAME = 100;

  private final SessionStore store;
  private final SessionEvents events;
  private final Library library;
  private final MediaClock clock;
  private final SessionSettings settings;
  private final MeterRegistry meters;
  private final Counter conflicts;

  Sessions(
      SessionStore store,
      SessionEvents events,
      Library library,
      MediaClock clock,
      SessionSettings settings,
      MeterRegistry meters) {
    this.store = store;
    this.events = events;
    this.library = library;
    this.clock = clock;
    this.settings = settings;
    this.meters = meters;
    this.conflicts =
        Counter.builder("cadenza.sessions.conflicts")
            .description("Session writes that lost to a concurrent change and were re-applied")
            .register(meters);
  }

  SessionSettings settings() {
    return settings;
  }

  // --- reads ---------------------------------------------------------------------------------

  Mono<StoredSession> get(String id) {
    return Mono.defer(
        () ->
            storeErrors(store.get(SessionIds.check("session", id), clock.nowMicros()))
                .switchIfEmpty(Mono.error(() -> Problems.sessionNotFound(id))));
  }

  // --- lifecycle -----------------------------------------------------------------------------

  /** A new session owned by {@code owner}, within the owner's quota of live sessions. */
  Mono<StoredSession> create(CreateSession body, Listener owner) {
    return metered(
            "create", Mono.defer(() -> createAttempt(name("name", body.name()), owner.id(), 1)))
        .doOnNext(s -> log.info("Session {} created", SessionIds.tag(s.id())));
  }

  private Mono<StoredSession> createAttempt(String name, String ownerId, int attempt) {
    long now = clock.nowMicros();
    SessionView view =
        new SessionView(
            SessionIds.random(),
            name,
            1,
            now,
            now,
            now + settings.idleMicros(0),
            List.of(),
            Playback.stopped(now));
    StoredSession session = new StoredSession(view, "created", ownerId, Map.of());
    // false: another create or end of the owner's came first (128 random bits do not collide)
    return storeErrors(store.create(session, settings.maxSessionsPerUser()))
        .flatMap(
            created ->
                created
                    ? Mono.just(session)
                    : retry(
                        attempt,
                        () -> SessionProblems.createBusy(attempt),
                        () -> createAttempt(name, ownerId, attempt + 1)));
  }

  /** Ends a session: its subscribers get {@code ended} with its last state. */
  Mono<StoredSession> end(String id, IfMatch ifMatch, Listener listener) {
    return command("end", () -> endAttempt(id, ifMatch, listener, 1))
        .doOnNext(
            s -> {
              events.ended(id, s.view());
              log.info("Session {} ended at version {}", SessionIds.tag(id), s.version());
            });
  }

  private Mono<StoredSession> endAttempt(
      String id, IfMatch ifMatch, Listener listener, int attempt) {
    return get(id)
        .flatMap(
            current -> {
              SessionAccess.end(current, listener);
              checkPrecondition(current, ifMatch);
              return storeErrors(store.delete(current))
                  .flatMap(
                      deleted ->
                          deleted
                              ? Mono.just(current)
                              : retry(
                                  id,
                                  attempt,
                                  () -> endAttempt(id, ifMatch, listener, attempt + 1)));
            });
  }

  // --- members -------------------------------------------------------------------------------

  record Joined(StoredSession session, Member member) {}

  /**
   * Adds a member of {@code listener}'s: refused when the session holds {@code max-members}, or the
   * listener has {@code max-members-per-user} in it already.
   */
  Mono<Joined> join(String id, JoinSession body, IfMatch ifMatch, Listener listener) {
    String memberId = SessionIds.random();
    return command(
        "joined",
        () -> {
          String name = name("name", body.name());
          return change(
                  id,
                  "joined",
                  ifMatch,
                  s -> {
                    long mine =
                        s.memberUsers().values().stream().filter(listener.id()::equals).count();
                    if (mine >= settings.maxMembersPerUser()) {
                      throw SessionProblems.memberQuotaExceeded(id, settings.maxMembersPerUser());
                    }
                  },
                  Map.of(memberId, listener.id()),
                  (s, now) -> {
                    if (s.members().size() >= settings.maxMembers()) {
                      throw Problems.sessionFull(id, settings.maxMembers());
                    }
                    List<Member> members = new ArrayList<>(s.members());
                    members.add(new Member(memberId, name, now));
                    return with(s, members, s.playback());
                  })
              .map(
                  s ->
                      new Joined(
                          s,
                          s.view().members().stream()
                              .filter(m -> m.id().equals(memberId))
                              .findFirst()
                              .orElseThrow()));
        });
  }

  Mono<StoredSession> leave(String id, String memberId, IfMatch ifMatch, Listener listener) {
    return command(
        "left",
        () -> {
          SessionIds.check("member", memberId);
          return change(
              id,
              "left",
              ifMatch,
              s -> SessionAccess.removeMember(s, memberId, listener),
              Map.of(),
              (s, now) -> {
                List<Member> members =
                    s.members().stream().filter(m -> !m.id().equals(memberId)).toList();
                if (members.size() == s.members().size()) {
                  throw Problems.memberNotFound(id, memberId);
                }
                return with(s, members, s.playback());
              });
        });
  }

  // --- playback ------------------------------------------------------------------------------

  Mono<StoredSession> play(String id, PlayCommand c, IfMatch ifMatch, Listener listener) {
    return command(
        "play",
        () -> {
          if (c.positionMicros() != null && c.positionMicros() < 0) {
            throw negativePosition("play", c.positionMicros());
          }
          // the track is looked up once: the catalogue is the same on every attempt
          Track track =
              c.trackId() == null
                  ? null
                  : library
                      .track(c.trackId())
                      .orElseThrow(() -> Problems.trackNotFound(c.trackId()));
          return change(
              id,
              "play",
              ifMatch,
              s -> SessionAccess.steer(s, listener, "play"),
              Map.of(),
              (s, now) -> {
                long at = instant("play", c.atMicros(), now, s);
                Playback p = s.playback();
                Playback next;
                if (track != null) {
                  long duration = durationMicros(track);
                  long position = c.positionMicros() != null ? c.positionMicros() : 0;
                  checkPosition("play", position, track.id(), duration);
                  next = new Playback(PlaybackState.PLAYING, track.id(), position, at, duration);
                } else {
                  if (p.state() == PlaybackState.STOPPED) {
                    throw Problems.invalidCommand(
                        "play",
                        "Session '"
                            + id
                            + "' has nothing to resume: no track has been played yet. Give trackId.",
                        Map.of("field", "trackId"));
                  }
                  // resume where it paused (or re-anchor a playing track at the same position)
                  long position =
                      c.positionMicros() != null ? c.positionMicros() : p.positionAt(at);
                  checkPosition("play", position, p.trackId(), p.durationMicros());
                  next =
                      new Playback(
                          PlaybackState.PLAYING, p.trackId(), position, at, p.durationMicros());
                }
                return with(s, s.members(), next);
              });
        });
  }

  Mono<StoredSession> pause(String id, PauseCommand c, IfMatch ifMatch, Listener listener) {
    return command(
        "pause",
        () ->
            change(
                id,
                "pause",
                ifMatch,
                s -> SessionAccess.steer(s, listener, "pause"),
                Map.of(),
                (s, now) -> {
                  long at = instant("pause", c.atMicros(), now, s);
                  Playback p = s.playback();
                  return switch (p.state()) {
                    case STOPPED ->
                        throw Problems.invalidCommand(
                            "pause",
                            "Session '"
                                + id
                                + "' has nothing to pause: no track has been played yet.",
                            Map.of());
                    // already paused: nothing changes, and no new version is written
                    case PAUSED -> s;
                    case PLAYING ->
                        with(
                            s,
                            s.members(),
                            new Playback(
                                PlaybackState.PAUSED,
                                p.trackId(),
                                p.positionAt(at),
                                at,
                                p.durationMicros()));
                  };
                }));
  }

  Mono<StoredSession> seek(String id, SeekCommand c, IfMatch ifMatch, Listener listener) {
    return command(
        "seek",
        () -> {
          if (c.positionMicros() < 0) {
            throw negativePosition("seek", c.positionMicros());
          }
          return change(
              id,
              "seek",
              ifMatch,
              s -> SessionAccess.steer(s, listener, "seek"),
              Map.of(),
              (s, now) -> {
                long at = instant("seek", c.atMicros(), now, s);
                Playback p = s.playback();
                if (p.state() == PlaybackState.STOPPED) {
                  throw Problems.invalidCommand(
                      "seek",
                      "Session '" + id + "' has nothing to seek in: play a track first.",
                      Map.of());
                }
                checkPosition("seek", c.positionMicros(), p.trackId(), p.durationMicros());
                return with(
                    s,
                    s.members(),
                    new Playback(
                        p.state(), p.trackId(), c.positionMicros(), at, p.durationMicros()));
              });
        });
  }

  // --- the read-modify-write -----------------------------------------------------------------

  /**
   * Applies {@code command} to the current session at the current media-clock instant and writes
   * the result if the session is still at the version read; re-reads and re-applies otherwise. A
   * command that returns the session unchanged writes nothing. {@code access} checks the listener
   * may (on each read); {@code joined} maps the members the command adds to their users.
   */
  private Mono<StoredSession> change(
      String id,
      String type,
      IfMatch ifMatch,
      Consumer<StoredSession> access,
      Map<String, String> joined,
      BiFunction<SessionView, Long, SessionView> command) {
    return attempt(id, type, ifMatch, new Command(access, joined, command), 1);
  }

  private record Command(
      Consumer<StoredSession> access,
      Map<String, String> joined,
      BiFunction<SessionView, Long, SessionView> apply) {}

  /** A command, counted by type and outcome; its checks run on subscription. */
  private <T> Mono<T> command(String type, Supplier<Mono<T>> command) {
    return metered(type, Mono.defer(command));
  }

  private Mono<StoredSession> attempt(
      String id, String type, IfMatch ifMatch, Command command, int attempt) {
    return get(id)
        .flatMap(
            current -> {
              command.access().accept(current);
              checkPrecondition(current, ifMatch);
              long now = clock.nowMicros();
              SessionView applied = command.apply().apply(current.view(), now);
              if (applied == current.view()) {
                return Mono.just(current);
              }
              StoredSession next = current.next(touched(applied, now), type, command.joined());
              return storeErrors(store.replace(next, current.version()))
                  .flatMap(
                      written -> {
                        if (written) {
                          events.offer(next);
                          log.debug(
                              "Session {} {} -> version {}",
                              SessionIds.tag(id),
                              type,
                              next.version());
                          return Mono.just(next);
                        }
                        return retry(
                            id, attempt, () -> attempt(id, type, ifMatch, command, attempt + 1));
                      });
            });
  }

  /** After a lost race: {@code next} after a short random pause, or 409 once out of attempts. */
  private <T> Mono<T> retry(String id, int attempt, Supplier<Mono<T>> next) {
    return retry(attempt, () -> Problems.sessionBusy(id, attempt), next);
  }

  private <T> Mono<T> retry(
      int attempt, Supplier<ErrorResponseException> exhausted, Supplier<Mono<T>> next) {
    if (attempt >= MAX_ATTEMPTS) {
      return Mono.error(exhausted.get());
    }
    conflicts.increment();
    // jitter growing with the attempts (up to 10 ms), so racing pods spread out
    long backoffMicros = ThreadLocalRandom.current().nextLong(1, 1_000L * Math.min(attempt, 10));
    return Mono.delay(Duration.ofNanos(backoffMicros * 1_000)).then(Mono.defer(next));
  }

  /** The next version: changed now, and alive for the idle time of its members from now. */
  private SessionView touched(SessionView s, long now) {
    return new SessionView(
        s.id(),
        s.name(),
        s.version() + 1,
        s.createdAtMicros(),
        now,
        now + settings.idleMicros(s.members().size()),
        s.members(),
        s.playback());
  }

  private static SessionView with(SessionView s, List<Member> members, Playback playback) {
    return new SessionView(
        s.id(),
        s.name(),
        s.version(),
        s.createdAtMicros(),
        s.updatedAtMicros(),
        s.expiresAtMicros(),
        List.copyOf(members),
        playback);
  }

  private static void checkPrecondition(StoredSession current, IfMatch ifMatch) {
    if (ifMatch != null && !ifMatch.matches(current.version())) {
      throw Problems.sessionChanged(current.id(), ifMatch.header(), current.version());
    }
  }

  // --- rules ---------------------------------------------------------------------------------

  /**
   * The instant a command on {@code s} acts at: the one it gives, or now plus the lead; never
   * beyond the session's idle expiry.
   */
  private long instant(String command, Long atMicros, long now, SessionView s) {
    if (atMicros == null) {
      return now + settings.leadMicros();
    }
    if (atMicros < now) {
      long past = now - atMicros;
      throw Problems.invalidCommand(
          command,
          "atMicros "
              + atMicros
              + " is "
              + human(past)
              + " in the past on the media clock (now "
              + now
              + "). Omit atMicros to act at now plus the lead ("
              + setting(settings.lead())
              + "), or sync with GET /api/v1/time first.",
          Map.of("field", "atMicros", "nowMicros", now, "pastByMicros", past));
    }
    Duration idle = settings.idle(s.members().size());
    if (atMicros - now > idle.toNanos() / 1_000) {
      // most likely nanoseconds or a wrong epoch; the session would expire before it happens
      throw Problems.invalidCommand(
          command,
          "atMicros "
              + atMicros
              + " is "
              + human(atMicros - now)
              + " ahead, beyond the session's idle expiry ("
              + setting(idle)
              + (s.members().isEmpty() ? ", as it has no members" : "")
              + "). Instants are media-clock microseconds since the Unix epoch.",
          Map.of("field", "atMicros", "nowMicros", now));
    }
    return atMicros;
  }

  private static void checkPosition(String command, long position, String trackId, long duration) {
    if (duration > 0 && position > duration) {
      throw Problems.invalidCommand(
          command,
          "positionMicros "
              + position
              + " is past the end of track '"
              + trackId
              + "', which lasts "
              + duration
              + " µs ("
              + human(duration)
              + "); give a position from 0 to "
              + duration
              + ".",
          Map.of("field", "positionMicros", "trackId", trackId, "durationMicros", duration));
    }
  }

  private static ErrorResponseException negativePosition(String command, long position) {
    return Problems.invalidCommand(
        command,
        "positionMicros " + position + " is negative; positions count from 0 at the track's start.",
        Map.of("field", "positionMicros"));
  }

  /** The track's duration in microseconds; 0 when its file does not say (no end check then). */
  static long durationMicros(Track track) {
    Long ms = track.tags().durationMs();
    return ms == null || ms < 0 ? 0 : ms * 1_000;
  }

  private static String name(String field, String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    String trimmed = name.strip();
    if (trimmed.length() > MAX_NAME) {
      throw Problems.invalidBody(
          field,
          "Field '"
              + field
              + "' has "
              + trimmed.length()
              + " characters; at most "
              + MAX_NAME
              + " are allowed.");
    }
    return trimmed;
  }

  /** A duration as the settings write it: {@code 24h}, {@code 1s}, {@code 1500ms}. */
  static String setting(Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }

  private static String human(long micros) {
    return String.format(Locale.ROOT, "%.3f s", micros / 1e6);
  }

  // --- errors and metrics --------------------------------------------------------------------

  private static <T> Mono<T> storeErrors(Mono<T> call) {
    return call.onErrorMap(SessionStore.Unavailable.class, Problems::sessionsUnavailable)
        .onErrorMap(SessionStore.Full.class, e -> Problems.tooManySessions(e.max))
        .onErrorMap(
            SessionStore.OverQuota.class,
            e -> SessionProblems.sessionQuotaExceeded(e.max, e.retryAfterSeconds));
  }

  private <T> Mono<T> metered(String type, Mono<T> command) {
    return storeErrors(command)
        .doOnSuccess(r -> count(type, "ok"))
        .doOnError(e -> count(type, outcome(e)));
  }

  private void count(String type, String outcome) {
    meters.counter("cadenza.sessions.commands", "type", type, "outcome", outcome).increment();
  }

  private static String outcome(Throwable e) {
    if (!(e instanceof ErrorResponseException r)) {
      return "error";
    }
    return switch (r.getStatusCode().value()) {
      case 400 -> "invalid";
      case 404 -> "not_found";
      case 409 -> "conflict";
      case 412 -> "stale";
      case 429 -> "over_quota";
      case 503 -> "unavailable";
      default -> "error";
    };
  }
}
