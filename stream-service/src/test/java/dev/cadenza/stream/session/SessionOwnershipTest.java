package dev.cadenza.stream.session;

import static dev.cadenza.stream.account.AccountHttp.basic;
import static dev.cadenza.stream.account.AccountTestApp.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.protocol.Api;
import dev.cadenza.stream.account.AccountHttp;
import dev.cadenza.stream.account.AccountHttp.Answer;
import dev.cadenza.stream.account.AccountTestApp;
import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.account.Role;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.web.ErrorResponseException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sessions are owned: members' users, the owner and admins steer; the owner and admins end. Over
 * HTTP with authentication on, as three users.
 */
class SessionOwnershipTest {

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;
  static AccountHttp http;
  static String trackId;
  static final String OWNER = basic("owner", "owner-password");
  static final String GUEST = basic("guest", "guest-password");
  static final String STRANGER = basic("stranger", "stranger-password");

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("ten.wav"), 1_764_000, 1);
    app = AccountTestApp.start(library, data);
    http = new AccountHttp(app.port());
    trackId = app.app().getBean(Library.class).catalog().tracks().get(0).id();
    for (String name : new String[] {"owner", "guest", "stranger"}) {
      Answer a =
          http.json(
              "POST",
              "/api/v1/users",
              admin(),
              Map.of("username", name, "password", name + "-password"));
      assertThat(a.status()).as(a.body()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  static String create() {
    Answer created = http.json("POST", Api.SESSIONS, OWNER, Map.of("name", "Party"));
    assertThat(created.status()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  static Answer play(String id, String who) {
    return http.json("POST", Api.command(id, "play"), who, Map.of("trackId", trackId));
  }

  @Test
  void onlyUsersWithAMemberTheOwnerOrAnAdminSteer() {
    String id = create();
    assertThat(play(id, OWNER).status()).isEqualTo(200);

    Answer refused = play(id, GUEST);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.problem()).isEqualTo("forbidden");
    assertThat(http.json("POST", Api.command(id, "pause"), GUEST, Map.of()).status())
        .isEqualTo(403);

    assertThat(http.json("POST", Api.members(id), GUEST, Map.of("name", "guest phone")).status())
        .isEqualTo(201);
    assertThat(play(id, GUEST).status()).isEqualTo(200);
    assertThat(http.json("POST", Api.command(id, "pause"), GUEST, Map.of()).status())
        .isEqualTo(200);
    assertThat(play(id, STRANGER).status()).isEqualTo(403);
    assertThat(play(id, admin()).status()).isEqualTo(200);
    assertThat(http.get(Api.session(id), STRANGER).status()).as("anyone reads").isEqualTo(200);
  }

  @Test
  void onlyTheOwnerOrAnAdminEnds() {
    String id = create();
    http.json("POST", Api.members(id), GUEST, Map.of("name", "guest phone"));
    Answer refused = http.delete(Api.session(id), GUEST);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(http.delete(Api.session(id), OWNER).status()).isEqualTo(204);

    String other = create();
    assertThat(http.delete(Api.session(other), admin()).status()).isEqualTo(204);
  }

  @Test
  void aMemberIsRemovedByItsUserTheOwnerOrAnAdminOnly() {
    String id = create();
    String member =
        http.json("POST", Api.members(id), GUEST, Map.of("name", "guest phone"))
            .json()
            .get("id")
            .asString();
    assertThat(http.delete(Api.members(id) + "/" + member, STRANGER).status()).isEqualTo(403);
    assertThat(http.delete(Api.members(id) + "/" + member, GUEST).status()).isEqualTo(204);
  }

  @Test
  void aSessionStoredBeforeOwnersIsOwnedByNobodySoOnlyAdminsEndIt() {
    // a DynamoDB item written by an older version: no ownerId, no memberUsers
    String doc =
        "{\"view\":{\"id\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"name\":null,\"version\":3,"
            + "\"createdAtMicros\":0,\"updatedAtMicros\":0,\"expiresAtMicros\":9,"
            + "\"members\":[{\"id\":\"BBBBBBBBBBBBBBBBBBBBBB\",\"name\":\"old\",\"joinedAtMicros\":0}],"
            + "\"playback\":{\"state\":\"STOPPED\",\"trackId\":null,\"positionMicros\":0,"
            + "\"atMicros\":0,\"durationMicros\":0}},\"change\":\"joined\"}";
    StoredSession old = JsonMapper.builder().build().readValue(doc, StoredSession.class);
    assertThat(old.ownerId()).isNull();
    assertThat(old.memberUsers()).isEmpty();
    Listener user = new Listener("u1", "someone", Role.USER, 0);
    assertThatThrownBy(() -> SessionAccess.end(old, user))
        .isInstanceOfSatisfying(
            ErrorResponseException.class,
            e -> assertThat(e.getStatusCode().value()).isEqualTo(403));
    assertThatThrownBy(() -> SessionAccess.steer(old, user, "play"))
        .isInstanceOf(ErrorResponseException.class);
    SessionAccess.end(old, new Listener("a1", "admin", Role.ADMIN, 0));
  }
}
