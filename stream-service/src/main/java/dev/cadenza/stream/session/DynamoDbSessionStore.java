package dev.cadenza.stream.session;

import dev.cadenza.dynamodb.TableSchema;
import dev.cadenza.stream.dynamodb.Calls;
import dev.cadenza.stream.dynamodb.SharedTables;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sessions in the shared DynamoDB sessions table, one item per session: {@code pk} the session id,
 * {@code doc} the {@link StoredSession} as JSON, {@code version} (N) the session version the
 * conditional writes compare, {@code expiresAt} (N, epoch seconds) the TTL attribute, moved forward
 * by every change. DynamoDB deletes expired items lazily (dynalite never), so reads check it too.
 */
final class DynamoDbSessionStore implements SessionStore {

  static final String PK = TableSchema.PARTITION_KEY;
  static final String DOC = "doc";
  static final String VERSION = "version";
  static final String EXPIRES_AT = TableSchema.TTL_ATTRIBUTE;

  private final DynamoDbAsyncClient client;
  private final String table;
  private final JsonMapper json;

  DynamoDbSessionStore(SharedTables tables, JsonMapper json) {
    this.client = tables.client();
    this.table = tables.sessions();
    this.json = json;
  }

  @Override
  public Mono<StoredSession> get(String id, long nowMicros) {
    return call(
            () -> client.getItem(b -> b.tableName(table).key(key(id)).consistentRead(true)), "read")
        .flatMap(
            r -> {
              if (!r.hasItem() || r.item().isEmpty()) {
                return Mono.empty();
              }
              if (expiredItem(r.item(), nowMicros)) {
                return Mono.empty();
              }
              StoredSession s = decode(r.item());
              return s.expiredAt(nowMicros) ? Mono.empty() : Mono.just(s);
            });
  }

  @Override
  public Mono<Boolean> create(StoredSession session) {
    return conditional(
        () ->
            client.putItem(
                b ->
                    b.tableName(table)
                        .item(item(session))
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", PK))),
        "create");
  }

  @Override
  public Mono<Boolean> replace(StoredSession next, long expectedVersion) {
    return conditional(
        () ->
            client.putItem(
                b ->
                    b.tableName(table)
                        .item(item(next))
                        .conditionExpression(VERSION_IS_EXPECTED)
                        .expressionAttributeNames(Map.of("#v", VERSION))
                        .expressionAttributeValues(expected(expectedVersion))),
        "update");
  }

  @Override
  public Mono<Boolean> delete(String id, long expectedVersion) {
    return conditional(
        () ->
            client.deleteItem(
                b ->
                    b.tableName(table)
                        .key(key(id))
                        .conditionExpression(VERSION_IS_EXPECTED)
                        .expressionAttributeNames(Map.of("#v", VERSION))
                        .expressionAttributeValues(expected(expectedVersion))),
        "delete");
  }

  @Override
  public boolean shared() {
    return true;
  }

  private <T> Mono<Boolean> conditional(Supplier<CompletableFuture<T>> write, String what) {
    return Calls.conditional(call(write, what));
  }

  /** A DynamoDB call; failures other than a failed condition become {@link Unavailable}. */
  private <T> Mono<T> call(Supplier<CompletableFuture<T>> call, String what) {
    return Calls.mono(
        call, e -> new Unavailable("session " + what + " in " + table + " failed: " + e, e));
  }

  /** The condition of every update and delete: nobody changed the session since it was read. */
  private static final String VERSION_IS_EXPECTED = "#v = :expected";

  private static Map<String, AttributeValue> expected(long version) {
    return Map.of(":expected", AttributeValue.fromN(Long.toString(version)));
  }

  private static Map<String, AttributeValue> key(String id) {
    return Map.of(PK, AttributeValue.fromS(id));
  }

  private Map<String, AttributeValue> item(StoredSession s) {
    // ceiling: the item never expires before the session does
    long expiresAtSeconds = Math.floorDiv(s.view().expiresAtMicros() + 999_999, 1_000_000);
    return Map.of(
        PK, AttributeValue.fromS(s.id()),
        DOC, AttributeValue.fromS(json.writeValueAsString(s)),
        VERSION, AttributeValue.fromN(Long.toString(s.version())),
        EXPIRES_AT, AttributeValue.fromN(Long.toString(expiresAtSeconds)));
  }

  /** Past its TTL attribute: gone, whether or not DynamoDB has deleted it yet. */
  private static boolean expiredItem(Map<String, AttributeValue> item, long nowMicros) {
    AttributeValue expiresAt = item.get(EXPIRES_AT);
    if (expiresAt == null || expiresAt.n() == null) {
      return false;
    }
    try {
      return Long.parseLong(expiresAt.n()) * 1_000_000 <= nowMicros;
    } catch (NumberFormatException e) {
      return false; // the doc's own expiry still applies
    }
  }

  private StoredSession decode(Map<String, AttributeValue> item) {
    AttributeValue doc = item.get(DOC);
    try {
      if (doc == null || doc.s() == null) {
        throw new IllegalStateException("no " + DOC + " attribute");
      }
      return json.readValue(doc.s(), StoredSession.class);
    } catch (JacksonException | IllegalStateException e) {
      throw new Unavailable(
          "session item " + item.get(PK) + " in " + table + " is unreadable: " + e, e);
    }
  }
}
