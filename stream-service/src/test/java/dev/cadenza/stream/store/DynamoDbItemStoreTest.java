package dev.cadenza.stream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.LocalTables;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.dynamodb.TableBreaker;
import dev.cadenza.stream.store.ItemStore.Item;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import dev.cadenza.testsupport.DynamoDbFaultProxy;
import dev.cadenza.testsupport.Ports;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Status;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The {@link ItemStoreContract} of the users table in DynamoDB (dynalite, which, like DynamoDB
 * before its TTL sweep, still holds expired items), with two stores as two pods would have, each
 * with its own client: the races of the contract run through both. Plus: the item as the table
 * holds it, and a DynamoDB that cannot be reached is {@link ItemStore.Unavailable}.
 */
@ExtendWith(DynaliteExtension.class)
class DynamoDbItemStoreTest extends ItemStoreContract {

  private static SharedTables pod1;
  private static SharedTables pod2;

  @BeforeAll
  static void tables(Dynalite dynalite) {
    for (String name : List.of("software.amazon.awssdk", "io.netty")) {
      ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.INFO);
    }
    CadenzaProperties.DynamoDb settings = settings("items", dynalite.endpoint());
    pod1 = LocalTables.open(settings);
    pod2 = LocalTables.open(settings);
    pod1.createMissing(WAIT);
  }

  @AfterAll
  static void close() {
    if (pod1 != null) {
      pod1.close();
      pod2.close();
    }
  }

  private static CadenzaProperties.DynamoDb settings(String prefix, URI endpoint) {
    return settings(prefix, endpoint, Duration.ofSeconds(1), Duration.ofSeconds(5));
  }

  private static CadenzaProperties.DynamoDb settings(
      String prefix, URI endpoint, Duration timeout, Duration breakerWait) {
    return new CadenzaProperties.DynamoDb(
        prefix,
        "us-east-1",
        endpoint,
        false,
        timeout,
        breakerWait,
        Duration.ofSeconds(10),
        Duration.ofSeconds(1));
  }

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<DynamoDbItemStore> opened = new ArrayList<>();

  private DynamoDbItemStore open(SharedTables tables) {
    return open(tables, meters);
  }

  private DynamoDbItemStore open(SharedTables tables, SimpleMeterRegistry registry) {
    DynamoDbItemStore store = new DynamoDbItemStore(tables, registry);
    opened.add(store);
    return store;
  }

  @Override
  ItemStore open() {
    return open(pod1);
  }

  /** The second pod: the contract's races run through both clients. */
  @Override
  ItemStore another() {
    return open(pod2);
  }

  @Override
  void close(ItemStore store) {
    opened.forEach(DynamoDbItemStore::close);
    opened.clear();
  }

  @Test
  void anItemIsKeysVersionAttributesMapAndExpiryAsTheContractSays() {
    long later = inSeconds(600);
    store
        .put(new Item(pk, "np", 1, Map.of("track", "t1", "empty", ""), later), ItemStore.ABSENT)
        .block(WAIT);
    put("star#track#1", Map.of(), ItemStore.ABSENT);

    Map<String, AttributeValue> expiring = raw("np");
    Map<String, AttributeValue> lasting = raw("star#track#1");

    assertThat(expiring)
        .containsEntry("pk", AttributeValue.fromS(pk))
        .containsEntry("sk", AttributeValue.fromS("np"))
        .containsEntry("version", AttributeValue.fromN("1"))
        .containsEntry("expiresAt", AttributeValue.fromN(Long.toString(later)))
        .containsEntry(
            "attrs",
            AttributeValue.fromM(
                Map.of("track", AttributeValue.fromS("t1"), "empty", AttributeValue.fromS(""))));
    assertThat(lasting).doesNotContainKey("expiresAt");
    assertThat(lasting).containsEntry("attrs", AttributeValue.fromM(Map.of()));
  }

  @Test
  void aWriteThroughOnePodIsReadThroughTheOther() {
    ItemStore other = another();

    put("queue", Map.of("position", "12"), ItemStore.ABSENT);

    assertThat(other.get(pk, "queue").block(WAIT)).map(Item::version).contains(1L);
    assertThat(other.put(Item.of(pk, "queue", Map.of("position", "13")), 1).block(WAIT))
        .isPresent();
    assertThat(put("queue", Map.of("position", "lost"), 1)).isEmpty();
  }

  @Test
  void anUnreachableDynamoDbIsUnavailableForEveryOperation() {
    try (SharedTables gone =
        LocalTables.open(settings("gone", URI.create("http://127.0.0.1:" + Ports.free())))) {
      ItemStore unreachable = open(gone);
      Item item = Item.of(pk, "a", Map.of());

      assertThatThrownBy(() -> unreachable.get(pk, "a").block(WAIT))
          .isInstanceOf(ItemStore.Unavailable.class)
          .hasMessageContaining("gone-users");
      assertThatThrownBy(() -> unreachable.put(item, ItemStore.ABSENT).block(WAIT))
          .isInstanceOf(ItemStore.Unavailable.class);
      assertThatThrownBy(() -> unreachable.put(item, ItemStore.ANY).block(WAIT))
          .isInstanceOf(ItemStore.Unavailable.class);
      assertThatThrownBy(() -> unreachable.delete(pk, "a", 1).block(WAIT))
          .isInstanceOf(ItemStore.Unavailable.class);
      assertThatThrownBy(() -> unreachable.query(pk, "", null, 5).collectList().block(WAIT))
          .isInstanceOf(ItemStore.Unavailable.class);
    }
  }

  @Test
  void aFrozenDynamoDbFailsCallsWithinTheTimeoutThenAtOnceAndTheyWorkAgainAfterTheThaw(
      Dynalite dynalite) throws Exception {
    Duration timeout = Duration.ofMillis(500);
    try (DynamoDbFaultProxy proxy = DynamoDbFaultProxy.start(dynalite.endpoint());
        SharedTables tables =
            LocalTables.openAsDeployed(
                settings("items", proxy.endpoint(), timeout, Duration.ofSeconds(2)))) {
      SimpleMeterRegistry own = new SimpleMeterRegistry();
      DynamoDbItemStore items = open(tables, own);
      put("frozen", Map.of(), ItemStore.ABSENT);
      assertThat(items.get(pk, "frozen").block(WAIT)).isPresent();

      proxy.freeze();
      DynamoDbFaultProxy.Tally before = proxy.tally();
      long start = System.nanoTime();
      assertThatThrownBy(() -> items.get(pk, "frozen").block(WAIT))
          .isInstanceOf(ItemStore.Unavailable.class);
      // bounded by cadenza.dynamodb.timeout, not the client's 10 s; generous for a loaded machine
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.multipliedBy(8));
      assertThat(proxy.tally().minus(before).total())
          .as("one attempt, bounded with its retries")
          .isOne();

      for (int i = 0; i < 10 && !breaker(items).equals("OPEN"); i++) {
        assertThatThrownBy(() -> items.put(Item.of(pk, "x", Map.of()), ItemStore.ANY).block(WAIT))
            .isInstanceOf(ItemStore.Unavailable.class);
      }
      assertThat(breaker(items)).isEqualTo("OPEN");
      assertThat(items.health().getDetails()).containsKey("degraded");
      assertThat(own.get("cadenza.store.breaker.state").gauge().value()).isEqualTo(2);

      DynamoDbFaultProxy.Tally seen = proxy.tally();
      for (int i = 0; i < 10; i++) {
        assertThatThrownBy(() -> items.get(pk, "frozen").block(WAIT))
            .isInstanceOf(ItemStore.Unavailable.class)
            .hasCauseInstanceOf(TableBreaker.Refused.class);
      }
      assertThat(proxy.tally().minus(seen).total())
          .as("refused at once, DynamoDB not called")
          .isZero();

      proxy.thaw();
      await().atMost(Duration.ofSeconds(30)).until(() -> breaker(items).equals("CLOSED"));
      assertThat(items.get(pk, "frozen").block(WAIT)).isPresent();
    }
  }

  private static Object breaker(DynamoDbItemStore store) {
    return store.health().getDetails().get("breaker");
  }

  @Test
  void itsHealthNamesTheTable() {
    DynamoDbItemStore dynamo = (DynamoDbItemStore) store;

    assertThat(dynamo.health().getStatus()).isEqualTo(Status.UP);
    assertThat(dynamo.health().getDetails())
        .containsEntry("backend", "dynamodb")
        .containsEntry("table", "items-users")
        .containsEntry("breaker", "CLOSED");
    assertThat(dynamo.shared()).isTrue();
  }

  private Map<String, AttributeValue> raw(String sk) {
    return pod1.client()
        .getItem(
            b ->
                b.tableName(pod1.users())
                    .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))
                    .consistentRead(true))
        .join()
        .item();
  }
}
