package dev.cadenza.stream.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.protocol.Api;
import dev.cadenza.protocol.Member;
import dev.cadenza.protocol.PlaybackState;
import dev.cadenza.protocol.SessionView;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.session.SessionHttp.Answer;
import dev.cadenza.stream.session.SessionHttp.Events;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Two stream service instances sharing one DynamoDB (dynalite, a real server on loopback), as two
 * pods behind NGINX: a session lives in the sessions table, so any pod serves it, a subscriber on
 * one pod follows changes made through the other, and it outlives the pod that created it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(DynaliteExtension.class)
class SessionsSharedAcrossPodsTest {

  @TempDir static Path library;
  static Dynalite dynalite;
  static String prefix;
  static TestApp a;
  static TestApp b;
  static SessionHttp onA;
  static SessionHttp onB;
  static String trackId;

  @BeforeAll
  static void start(Dynalite server) throws Exception {
    TestAudio.wav(library.resolve("ten.wav"), 1_764_000, 1);
    dynalite = server;
    prefix = "sessions" + ThreadLocalRandom.current().nextInt(1_000_000);
    // A goes away in the last test: on its own event loops, so that B keeps serving
    a = startInstance("--spring.main.sources=" + OwnNettyResources.class.getName());
    b = startInstance();
    onA = new SessionHttp(a.port());
    onB = new SessionHttp(b.port());
    trackId =
        b.app().getBean(Library.class).catalog().tracks().stream()
            .map(Track::id)
            .findFirst()
            .orElseThrow();
  }

  static TestApp startInstance(String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--cadenza.sessions.poll-interval=100ms",
                // every player here is the same client (127.0.0.1, authentication off)
                "--cadenza.sessions.max-members-per-user=100"));
    args.addAll(List.of(more));
    return TestApp.startSharing(library, dynalite, prefix, args.toArray(String[]::new));
  }

  @AfterAll
  static void stop() {
    for (TestApp app : new TestApp[] {a, b}) {
      if (app != null) {
        app.app().close();
      }
    }
  }

  String play() {
    return "{\"trackId\":\"" + trackId + "\"}";
  }

  @Test
  @Order(1)
  void aSessionCreatedThroughOnePodIsReadAndPlayedThroughTheOther() {
    SessionView created = onA.create("lounge");
    Answer got = onB.get(Api.session(created.id()));
    assertThat(got.ok()).isEqualTo(created);
    assertThat(got.header("ETag")).isEqualTo("\"1\"");

    Member m = onB.join(created.id(), "gil");
    SessionView playing = onB.command(created.id(), "play", play()).ok();
    assertThat(playing.version()).isEqualTo(3);

    // the item as docs/sessions.md describes it: what the TTL and the conditional writes use
    try (DynamoDbClient db = client()) {
      Map<String, AttributeValue> item =
          db.getItem(
                  r ->
                      r.tableName(prefix + "-sessions")
                          .key(Map.of("pk", AttributeValue.fromS(created.id())))
                          .consistentRead(true))
              .item();
      assertThat(item.get("version").n()).isEqualTo("3");
      assertThat(Long.parseLong(item.get("expiresAt").n()))
          .isEqualTo(Math.floorDiv(playing.expiresAtMicros() + 999_999, 1_000_000));
      assertThat(item.get("doc").s()).contains(created.id(), "\"change\":\"play\"");
    }

    SessionView seenByA = onA.get(Api.session(created.id())).ok();
    assertThat(seenByA).isEqualTo(playing);
    assertThat(seenByA.members()).containsExactly(m);
    assertThat(seenByA.playback().state()).isEqualTo(PlaybackState.PLAYING);
  }

  @Test
  @Order(2)
  void aSubscriberOnOnePodSeesTheChangesMadeThroughTheOtherAndTheEnd() throws Exception {
    String id = onA.create("remote").id();
    try (Events stream = onB.events(id)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events.size() == 1);
      assertThat(stream.last().event()).isEqualTo("snapshot");

      onA.join(id, "hana");
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events.size() == 2);
      assertThat(stream.last().event()).isEqualTo("joined");
      assertThat(stream.last().id()).isEqualTo("2");

      SessionView playing = onA.command(id, "play", play()).ok();
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events.size() == 3);
      assertThat(stream.last().event()).isEqualTo("play");
      assertThat(stream.last().data().session()).isEqualTo(playing);

      assertThat(onA.delete(Api.session(id)).status()).isEqualTo(204);
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.completed);
      assertThat(stream.types()).containsExactly("snapshot", "joined", "play", "ended");
    }
  }

  @Test
  @Order(3)
  void concurrentCommandsThroughBothPodsAreEachAppliedExactlyOnce() throws Exception {
    String id = onA.create("crowd").id();
    int n = 20;
    List<CompletableFuture<Answer>> answers =
        IntStream.range(0, n)
            .mapToObj(
                i ->
                    CompletableFuture.supplyAsync(
                        () ->
                            (i % 2 == 0 ? onA : onB)
                                .post(Api.members(id), "{\"name\":\"p" + i + "\"}")))
            .toList();
    Set<String> versions = new HashSet<>();
    for (CompletableFuture<Answer> f : answers) {
      Answer answer = f.get(60, TimeUnit.SECONDS);
      assertThat(answer.status()).as(answer.response().body()).isEqualTo(201);
      versions.add(answer.header("ETag"));
    }
    assertThat(versions)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.rangeClosed(2, n + 1).mapToObj(v -> "\"" + v + "\"").toList());
    SessionView after = onB.get(Api.session(id)).ok();
    assertThat(after.version()).isEqualTo(n + 1);
    assertThat(after.members()).hasSize(n);
  }

  @Test
  @Order(4)
  void aCommandWithTheVersionBeforeAChangeThroughTheOtherPodIsA412() {
    String id = onA.create("guarded").id();
    onA.join(id, "ivo");
    onB.command(id, "play", play(), "If-Match", "\"1\"").problem(412, "version 2");
    assertThat(onB.command(id, "play", play(), "If-Match", "\"2\"").ok().version()).isEqualTo(3);
  }

  @Test
  @Order(5)
  void aSessionPastItsExpiryIsGoneBeforeDynamoDbDeletesItAndItsSubscribersAreTold()
      throws Exception {
    String id = onA.create("expiring").id();
    try (Events stream = onB.events(id);
        DynamoDbClient db = client()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events.size() == 1);
      long past = System.currentTimeMillis() / 1000 - 60;
      db.updateItem(
          r ->
              r.tableName(prefix + "-sessions")
                  .key(Map.of("pk", AttributeValue.fromS(id)))
                  .updateExpression("SET expiresAt = :past")
                  .expressionAttributeValues(
                      Map.of(":past", AttributeValue.fromN(Long.toString(past)))));
      onA.get(Api.session(id)).problem(404, id);
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.completed);
      assertThat(stream.types()).containsExactly("snapshot", "ended");
    }
  }

  @Test
  @Order(6)
  void whileDynamoDbIsDownSessionRequestsAre503ProblemsAndWorkAgainOnceItIsBack() throws Exception {
    String id = onA.create("outage").id();
    try (Events stream = onB.events(id)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events.size() == 1);
      dynalite.stop();
      try {
        Answer play = onA.command(id, "play", play());
        play.problem(503, "DynamoDB");
        assertThat(play.header("Retry-After")).isNotBlank();
        onB.get(Api.session(id)).problem(503, "DynamoDB");
        onA.post(Api.SESSIONS, null).problem(503, "DynamoDB");
        onA.get(Api.events(id)).problem(503, "DynamoDB");
      } finally {
        dynalite.restart();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> onA.command(id, "play", play()).status() == 200);
      // the stream stayed open through the outage and catches up
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.types().contains("play"));
      assertThat(stream.completed).isFalse();
    }
  }

  @Test
  @Order(7)
  void aSessionOutlivesThePodItWasCreatedOn() throws Exception {
    SessionView created = onA.create("survivor");
    Member m = onA.join(created.id(), "jo");
    try (Events onGoingPod = onA.events(created.id())) {
      await().atMost(Duration.ofSeconds(10)).until(() -> onGoingPod.events.size() == 1);
      a.app().close();
      // closed for the player to reconnect elsewhere, not ended
      await().atMost(Duration.ofSeconds(10)).until(() -> onGoingPod.completed);
      assertThat(onGoingPod.types()).containsExactly("snapshot");
    }

    SessionView got = onB.get(Api.session(created.id())).ok();
    assertThat(got.members()).containsExactly(m);
    try (Events stream = onB.events(created.id())) {
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events.size() == 1);
      SessionView playing = onB.command(created.id(), "play", play()).ok();
      assertThat(playing.version()).isEqualTo(3);
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.events.size() == 2);
      assertThat(stream.types()).containsExactly("snapshot", "play");
    }
  }

  static DynamoDbClient client() {
    return dynalite.client();
  }
}
