package dev.cadenza.stream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.cadenza.client.CadenzaClient;
import dev.cadenza.client.PlaybackPlan;
import dev.cadenza.protocol.PauseCommand;
import dev.cadenza.protocol.PlayCommand;
import dev.cadenza.protocol.PlaybackState;
import dev.cadenza.protocol.SeekCommand;
import dev.cadenza.protocol.SessionView;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group playback end to end: players whose clocks are deliberately wrong (-300 ms, 0, +170 ms) sync
 * with the media clock, join one session and follow its events; when one of them plays, seeks or
 * pauses, each computes its own local instant for it. Converted back to true time (local minus the
 * injected shift) the instants agree. The tolerance (20 ms) is far above loopback jitter and far
 * below the injected shifts: it fails on a sign or unit error, not on a busy machine.
 */
class GroupPlaybackTest {

  static final long TOLERANCE = 20_000; // µs
  static final long[] SHIFTS = {-300_000, 0, 170_000};
  static final Duration EVENTS = Duration.ofSeconds(20);

  @TempDir static Path library;
  static TestApp app;
  static CadenzaClient client;
  static String trackId;
  final List<Player> players = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    TestAudio.copyDemo(library);
    app = TestApp.start(library);
    client = CadenzaClient.create(URI.create("http://127.0.0.1:" + app.port()));
    trackId =
        client.tracks("First Light", 10, null).items().stream()
            .filter(t -> t.path().equals(LibraryFixtures.FIRST_LIGHT))
            .findFirst()
            .orElseThrow()
            .id();
  }

  @AfterAll
  static void stop() {
    app.app().close();
  }

  @AfterEach
  void closePlayers() {
    players.forEach(Player::close);
  }

  /** Three players in a new session, each having received its snapshot. */
  SessionView roomOfThree() {
    SessionView session = client.createSession("living room");
    for (int i = 0; i < SHIFTS.length; i++) {
      players.add(Player.join(client, session.id(), "speaker-" + i, SHIFTS[i]));
    }
    await().atMost(EVENTS).until(() -> players.stream().allMatch(p -> !p.planned.isEmpty()));
    return session;
  }

  /**
   * The plans of all players for the event of {@code type} at {@code version}, once all have one.
   */
  List<PlaybackPlan> plansFor(String type, long version) {
    await()
        .atMost(EVENTS)
        .until(() -> players.stream().allMatch(p -> p.planFor(type, version) != null));
    return players.stream().map(p -> p.planFor(type, version)).toList();
  }

  /** The spread of the players' plan instants in true time. */
  LongSummaryStatistics trueInstants(List<PlaybackPlan> plans) {
    LongSummaryStatistics stats = new LongSummaryStatistics();
    for (int i = 0; i < plans.size(); i++) {
      stats.accept(players.get(i).trueMicros(plans.get(i).localMicros()));
    }
    return stats;
  }

  @Test
  void threePlayersWithWrongClocksStartTheTrackAtTheSameTrueInstant() {
    SessionView session = roomOfThree();
    Player leader = players.get(0);
    long at = leader.sync.mediaNowMicros() + 1_500_000;

    SessionView playing = client.play(session.id(), new PlayCommand(trackId, 0L, at));

    assertThat(playing.playback().state()).isEqualTo(PlaybackState.PLAYING);
    assertThat(playing.playback().atMicros()).isEqualTo(at);
    List<PlaybackPlan> plans = plansFor("play", playing.version());
    for (int i = 0; i < plans.size(); i++) {
      PlaybackPlan plan = plans.get(i);
      assertThat(plan.late()).as("player %d heard of the start in time", i).isFalse();
      assertThat(plan.trackId()).isEqualTo(trackId);
      assertThat(plan.positionMicros()).isZero();
      assertThat(plan.mediaMicros()).isEqualTo(at);
      // each local instant is off by its own clock's shift, the true instants are not
      assertThat(plan.localMicros()).isCloseTo(at + SHIFTS[i], within(TOLERANCE));
    }
    LongSummaryStatistics truth = trueInstants(plans);
    assertThat(truth.getMax() - truth.getMin()).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void seekAndPauseAreAlsoAtTheSameTrueInstantForEveryone() {
    SessionView session = roomOfThree();
    Player leader = players.get(1);
    SessionView playing =
        client.play(
            session.id(), new PlayCommand(trackId, 0L, leader.sync.mediaNowMicros() + 500_000));
    plansFor("play", playing.version());

    long seekAt = leader.sync.mediaNowMicros() + 1_000_000;
    SessionView sought = client.seek(session.id(), new SeekCommand(5_000_000, seekAt));
    List<PlaybackPlan> seeks = plansFor("seek", sought.version());
    assertThat(seeks).allSatisfy(p -> assertThat(p.positionMicros()).isEqualTo(5_000_000));
    LongSummaryStatistics seekTruth = trueInstants(seeks);
    assertThat(seekTruth.getMax() - seekTruth.getMin()).isLessThanOrEqualTo(TOLERANCE);

    long pauseAt = leader.sync.mediaNowMicros() + 1_000_000;
    SessionView paused = client.pause(session.id(), new PauseCommand(pauseAt), sought.version());
    assertThat(paused.playback().state()).isEqualTo(PlaybackState.PAUSED);
    List<PlaybackPlan> pauses = plansFor("pause", paused.version());
    assertThat(pauses).allSatisfy(p -> assertThat(p.playing()).isFalse());
    LongSummaryStatistics pauseTruth = trueInstants(pauses);
    assertThat(pauseTruth.getMax() - pauseTruth.getMin()).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void aLateJoinerStartsAtThePositionTheOthersHaveReached() {
    SessionView session = roomOfThree();
    long at = players.get(2).sync.mediaNowMicros() + 200_000;
    client.play(session.id(), new PlayCommand(trackId, 1_000_000L, at));
    await().atMost(EVENTS).until(() -> players.get(2).sync.mediaNowMicros() > at + 1_000_000);

    Player late = Player.join(client, session.id(), "late", 250_000);
    players.add(late);
    await().atMost(EVENTS).until(() -> !late.planned.isEmpty());

    PlaybackPlan plan = late.planned.get(0).plan();
    assertThat(late.planned.get(0).event().type()).isEqualTo("snapshot");
    assertThat(plan.late()).isTrue();
    assertThat(plan.playing()).isTrue();
    // where the others are at that true instant: 1 s in, plus the time since the true start
    long expected = 1_000_000 + (late.trueMicros(plan.localMicros()) - at);
    assertThat(plan.positionMicros()).isCloseTo(expected, within(TOLERANCE));
  }

  @Test
  void endingTheSessionEndsEveryPlayersEventStream() throws Exception {
    SessionView session = roomOfThree();
    client.deleteSession(session.id());
    for (Player p : players) {
      assertThat(p.events().await(EVENTS)).isTrue();
      assertThat(p.planned.get(p.planned.size() - 1).event().type()).isEqualTo("ended");
    }
  }
}
