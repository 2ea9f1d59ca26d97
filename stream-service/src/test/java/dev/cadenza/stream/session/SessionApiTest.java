package dev.cadenza.stream.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.protocol.Api;
import dev.cadenza.protocol.Member;
import dev.cadenza.protocol.PlaybackState;
import dev.cadenza.protocol.SessionView;
import dev.cadenza.stream.clock.MediaClock;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.session.SessionHttp.Answer;
import dev.cadenza.stream.session.SessionHttp.Events;
import dev.cadenza.stream.session.SessionHttp.Sse;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Group sessions in the embedded default (sessions in memory), over HTTP as players use them. */
class SessionApiTest {

  static final long LEAD = 1_000_000;
  static final int MAX_MEMBERS = 30;

  @TempDir static Path library;
  static TestApp app;
  static SessionHttp http;
  static Track tenSeconds;
  static Track fiveSeconds;

  @BeforeAll
  static void start() throws Exception {
    // 44.1 kHz 16-bit stereo: 176400 bytes a second
    TestAudio.wav(library.resolve("ten.wav"), 1_764_000, 1);
    TestAudio.wav(library.resolve("five.wav"), 882_000, 2);
    app =
        TestApp.start(
            library,
            "--cadenza.sessions.max-members=" + MAX_MEMBERS,
            "--cadenza.sessions.heartbeat=200ms",
            // every player here is the same client (127.0.0.1, authentication off)
            "--cadenza.sessions.max-sessions-per-user=100",
            "--cadenza.sessions.max-members-per-user=100");
    http = new SessionHttp(app.port());
    tenSeconds = track("ten.wav");
    fiveSeconds = track("five.wav");
    assertThat(Sessions.durationMicros(tenSeconds)).isEqualTo(10_000_000);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  static Track track(String path) {
    return app.app().getBean(Library.class).catalog().tracks().stream()
        .filter(t -> t.path().equals(path))
        .findFirst()
        .orElseThrow();
  }

  static long now() {
    return app.app().getBean(MediaClock.class).nowMicros();
  }

  static double subscribers() {
    return app.app()
        .getBean(MeterRegistry.class)
        .get("cadenza.sessions.subscribers")
        .gauge()
        .value();
  }

  static double commands(String type, String outcome) {
    var c =
        app.app()
            .getBean(MeterRegistry.class)
            .find("cadenza.sessions.commands")
            .tags("type", type, "outcome", outcome)
            .counter();
    return c == null ? 0 : c.count();
  }

  // --- the life of a session -------------------------------------------------------------------

  @Test
  void aSessionIsCreatedJoinedPlayedPausedResumedSoughtAndEndedWithItsVersionAsETag() {
    Answer created = http.post(Api.SESSIONS, "{\"name\":\"Kitchen\"}");
    assertThat(created.status()).isEqualTo(201);
    SessionView s = created.session();
    assertThat(s.id()).matches("[A-Za-z0-9_-]{22}");
    assertThat(created.header("Location")).isEqualTo(Api.session(s.id()));
    assertThat(created.header("ETag")).isEqualTo("\"1\"");
    assertThat(s.name()).isEqualTo("Kitchen");
    assertThat(s.version()).isEqualTo(1);
    assertThat(s.members()).isEmpty();
    assertThat(s.playback().state()).isEqualTo(PlaybackState.STOPPED);
    // no members yet: it expires after empty-ttl unless somebody joins
    assertThat(s.expiresAtMicros() - s.updatedAtMicros())
        .isEqualTo(Duration.ofMinutes(5).toNanos() / 1000);
    String id = s.id();

    List<Member> members = new ArrayList<>();
    for (String name : List.of("alice", "bob", "carol")) {
      Answer joined = http.post(Api.members(id), "{\"name\":\"" + name + "\"}");
      assertThat(joined.status()).isEqualTo(201);
      Member m = joined.member();
      assertThat(m.id()).matches("[A-Za-z0-9_-]{22}");
      assertThat(m.name()).isEqualTo(name);
      assertThat(joined.header("Location")).isEqualTo(Api.members(id) + "/" + m.id());
      members.add(m);
    }
    assertThat(members.stream().map(Member::id).distinct()).hasSize(3);
    SessionView withMembers = http.get(Api.session(id)).ok();
    assertThat(withMembers.expiresAtMicros() - withMembers.updatedAtMicros())
        .isEqualTo(Duration.ofHours(24).toNanos() / 1000);

    double playsBefore = commands("play", "ok");
    long before = now();
    Answer played = http.command(id, "play", "{\"trackId\":\"" + tenSeconds.id() + "\"}");
    long after = now();
    SessionView playing = played.ok();
    assertThat(played.header("ETag")).isEqualTo("\"5\"");
    assertThat(playing.version()).isEqualTo(5);
    assertThat(playing.playback().state()).isEqualTo(PlaybackState.PLAYING);
    assertThat(playing.playback().trackId()).isEqualTo(tenSeconds.id());
    assertThat(playing.playback().positionMicros()).isZero();
    assertThat(playing.playback().durationMicros()).isEqualTo(10_000_000);
    assertThat(playing.playback().atMicros()).isBetween(before + LEAD, after + LEAD);
    // every change moves the expiry forward
    assertThat(playing.updatedAtMicros()).isBetween(before, after);
    assertThat(playing.expiresAtMicros())
        .isEqualTo(playing.updatedAtMicros() + Duration.ofHours(24).toNanos() / 1000);

    before = now();
    SessionView paused = http.command(id, "pause", null).ok();
    after = now();
    long pausedAt = paused.playback().atMicros();
    assertThat(pausedAt).isBetween(before + LEAD, after + LEAD);
    assertThat(paused.playback().state()).isEqualTo(PlaybackState.PAUSED);
    assertThat(paused.playback().positionMicros())
        .isEqualTo(playing.playback().positionAt(pausedAt))
        .isEqualTo(pausedAt - playing.playback().atMicros());

    // pausing what is paused changes nothing
    SessionView again = http.command(id, "pause", "{}").ok();
    assertThat(again.version()).isEqualTo(paused.version());

    SessionView resumed = http.command(id, "play", "{}").ok();
    assertThat(resumed.playback().state()).isEqualTo(PlaybackState.PLAYING);
    assertThat(resumed.playback().trackId()).isEqualTo(tenSeconds.id());
    assertThat(resumed.playback().positionMicros()).isEqualTo(paused.playback().positionMicros());
    assertThat(commands("play", "ok")).isEqualTo(playsBefore + 2);

    long at = now() + 5_000_000;
    SessionView sought =
        http.command(id, "seek", "{\"positionMicros\":3000000,\"atMicros\":" + at + "}").ok();
    assertThat(sought.playback().state()).isEqualTo(PlaybackState.PLAYING);
    assertThat(sought.playback().positionMicros()).isEqualTo(3_000_000);
    assertThat(sought.playback().atMicros()).isEqualTo(at);
    assertThat(sought.playback().positionAt(at + 1_000_000)).isEqualTo(4_000_000);

    // another track, from a position
    SessionView other =
        http.command(
                id, "play", "{\"trackId\":\"" + fiveSeconds.id() + "\",\"positionMicros\":1500000}")
            .ok();
    assertThat(other.playback().trackId()).isEqualTo(fiveSeconds.id());
    assertThat(other.playback().positionMicros()).isEqualTo(1_500_000);
    assertThat(other.playback().durationMicros()).isEqualTo(5_000_000);

    Answer got = http.get(Api.session(id));
    assertThat(got.ok()).isEqualTo(other);
    assertThat(got.header("ETag")).isEqualTo("\"" + other.version() + "\"");
    assertThat(http.get(Api.session(id), "If-None-Match", got.header("ETag")).status())
        .isEqualTo(304);

    Answer left = http.delete(Api.members(id) + "/" + members.get(1).id());
    assertThat(left.status()).isEqualTo(204);
    assertThat(http.get(Api.session(id)).ok().members())
        .extracting(Member::name)
        .containsExactly("alice", "carol");

    assertThat(http.delete(Api.session(id)).status()).isEqualTo(204);
    http.get(Api.session(id)).problem(404, id);
    http.delete(Api.session(id)).problem(404, id);
  }

  @Test
  void aSessionCanBeCreatedWithoutABody() {
    Answer created = http.post(Api.SESSIONS, null);
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.session().name()).isNull();
    assertThat(http.post(Api.SESSIONS, "{}").status()).isEqualTo(201);
  }

  // --- events ----------------------------------------------------------------------------------

  @Test
  void theEventStreamSendsASnapshotThenEveryChangeInOrderThenEndedAndCompletes() throws Exception {
    String id = http.create("events").id();
    try (Events stream = http.events(id)) {
      assertThat(stream.response.statusCode()).isEqualTo(200);
      assertThat(stream.response.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("text/event-stream");
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events.size() == 1);
      assertThat(stream.events.get(0).event()).isEqualTo("snapshot");
      assertThat(stream.events.get(0).id()).isEqualTo("1");
      assertThat(subscribers()).isGreaterThanOrEqualTo(1);

      Member m = http.join(id, "dan");
      http.command(id, "play", "{\"trackId\":\"" + tenSeconds.id() + "\"}").ok();
      http.command(id, "pause", null).ok();
      http.command(id, "seek", "{\"positionMicros\":2000000}").ok();
      assertThat(http.delete(Api.members(id) + "/" + m.id()).status()).isEqualTo(204);
      assertThat(http.delete(Api.session(id)).status()).isEqualTo(204);

      await().atMost(Duration.ofSeconds(10)).until(() -> stream.completed);
      assertThat(stream.types())
          .containsExactly("snapshot", "joined", "play", "pause", "seek", "left", "ended");
      await().atMost(Duration.ofSeconds(10)).until(() -> subscribers() == 0);
      assertThat(stream.events.stream().map(Sse::id))
          .containsExactly("1", "2", "3", "4", "5", "6", "6");
      for (Sse e : stream.events) {
        assertThat(e.data().type()).isEqualTo(e.event());
        assertThat(e.data().session().id()).isEqualTo(id);
        assertThat(Long.toString(e.data().session().version())).isEqualTo(e.id());
      }
      assertThat(stream.events.get(3).data().session().playback().state())
          .isEqualTo(PlaybackState.PAUSED);
      assertThat(stream.events.get(4).data().session().playback().positionMicros())
          .isEqualTo(2_000_000);
    }
  }

  @Test
  void theEventStreamSendsHeartbeatComments() throws Exception {
    String id = http.create("quiet").id();
    try (Events stream = http.events(id)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.comments.size() >= 2);
      assertThat(stream.types()).containsExactly("snapshot");
    }
  }

  @Test
  void aClientThatResumesAtTheCurrentVersionGetsNoSnapshotAndOneThatIsBehindGetsOne()
      throws Exception {
    String id = http.create("resume").id();
    http.join(id, "erin");
    try (Events current = http.events(id, "Last-Event-ID", "2");
        Events behind = http.events(id, "Last-Event-ID", "1")) {
      await().atMost(Duration.ofSeconds(10)).until(() -> behind.events.size() == 1);
      assertThat(behind.last().event()).isEqualTo("snapshot");
      assertThat(behind.last().id()).isEqualTo("2");

      http.command(id, "play", "{\"trackId\":\"" + tenSeconds.id() + "\"}").ok();
      await().atMost(Duration.ofSeconds(10)).until(() -> current.events.size() == 1);
      assertThat(current.types()).containsExactly("play");
      assertThat(current.last().id()).isEqualTo("3");
      await().atMost(Duration.ofSeconds(10)).until(() -> behind.events.size() == 2);
      assertThat(behind.types()).containsExactly("snapshot", "play");
    }
  }

  @Test
  void theEventStreamOfAnUnknownSessionIsA404Problem() {
    String unknown = SessionIds.random();
    Answer a = http.get(Api.events(unknown), "Accept", "text/event-stream");
    a.problem(404, unknown);
  }

  // --- bad input -------------------------------------------------------------------------------

  @Test
  void anUnknownSessionIsA404NamingIt() {
    String unknown = SessionIds.random();
    http.get(Api.session(unknown)).problem(404, "'" + unknown + "'");
    http.command(unknown, "play", "{\"trackId\":\"" + tenSeconds.id() + "\"}")
        .problem(404, unknown);
    http.command(unknown, "pause", null).problem(404, unknown);
    http.command(unknown, "seek", "{\"positionMicros\":0}").problem(404, unknown);
    http.post(Api.members(unknown), "{\"name\":\"x\"}").problem(404, unknown);
    http.delete(Api.session(unknown)).problem(404, unknown);
  }

  @Test
  void aMalformedSessionOrMemberIdIsA400SayingWhatIdsLookLike() {
    http.get(Api.session("nope")).problem(400, "'nope'", "22 base64url characters");
    http.command("x".repeat(40), "pause", null).problem(400, "not a session id");
    String id = http.create("ids").id();
    http.delete(Api.members(id) + "/bad!id").problem(400, "not a member id");
    String stranger = SessionIds.random();
    JsonNode p = http.delete(Api.members(id) + "/" + stranger).problem(404, stranger, id);
    assertThat(p.get("memberId").asString()).isEqualTo(stranger);
  }

  @Test
  void anUnknownTrackIsA404NamingTheTrack() {
    String id = http.create("tracks").id();
    http.command(id, "play", "{\"trackId\":\"no-such-track\"}")
        .problem(404, "track", "'no-such-track'");
    assertThat(http.get(Api.session(id)).ok().version()).isEqualTo(1);
  }

  @Test
  void anInstantInThePastIsA400SayingHowFarAndThatOmittingItUsesTheLead() {
    String id = http.create("past").id();
    long past = now() - 2_500_000;
    JsonNode p =
        http.command(
                id, "play", "{\"trackId\":\"" + tenSeconds.id() + "\",\"atMicros\":" + past + "}")
            .problem(400, "atMicros " + past, "in the past", "Omit atMicros", "lead (1s)");
    assertThat(p.get("pastByMicros").asLong()).isGreaterThanOrEqualTo(2_500_000);
    assertThat(p.get("field").asString()).isEqualTo("atMicros");
    http.command(id, "play", "{\"trackId\":\"" + tenSeconds.id() + "\"}").ok();
    http.command(id, "pause", "{\"atMicros\":" + past + "}").problem(400, "in the past");
    http.command(id, "seek", "{\"positionMicros\":1,\"atMicros\":" + past + "}")
        .problem(400, "in the past");
    // nanoseconds by mistake: far beyond the session's expiry
    http.command(id, "pause", "{\"atMicros\":" + now() * 1000 + "}")
        .problem(400, "microseconds since the Unix epoch");
  }

  @Test
  void aPositionPastTheEndOrNegativeIsA400WithTheDuration() {
    String id = http.create("positions").id();
    http.command(
            id, "play", "{\"trackId\":\"" + tenSeconds.id() + "\",\"positionMicros\":10000001}")
        .problem(400, "past the end", "10000000 µs", "10.000 s");
    http.command(id, "play", "{\"trackId\":\"" + tenSeconds.id() + "\",\"positionMicros\":-1}")
        .problem(400, "negative");
    http.command(id, "play", "{\"trackId\":\"" + tenSeconds.id() + "\"}").ok();
    JsonNode p =
        http.command(id, "seek", "{\"positionMicros\":20000000}").problem(400, "past the end");
    assertThat(p.get("durationMicros").asLong()).isEqualTo(10_000_000);
    http.command(id, "seek", "{\"positionMicros\":-5}").problem(400, "negative");
    http.command(id, "seek", "{\"positionMicros\":10000000}").ok();
  }

  @Test
  void malformedJsonAndMissingOrMistypedOrUnknownFieldsAreA400NamingTheField() {
    String id = http.create("bodies").id();
    http.command(id, "play", "{\"trackId\":").problem(400, "not valid JSON");
    http.command(id, "play", "[1,2]").problem(400, "must be a JSON object", "PlayCommand");
    http.command(id, "seek", "{}").problem(400, "'positionMicros' is required");
    http.command(id, "seek", null).problem(400, "'positionMicros' is required");
    http.command(id, "seek", "{\"positionMicros\":\"soon\"}")
        .problem(400, "'positionMicros' must be an integer");
    http.command(id, "seek", "{\"positionMicros\":1.5}")
        .problem(400, "'positionMicros' must be an integer");
    http.command(id, "play", "{\"trackId\":42}").problem(400, "'trackId' must be a string");
    JsonNode p =
        http.command(id, "seek", "{\"positionMs\":1000}")
            .problem(400, "Unknown field 'positionMs'", "positionMicros");
    assertThat(p.get("field").asString()).isEqualTo("positionMs");
    http.post(Api.members(id), "{\"name\":\"" + "n".repeat(101) + "\"}")
        .problem(400, "'name'", "at most 100");
    http.post(Api.SESSIONS, "nonsense").problem(400, "not valid JSON");
    assertThat(http.get(Api.session(id)).ok().version()).isEqualTo(1);
  }

  @Test
  void commandsWithNothingToActOnAreA400SayingWhatIsMissing() {
    String id = http.create("empty").id();
    http.command(id, "play", "{}").problem(400, "nothing to resume", "trackId");
    http.command(id, "pause", null).problem(400, "nothing to pause");
    http.command(id, "seek", "{\"positionMicros\":0}").problem(400, "play a track first");
  }

  @Test
  void aFullSessionRefusesTheNextMemberWith409() {
    String id = http.create("full").id();
    for (int i = 0; i < MAX_MEMBERS; i++) {
      http.join(id, "m" + i);
    }
    JsonNode p =
        http.post(Api.members(id), "{\"name\":\"one too many\"}")
            .problem(409, MAX_MEMBERS + " members", "max-members");
    assertThat(p.get("maxMembers").asInt()).isEqualTo(MAX_MEMBERS);
  }

  // --- concurrency -----------------------------------------------------------------------------

  @Test
  void concurrentCommandsOnOneSessionAreEachAppliedExactlyOnce() throws Exception {
    String id = http.create("crowd").id();
    http.command(id, "play", "{\"trackId\":\"" + tenSeconds.id() + "\"}").ok();
    int n = 20;
    List<CompletableFuture<Answer>> answers =
        IntStream.range(0, n)
            .mapToObj(
                i ->
                    CompletableFuture.supplyAsync(
                        () ->
                            i % 2 == 0
                                ? http.post(Api.members(id), "{\"name\":\"p" + i + "\"}")
                                : http.command(
                                    id, "seek", "{\"positionMicros\":" + i * 100_000 + "}")))
            .toList();
    Set<String> versions = new HashSet<>();
    for (CompletableFuture<Answer> f : answers) {
      Answer a = f.get(60, TimeUnit.SECONDS);
      assertThat(a.status()).as(a.response().body()).isIn(200, 201);
      versions.add(a.header("ETag"));
    }
    // versions 3..22, each answered once: no change was lost or applied twice
    assertThat(versions)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.rangeClosed(3, n + 2).mapToObj(v -> "\"" + v + "\"").toList());
    SessionView after = http.get(Api.session(id)).ok();
    assertThat(after.version()).isEqualTo(n + 2);
    assertThat(after.members()).hasSize(n / 2);
  }

  @Test
  void aStaleIfMatchIsA412AndTheCurrentOneApplies() {
    String id = http.create("guarded").id();
    http.join(id, "frank");
    Answer stale =
        http.command(id, "play", "{\"trackId\":\"" + tenSeconds.id() + "\"}", "If-Match", "\"1\"");
    stale.problem(412, "If-Match \"1\"", "version 2");
    assertThat(stale.header("ETag")).isEqualTo("\"2\"");
    Answer a =
        http.command(id, "play", "{\"trackId\":\"" + tenSeconds.id() + "\"}", "If-Match", "\"2\"");
    assertThat(a.ok().version()).isEqualTo(3);
    http.delete(Api.session(id), "If-Match", "\"2\"").problem(412, "version 3");
    assertThat(http.delete(Api.session(id), "If-Match", "\"3\"").status()).isEqualTo(204);
  }
}
