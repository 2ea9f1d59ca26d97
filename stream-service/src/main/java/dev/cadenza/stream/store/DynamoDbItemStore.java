package dev.cadenza.stream.store;

import dev.cadenza.dynamodb.TableSchema;
import dev.cadenza.stream.dynamodb.Calls;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.dynamodb.TableBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The {@link ItemStore} in the DynamoDB users table ({@code <prefix>-users}), shared by every pod.
 * One DynamoDB item per store item: {@code pk} and {@code sk} (S), {@code version} (N), {@code
 * attrs} (M of S) the attributes, and {@code expiresAt} (N, epoch seconds, the table's TTL
 * attribute) only on items that expire. DynamoDB deletes expired items lazily (dynalite never), so
 * every read and every condition treats an item past {@code expiresAt} as absent.
 *
 * <p>Writes are conditional in DynamoDB itself ({@code ConditionExpression}), so two pods racing on
 * one item cannot both win; reads are strongly consistent, so a pod reads what another just wrote.
 * Every call is bounded by {@code cadenza.dynamodb.timeout} and goes through a {@link
 * TableBreaker}: a call that fails or times out fails with {@link ItemStore.Unavailable}, and while
 * the breaker is open every call does so at once, without waiting on DynamoDB (logins included).
 */
public final class DynamoDbItemStore implements StoreBackend {

  static final String PK = TableSchema.PARTITION_KEY;
  static final String SK = TableSchema.SORT_KEY;
  static final String VERSION = "version";
  static final String ATTRIBUTES = "attrs";
  static final String EXPIRES_AT = TableSchema.TTL_ATTRIBUTE;

  /** Items asked for per Query call: a page is also capped at 1 MB by DynamoDB. */
  private static final int QUERY_PAGE = 500;

  /** Names of the attributes every expression may use. */
  private static final Map<String, String> NAMES =
      Map.of("#pk", PK, "#sk", SK, "#v", VERSION, "#a", ATTRIBUTES, "#exp", EXPIRES_AT);

  private static final String LIVE = "(attribute_not_exists(#exp) OR #exp > :now)";
  private static final String ABSENT_OR_EXPIRED = "attribute_not_exists(#pk) OR #exp <= :now";
  private static final String AT_VERSION = "#v = :expected AND " + LIVE;

  private static final Logger log = LoggerFactory.getLogger(DynamoDbItemStore.class);

  /** The key the breaker's probe reads: no item has it. */
  private static final Map<String, AttributeValue> PROBE = key("probe", "probe");

  private final DynamoDbAsyncClient client;
  private final String table;
  private final Clock clock;
  private final Duration timeout;
  private final TableBreaker breaker;

  public DynamoDbItemStore(SharedTables tables, MeterRegistry meters) {
    this(tables, Clock.systemUTC(), meters);
  }

  DynamoDbItemStore(SharedTables tables, Clock clock, MeterRegistry meters) {
    this.client = tables.client();
    this.table = tables.users();
    this.clock = clock;
    this.timeout = tables.settings().timeout();
    Counter opened =
        Counter.builder("cadenza.store.breaker.opened")
            .description("Times the circuit breaker of the DynamoDB users table opened")
            .register(meters);
    this.breaker =
        new TableBreaker(
            "dynamodb-users",
            tables.settings().breakerWait(),
            timeout,
            () ->
                client
                    .getItem(
                        b -> b.tableName(table).key(PROBE).overrideConfiguration(this::bounded))
                    .thenApply(r -> null),
            TableBreaker.logged(
                log,
                "DynamoDB users table " + table,
                "logins and listeners' data answer 503 at once",
                tables.settings().breakerWait(),
                opened::increment));
    Gauge.builder("cadenza.store.breaker.state", breaker, TableBreaker::stateCode)
        .description("Circuit breaker of the DynamoDB users table: 0 closed, 1 half-open, 2 open")
        .register(meters);
  }

  @Override
  public Mono<Optional<Item>> get(String pk, String sk) {
    return Mono.defer(
        () -> {
          long now = now();
          return call(
                  () ->
                      client.getItem(
                          b ->
                              b.tableName(table)
                                  .key(key(pk, sk))
                                  .consistentRead(true)
                                  .overrideConfiguration(this::bounded)),
                  "read")
              .map(
                  r ->
                      r.hasItem() && !r.item().isEmpty()
                          ? Optional.of(decode(r.item())).filter(i -> live(i, now))
                          : Optional.empty());
        });
  }

  @Override
  public Flux<Item> query(String pk, String skPrefix, String exclusiveStartSk, int limit) {
    if (limit <= 0) {
      return Flux.empty();
    }
    String prefix = skPrefix == null ? "" : skPrefix;
    String start = exclusiveStartSk;
    if (start != null && !start.startsWith(prefix)) {
      // DynamoDB refuses a start key outside the key condition: before the prefix's range means
      // from its first item, after it means nothing
      if (start.compareTo(prefix) > 0) {
        return Flux.empty();
      }
      start = null;
    }
    Map<String, AttributeValue> startKey = start == null ? null : key(pk, start);
    return Flux.defer(() -> page(pk, prefix, startKey, limit, now()));
  }

  /** One Query call and, while items are missing and DynamoDB has more, the next. */
  private Flux<Item> page(
      String pk, String prefix, Map<String, AttributeValue> startKey, int remaining, long now) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":pk", AttributeValue.fromS(pk));
    values.put(":now", number(now));
    String keyCondition = "#pk = :pk";
    if (!prefix.isEmpty()) {
      keyCondition += " AND begins_with(#sk, :prefix)";
      values.put(":prefix", AttributeValue.fromS(prefix));
    }
    QueryRequest request =
        QueryRequest.builder()
            .tableName(table)
            .keyConditionExpression(keyCondition)
            .filterExpression(LIVE)
            .expressionAttributeNames(used(NAMES, keyCondition + LIVE))
            .expressionAttributeValues(values)
            .exclusiveStartKey(startKey)
            .consistentRead(true)
            // the filter applies after the limit: a page may bring fewer live items than asked
            .limit(Math.min(remaining, QUERY_PAGE))
            .overrideConfiguration(this::bounded)
            .build();
    return call(() -> client.query(request), "query")
        .flatMapMany(
            r -> {
              Flux<Item> items = Flux.fromIterable(r.items()).map(this::decode);
              int left = remaining - r.items().size();
              if (left <= 0 || !r.hasLastEvaluatedKey() || r.lastEvaluatedKey().isEmpty()) {
                return items;
              }
              return items.concatWith(
                  Flux.defer(() -> page(pk, prefix, r.lastEvaluatedKey(), left, now)));
            });
  }

  @Override
  public Mono<Optional<Item>> put(Item item, long expectedVersion) {
    return Mono.defer(
        () -> expectedVersion == ANY ? putAnyway(item) : putAt(item, expectedVersion, now()));
  }

  /** A put conditional on the stored version ({@link #ABSENT}: none, or expired). */
  private Mono<Optional<Item>> putAt(Item item, long expectedVersion, long now) {
    Item next = at(item, expectedVersion + 1);
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":now", number(now));
    String condition;
    if (expectedVersion == ABSENT) {
      condition = ABSENT_OR_EXPIRED;
    } else {
      condition = AT_VERSION;
      values.put(":expected", number(expectedVersion));
    }
    return conditional(
            () ->
                client.putItem(
                    b ->
                        b.tableName(table)
                            .item(encode(next))
                            .conditionExpression(condition)
                            .expressionAttributeNames(used(NAMES, condition))
                            .expressionAttributeValues(values)
                            .overrideConfiguration(this::bounded)),
            "write")
        .map(written -> written ? Optional.of(next) : Optional.empty());
  }

  /**
   * An unconditional put: the version is incremented in DynamoDB, so two pods writing at once each
   * get their own. An expired item is replaced as if absent (version 1).
   */
  private Mono<Optional<Item>> putAnyway(Item item) {
    long now = now();
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":now", number(now));
    values.put(":zero", number(0));
    values.put(":one", number(1));
    values.put(":attrs", attributes(item.attributes()));
    String update = "SET #v = if_not_exists(#v, :zero) + :one, #a = :attrs";
    if (item.expiresAtEpochSecond() != 0) {
      update += ", #exp = :exp";
      values.put(":exp", number(item.expiresAtEpochSecond()));
    } else {
      update += " REMOVE #exp";
    }
    String condition = "attribute_not_exists(#pk) OR " + LIVE;
    String expression = update;
    return call(
            () ->
                client.updateItem(
                    b ->
                        b.tableName(table)
                            .key(key(item.pk(), item.sk()))
                            .updateExpression(expression)
                            .conditionExpression(condition)
                            .expressionAttributeNames(used(NAMES, expression + condition))
                            .expressionAttributeValues(values)
                            .returnValues(ReturnValue.UPDATED_NEW)
                            .overrideConfiguration(this::bounded)),
            "write")
        .map(r -> Optional.of(at(item, Long.parseLong(r.attributes().get(VERSION).n()))))
        .onErrorResume(
            ConditionalCheckFailedException.class,
            expired ->
                // replace the expired item as a new one; if another write got there first, again
                putAt(item, ABSENT, now)
                    .flatMap(put -> put.isPresent() ? Mono.just(put) : putAnyway(item)));
  }

  @Override
  public Mono<Boolean> delete(String pk, String sk, long expectedVersion) {
    return Mono.defer(
        () -> {
          Map<String, AttributeValue> values = new HashMap<>();
          values.put(":now", number(now()));
          String condition;
          if (expectedVersion == ANY) {
            condition = "attribute_exists(#pk) AND " + LIVE;
          } else {
            condition = AT_VERSION;
            values.put(":expected", number(expectedVersion));
          }
          return conditional(
              () ->
                  client.deleteItem(
                      b ->
                          b.tableName(table)
                              .key(key(pk, sk))
                              .conditionExpression(condition)
                              .expressionAttributeNames(used(NAMES, condition))
                              .expressionAttributeValues(values)
                              .overrideConfiguration(this::bounded)),
              "delete");
        });
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public Health health() {
    Health.Builder health =
        Health.up()
            .withDetail("backend", "dynamodb")
            .withDetail("table", table)
            .withDetail("breaker", breaker.state().name());
    if (!breaker.closed()) {
      health.withDetail(
          "degraded", "DynamoDB failing: logins and listeners' data answer 503 until it is back");
    }
    return health.build();
  }

  /** Stops the breaker's probe; the client belongs to SharedTables, closed with it. */
  @Override
  public void close() {
    breaker.close();
  }

  /** Every call: bounded by {@code cadenza.dynamodb.timeout}, retries included. */
  private void bounded(AwsRequestOverrideConfiguration.Builder o) {
    o.apiCallTimeout(timeout);
  }

  /** Whether the write's condition held. */
  private <T> Mono<Boolean> conditional(Supplier<CompletableFuture<T>> write, String what) {
    return Calls.conditional(call(write, what));
  }

  /** A DynamoDB call through the breaker; failures other than a failed condition: Unavailable. */
  private <T> Mono<T> call(Supplier<CompletableFuture<T>> call, String what) {
    return breaker.mono(
        call, e -> new Unavailable("item " + what + " in " + table + " failed: " + e, e));
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }

  private static boolean live(Item item, long now) {
    return item.expiresAtEpochSecond() == 0 || item.expiresAtEpochSecond() > now;
  }

  private static Item at(Item item, long version) {
    return new Item(item.pk(), item.sk(), version, item.attributes(), item.expiresAtEpochSecond());
  }

  private static Map<String, AttributeValue> key(String pk, String sk) {
    return Map.of(PK, AttributeValue.fromS(pk), SK, AttributeValue.fromS(sk));
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }

  private static AttributeValue attributes(Map<String, String> attributes) {
    Map<String, AttributeValue> m = new LinkedHashMap<>();
    attributes.forEach((name, value) -> m.put(name, AttributeValue.fromS(value)));
    return AttributeValue.fromM(m);
  }

  /** DynamoDB refuses expression attribute names that an expression does not use. */
  private static Map<String, String> used(Map<String, String> names, String expressions) {
    Map<String, String> used = new HashMap<>();
    names.forEach(
        (placeholder, name) -> {
          if (expressions.contains(placeholder)) {
            used.put(placeholder, name);
          }
        });
    return used;
  }

  private static Map<String, AttributeValue> encode(Item item) {
    Map<String, AttributeValue> m = new HashMap<>(key(item.pk(), item.sk()));
    m.put(VERSION, number(item.version()));
    m.put(ATTRIBUTES, attributes(item.attributes()));
    if (item.expiresAtEpochSecond() != 0) {
      m.put(EXPIRES_AT, number(item.expiresAtEpochSecond()));
    }
    return m;
  }

  private Item decode(Map<String, AttributeValue> m) {
    try {
      Map<String, String> attributes = new HashMap<>();
      AttributeValue attrs = m.get(ATTRIBUTES);
      if (attrs != null && attrs.hasM()) {
        attrs.m().forEach((name, value) -> attributes.put(name, value.s()));
      }
      AttributeValue expiresAt = m.get(EXPIRES_AT);
      return new Item(
          m.get(PK).s(),
          m.get(SK).s(),
          Long.parseLong(m.get(VERSION).n()),
          attributes,
          expiresAt == null ? 0 : Long.parseLong(expiresAt.n()));
    } catch (RuntimeException e) {
      throw new Unavailable(
          "item " + m.get(PK) + " " + m.get(SK) + " in " + table + " is unreadable: " + e, e);
    }
  }
}
