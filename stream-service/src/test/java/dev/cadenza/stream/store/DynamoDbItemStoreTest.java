package dev.cadenza.stream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.LocalTables;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.store.ItemStore.Item;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import dev.cadenza.testsupport.Ports;
import java.net.URI;
import java.time.Duration;
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
    return new CadenzaProperties.DynamoDb(
        prefix,
        "us-east-1",
        endpoint,
        false,
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(1));
  }

  @Override
  ItemStore open() {
    return new DynamoDbItemStore(pod1);
  }

  /** The second pod: the contract's races run through both clients. */
  @Override
  ItemStore another() {
    return new DynamoDbItemStore(pod2);
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
      ItemStore unreachable = new DynamoDbItemStore(gone);
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
  void itsHealthNamesTheTable() {
    DynamoDbItemStore dynamo = (DynamoDbItemStore) store;

    assertThat(dynamo.health().getStatus()).isEqualTo(Status.UP);
    assertThat(dynamo.health().getDetails())
        .containsEntry("backend", "dynamodb")
        .containsEntry("table", "items-users");
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
