package dev.cadenza.stream.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.LocalTables;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.dynamodb.TableBreaker;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import dev.cadenza.testsupport.DynamoDbFaultProxy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.health.contributor.Health;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.json.JsonMapper;

/**
 * The DynamoDB session store against dynalite (a real server on loopback) behind a {@link
 * DynamoDbFaultProxy}, with the client the service builds: the {@link SessionStoreContract}, the
 * owner items the quota keeps, and a DynamoDB that stops answering (as a SIGSTOPped process does).
 */
@ExtendWith(DynaliteExtension.class)
class DynamoDbSessionStoreTest extends SessionStoreContract {

  static final Duration TIMEOUT = Duration.ofMillis(500);
  static final Duration BREAKER_WAIT = Duration.ofSeconds(2);

  static Dynalite dynalite;
  static DynamoDbFaultProxy proxy;
  static SharedTables tables;
  static String prefix;

  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final List<DynamoDbSessionStore> opened = new ArrayList<>();

  @BeforeAll
  static void tables(Dynalite server) throws Exception {
    dynalite = server;
    prefix = "s" + ThreadLocalRandom.current().nextInt(1_000_000);
    try (SharedTables direct = LocalTables.open(settings(server.endpoint()))) {
      direct.createMissing(Duration.ofSeconds(30));
    }
    proxy = DynamoDbFaultProxy.start(server.endpoint());
    tables = LocalTables.openAsDeployed(settings(proxy.endpoint()));
  }

  @AfterAll
  static void close() {
    if (tables != null) {
      tables.close();
      proxy.close();
    }
  }

  @AfterEach
  void thaw() {
    proxy.thaw();
    opened.forEach(DynamoDbSessionStore::close);
  }

  static CadenzaProperties.DynamoDb settings(URI endpoint) {
    return new CadenzaProperties.DynamoDb(
        prefix,
        "us-east-1",
        endpoint,
        false,
        TIMEOUT,
        BREAKER_WAIT,
        Duration.ofSeconds(30),
        Duration.ofSeconds(5));
  }

  static SessionSettings sessionSettings() {
    return new SessionSettings(
        Duration.ofSeconds(1),
        Duration.ofHours(24),
        Duration.ofMillis(250),
        256,
        10_000,
        Duration.ofSeconds(15),
        Duration.ofMinutes(5),
        16,
        8);
  }

  @Override
  DynamoDbSessionStore store() {
    DynamoDbSessionStore store =
        new DynamoDbSessionStore(tables, JsonMapper.builder().build(), sessionSettings(), meters);
    opened.add(store);
    return store;
  }

  Map<String, AttributeValue> raw(String pk) {
    try (DynamoDbClient db = dynalite.client()) {
      return db.getItem(
              r ->
                  r.tableName(prefix + "-sessions")
                      .key(Map.of("pk", AttributeValue.fromS(pk)))
                      .consistentRead(true))
          .item();
    }
  }

  @Test
  void theOwnerItemListsTheOwnersSessionsAndGoesWithTheLast() {
    SessionStore store = store();
    StoredSession a = session(60);
    StoredSession b = session(60);
    create(store, a);
    create(store, b);

    Map<String, AttributeValue> item = raw("owner#" + owner);
    assertThat(item.get("sessions").ss()).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(item.get("version").n()).isEqualTo("2");

    store.delete(a).block(WAIT);
    assertThat(raw("owner#" + owner).get("sessions").ss()).containsExactly(b.id());
    store.delete(b).block(WAIT);
    assertThat(raw("owner#" + owner)).isEmpty();
  }

  @Test
  void refusalsWithinTheCheckedTimeReadTheOwnerItemOnly() {
    SessionStore store = store();
    for (int i = 0; i < QUOTA; i++) {
      create(store, session(600));
    }
    DynamoDbFaultProxy.Tally before = proxy.tally();
    assertThatThrownBy(() -> create(store, session(600)))
        .isInstanceOf(SessionStore.OverQuota.class);
    assertThat(operationsSince(before))
        .as("the first refusal checks the listed sessions, and notes until when they live")
        .isEqualTo(Map.of("GetItem", 1L, "BatchGetItem", 1L, "UpdateItem", 1L));

    before = proxy.tally();
    assertThatThrownBy(() -> create(store, session(600)))
        .isInstanceOfSatisfying(
            SessionStore.OverQuota.class,
            // the check holds until the earliest expiry or empty-ttl (5 min), whichever is first
            e -> assertThat(e.retryAfterSeconds).isEqualTo(300));
    assertThat(operationsSince(before)).isEqualTo(Map.of("GetItem", 1L));
  }

  /** How many requests of each operation reached the proxy since {@code before}. */
  static Map<String, Long> operationsSince(DynamoDbFaultProxy.Tally before) {
    Map<String, Long> operations = new TreeMap<>();
    proxy
        .tally()
        .minus(before)
        .counts()
        .forEach((request, n) -> operations.merge(request.operation(), n, Long::sum));
    return operations;
  }

  @Test
  void aFrozenDynamoDbFailsCallsWithinTheTimeoutThenAtOnceAndTheyWorkAgainAfterTheThaw() {
    DynamoDbSessionStore store = store();
    StoredSession s = session(600);
    assertThat(create(store, s)).isTrue();

    proxy.freeze();
    DynamoDbFaultProxy.Tally before = proxy.tally();
    long start = System.nanoTime();
    assertThatThrownBy(() -> store.get(s.id(), now.get()).block(WAIT))
        .isInstanceOf(SessionStore.Unavailable.class);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    // bounded by cadenza.dynamodb.timeout (500 ms here), not by the client's 10 s for background
    // work; generous: a loaded machine is slow, but nowhere near 10 s
    assertThat(took).isLessThan(TIMEOUT.multipliedBy(8));
    assertThat(proxy.tally().minus(before).total())
        .as("one attempt, bounded with its retries")
        .isOne();

    // failures open the breaker: 5 calls at least, half of them failed
    for (int i = 0; i < 10 && store.breakerState() != CircuitBreaker.State.OPEN; i++) {
      assertThatThrownBy(() -> store.replace(s, 1).block(WAIT))
          .isInstanceOf(SessionStore.Unavailable.class);
    }
    assertThat(store.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(meters.get("cadenza.sessions.store.breaker.state").gauge().value()).isEqualTo(2);
    assertThat(meters.get("cadenza.sessions.store.breaker.opened").counter().count()).isOne();
    Health.Builder health = Health.up();
    store.health(health);
    assertThat(health.build().getDetails())
        .containsEntry("breaker", "OPEN")
        .containsKey("degraded");

    // open: refused at once, DynamoDB (the proxy) is not called
    DynamoDbFaultProxy.Tally seen = proxy.tally();
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> store.get(s.id(), now.get()).block(WAIT))
          .isInstanceOf(SessionStore.Unavailable.class)
          .hasCauseInstanceOf(TableBreaker.Refused.class);
    }
    assertThat(proxy.tally().minus(seen).total()).isZero();

    proxy.thaw();
    // the probe (every breaker-wait) closes it, without traffic
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> store.breakerState() == CircuitBreaker.State.CLOSED);
    assertThat(store.get(s.id(), now.get()).block(WAIT)).isEqualTo(s);
  }
}
