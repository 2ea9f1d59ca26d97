package dev.cadenza.stream.session;

import dev.cadenza.dynamodb.TableSchema;
import dev.cadenza.stream.dynamodb.Calls;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.dynamodb.TableBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sessions in the shared DynamoDB sessions table, one item per session: {@code pk} the session id,
 * {@code doc} the {@link StoredSession} as JSON, {@code version} (N) the session version the
 * conditional writes compare, {@code expiresAt} (N, epoch seconds) the TTL attribute, moved forward
 * by every change. DynamoDB deletes expired items lazily (dynalite never), so reads check it too.
 *
 * <p>Beside them, one item per owner that has sessions, {@code pk = "owner#<owner id>"} (never a
 * session id, which has no {@code #}): {@code sessions} (SS) the ids of its sessions, {@code
 * version} (N) for conditional writes, and {@code checkedUntil} (N, media-clock µs) until when all
 * of them are known to live. A create reads it and claims a place in it with a conditional write
 * before it writes the session; at the quota, it reads the listed sessions' expiry (one
 * BatchGetItem) and drops those that are gone. Ending a session takes it off the list. There are no
 * transactions (dynalite has none): a session that is listed but was never written, or that expired
 * or whose removal failed, is dropped by the next check.
 *
 * <p>Every call is bounded by {@code cadenza.dynamodb.timeout} and goes through a {@link
 * TableBreaker}: a DynamoDB that does not answer fails a command within the timeout, and once the
 * breaker is open at once.
 */
final class DynamoDbSessionStore implements SessionStore {

  private static final Logger log = LoggerFactory.getLogger(DynamoDbSessionStore.class);

  static final String PK = TableSchema.PARTITION_KEY;
  static final String DOC = "doc";
  static final String VERSION = "version";
  static final String EXPIRES_AT = TableSchema.TTL_ATTRIBUTE;
  static final String SESSIONS = "sessions";
  static final String CHECKED_UNTIL = "checkedUntil";
  static final String OWNER = "owner#";

  /** The key the breaker's probe reads: no session has it. */
  private static final String PROBE = "probe";

  private final DynamoDbAsyncClient client;
  private final String table;
  private final JsonMapper json;
  private final Duration timeout;
  private final long emptyTtlMicros;
  private final TableBreaker breaker;

  DynamoDbSessionStore(
      SharedTables tables, JsonMapper json, SessionSettings settings, MeterRegistry meters) {
    this.client = tables.client();
    this.table = tables.sessions();
    this.json = json;
    this.timeout = tables.settings().timeout();
    this.emptyTtlMicros = settings.idleMicros(0);
    Counter opened =
        Counter.builder("cadenza.sessions.store.breaker.opened")
            .description("Times the circuit breaker of the DynamoDB sessions table opened")
            .register(meters);
    this.breaker =
        new TableBreaker(
            "dynamodb-sessions",
            tables.settings().breakerWait(),
            timeout,
            () ->
                client
                    .getItem(
                        b ->
                            b.tableName(table).key(key(PROBE)).overrideConfiguration(this::bounded))
                    .thenApply(r -> null),
            TableBreaker.logged(
                log,
                "DynamoDB sessions table " + table,
                "session commands answer 503 at once",
                tables.settings().breakerWait(),
                opened::increment));
    Gauge.builder("cadenza.sessions.store.breaker.state", breaker, TableBreaker::stateCode)
        .description(
            "Circuit breaker of the DynamoDB sessions table: 0 closed, 1 half-open, 2 open")
        .register(meters);
  }

  @Override
  public Mono<StoredSession> get(String id, long nowMicros) {
    return call(
            () ->
                client.getItem(
                    b ->
                        b.tableName(table)
                            .key(key(id))
                            .consistentRead(true)
                            .overrideConfiguration(this::bounded)),
            "read")
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
  public Mono<Boolean> create(StoredSession session, int maxPerOwner) {
    long now = session.view().createdAtMicros();
    return owner(session.ownerId())
        .flatMap(
            owner ->
                live(owner, maxPerOwner, now)
                    .flatMap(
                        live -> {
                          Set<String> listed = new HashSet<>(live);
                          listed.add(session.id());
                          return claim(owner, listed);
                        }))
        .flatMap(claimed -> claimed ? put(session) : Mono.just(false));
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
                        .expressionAttributeValues(expected(expectedVersion))
                        .overrideConfiguration(this::bounded)),
        "update");
  }

  @Override
  public Mono<Boolean> delete(StoredSession current) {
    return conditional(
            () ->
                client.deleteItem(
                    b ->
                        b.tableName(table)
                            .key(key(current.id()))
                            .conditionExpression(VERSION_IS_EXPECTED)
                            .expressionAttributeNames(Map.of("#v", VERSION))
                            .expressionAttributeValues(expected(current.version()))
                            .overrideConfiguration(this::bounded)),
            "delete")
        .flatMap(
            deleted ->
                deleted && current.ownerId() != null
                    ? release(current.ownerId(), current.id()).thenReturn(true)
                    : Mono.just(deleted));
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public void health(Health.Builder health) {
    health
        .withDetail("store", "dynamodb")
        .withDetail("table", table)
        .withDetail("breaker", breaker.state().name());
    if (!breaker.closed()) {
      health.withDetail(
          "degraded", "DynamoDB failing: session commands answer 503 until it is back");
    }
  }

  CircuitBreaker.State breakerState() {
    return breaker.state();
  }

  @Override
  public void close() {
    breaker.close();
  }

  // --- the owner's sessions ------------------------------------------------------------------

  /** An owner item as read: {@code version} 0 when there is none. */
  private record Owner(String pk, long version, Set<String> sessions, long checkedUntil) {}

  private Mono<Owner> owner(String ownerId) {
    String pk = OWNER + ownerId;
    return call(
            () ->
                client.getItem(
                    b ->
                        b.tableName(table)
                            .key(key(pk))
                            .consistentRead(true)
                            .overrideConfiguration(this::bounded)),
            "owner read")
        .map(
            r -> {
              Map<String, AttributeValue> item = r.hasItem() ? r.item() : Map.of();
              AttributeValue version = item.get(VERSION);
              AttributeValue sessions = item.get(SESSIONS);
              AttributeValue checked = item.get(CHECKED_UNTIL);
              return new Owner(
                  pk,
                  version == null ? 0 : Long.parseLong(version.n()),
                  sessions == null ? Set.of() : Set.copyOf(sessions.ss()),
                  checked == null ? 0 : Long.parseLong(checked.n()));
            });
  }

  /**
   * The owner's sessions that are (or may be) live, fewer than {@code max}; else {@link OverQuota}.
   * Below the quota the list is taken as it is: no session is read.
   */
  private Mono<Set<String>> live(Owner owner, int max, long now) {
    if (owner.sessions().size() < max) {
      return Mono.just(owner.sessions());
    }
    if (now < owner.checkedUntil()) {
      return Mono.error(new OverQuota(max, OverQuota.secondsUntil(owner.checkedUntil(), now)));
    }
    return expiries(owner.sessions(), now)
        .flatMap(
            expiries -> {
              Map<String, Long> live = new HashMap<>();
              expiries.forEach(
                  (id, expiresAt) -> {
                    if (expiresAt > now) {
                      live.put(id, expiresAt);
                    }
                  });
              if (live.size() < max) {
                return Mono.just(live.keySet());
              }
              long earliest = live.values().stream().min(Long::compare).orElseThrow();
              // a change moves a session's expiry to at least its time plus empty-ttl, so the
              // whole list lives until then: refusals meanwhile need not read the sessions again
              long checkedUntil = Math.min(earliest, now + emptyTtlMicros);
              return checked(owner, checkedUntil)
                  .then(Mono.error(new OverQuota(max, OverQuota.secondsUntil(earliest, now))));
            });
  }

  /**
   * The expiry (media-clock µs) of each of the sessions that still has an item, with one consistent
   * BatchGetItem; keys DynamoDB leaves unprocessed (throttling) count as live for another {@code
   * empty-ttl}.
   */
  private Mono<Map<String, Long>> expiries(Set<String> ids, long now) {
    List<Map<String, AttributeValue>> keys = ids.stream().map(DynamoDbSessionStore::key).toList();
    return call(
            () ->
                client.batchGetItem(
                    b ->
                        b.requestItems(
                                Map.of(
                                    table,
                                    KeysAndAttributes.builder()
                                        .keys(keys)
                                        .consistentRead(true)
                                        .projectionExpression("#pk, #exp")
                                        .expressionAttributeNames(
                                            Map.of("#pk", PK, "#exp", EXPIRES_AT))
                                        .build()))
                            .overrideConfiguration(this::bounded)),
            "owner check")
        .map(
            r -> {
              Map<String, Long> found = new HashMap<>();
              for (Map<String, AttributeValue> item :
                  r.responses().getOrDefault(table, List.of())) {
                AttributeValue expiresAt = item.get(EXPIRES_AT);
                found.put(
                    item.get(PK).s(),
                    expiresAt == null ? Long.MAX_VALUE : Long.parseLong(expiresAt.n()) * 1_000_000);
              }
              KeysAndAttributes left = r.unprocessedKeys().get(table);
              if (left != null) {
                long guess = now + emptyTtlMicros;
                left.keys().forEach(k -> found.put(k.get(PK).s(), guess));
              }
              return found;
            });
  }

  /** Notes that every listed session lives until {@code until}; best effort. */
  private Mono<Void> checked(Owner owner, long until) {
    return conditional(
            () ->
                client.updateItem(
                    b ->
                        b.tableName(table)
                            .key(key(owner.pk()))
                            .updateExpression("SET #c = :until")
                            .conditionExpression(VERSION_IS_EXPECTED)
                            .expressionAttributeNames(Map.of("#c", CHECKED_UNTIL, "#v", VERSION))
                            .expressionAttributeValues(
                                Map.of(
                                    ":until", number(until), ":expected", number(owner.version())))
                            .overrideConfiguration(this::bounded)),
            "owner check")
        .onErrorResume(Unavailable.class, e -> Mono.just(false))
        .then();
  }

  /**
   * Writes the owner's list as {@code sessions} if nobody changed it since {@code owner} was read;
   * {@code false} when somebody did.
   */
  private Mono<Boolean> claim(Owner owner, Set<String> sessions) {
    if (owner.version() == 0) {
      return conditional(
          () ->
              client.putItem(
                  b ->
                      b.tableName(table)
                          .item(
                              Map.of(
                                  PK, AttributeValue.fromS(owner.pk()),
                                  SESSIONS, AttributeValue.fromSs(List.copyOf(sessions)),
                                  VERSION, number(1)))
                          .conditionExpression("attribute_not_exists(#pk)")
                          .expressionAttributeNames(Map.of("#pk", PK))
                          .overrideConfiguration(this::bounded)),
          "owner update");
    }
    return conditional(
        () ->
            client.updateItem(
                b ->
                    b.tableName(table)
                        .key(key(owner.pk()))
                        .updateExpression("SET #s = :sessions, #v = :next REMOVE #c")
                        .conditionExpression(VERSION_IS_EXPECTED)
                        .expressionAttributeNames(
                            Map.of("#s", SESSIONS, "#v", VERSION, "#c", CHECKED_UNTIL))
                        .expressionAttributeValues(
                            Map.of(
                                ":sessions", AttributeValue.fromSs(List.copyOf(sessions)),
                                ":next", number(owner.version() + 1),
                                ":expected", number(owner.version())))
                        .overrideConfiguration(this::bounded)),
        "owner update");
  }

  /**
   * Takes an ended session off its owner's list, and removes the list when it is empty. Best
   * effort: the session is already gone, and a check drops it from the list anyway.
   */
  private Mono<Void> release(String ownerId, String id) {
    String pk = OWNER + ownerId;
    return call(
            () ->
                client.updateItem(
                    b ->
                        b.tableName(table)
                            .key(key(pk))
                            .updateExpression("DELETE #s :id SET #v = #v + :one")
                            .conditionExpression("attribute_exists(#pk)")
                            .expressionAttributeNames(
                                Map.of("#s", SESSIONS, "#v", VERSION, "#pk", PK))
                            .expressionAttributeValues(
                                Map.of(
                                    ":id", AttributeValue.fromSs(List.of(id)), ":one", number(1)))
                            .returnValues(ReturnValue.ALL_NEW)
                            .overrideConfiguration(this::bounded)),
            "owner update")
        .flatMap(
            r ->
                r.attributes().containsKey(SESSIONS)
                    ? Mono.just(true)
                    : conditional(
                        () ->
                            client.deleteItem(
                                b ->
                                    b.tableName(table)
                                        .key(key(pk))
                                        .conditionExpression(
                                            "attribute_not_exists(#s) AND " + VERSION_IS_EXPECTED)
                                        .expressionAttributeNames(
                                            Map.of("#s", SESSIONS, "#v", VERSION))
                                        .expressionAttributeValues(
                                            expected(
                                                Long.parseLong(r.attributes().get(VERSION).n())))
                                        .overrideConfiguration(this::bounded)),
                        "owner delete"))
        .onErrorResume(
            e -> {
              // no owner item (sessions created before quotas), or DynamoDB failing
              log.debug(
                  "Session {} not taken off its owner's list: {}",
                  SessionIds.tag(id),
                  e.toString());
              return Mono.empty();
            })
        .then();
  }

  // --- calls ---------------------------------------------------------------------------------

  private Mono<Boolean> put(StoredSession session) {
    return conditional(
        () ->
            client.putItem(
                b ->
                    b.tableName(table)
                        .item(item(session))
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", PK))
                        .overrideConfiguration(this::bounded)),
        "create");
  }

  /** Every call: bounded by {@code cadenza.dynamodb.timeout}, retries included. */
  private void bounded(AwsRequestOverrideConfiguration.Builder o) {
    o.apiCallTimeout(timeout);
  }

  private <T> Mono<Boolean> conditional(Supplier<CompletableFuture<T>> write, String what) {
    return Calls.conditional(call(write, what));
  }

  /**
   * A DynamoDB call through the breaker; failures other than a failed condition become {@link
   * Unavailable}.
   */
  private <T> Mono<T> call(Supplier<CompletableFuture<T>> call, String what) {
    return breaker.mono(
        call, e -> new Unavailable("session " + what + " in " + table + " failed: " + e, e));
  }

  /** The condition of every update and delete: nobody changed the session since it was read. */
  private static final String VERSION_IS_EXPECTED = "#v = :expected";

  private static Map<String, AttributeValue> expected(long version) {
    return Map.of(":expected", number(version));
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
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
        VERSION, number(s.version()),
        EXPIRES_AT, number(expiresAtSeconds));
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
    AttributeValue pk = item.get(PK);
    String tag = pk == null || pk.s() == null ? "?" : SessionIds.tag(pk.s());
    try {
      if (doc == null || doc.s() == null) {
        throw new IllegalStateException("no " + DOC + " attribute");
      }
      return json.readValue(doc.s(), StoredSession.class);
    } catch (JacksonException | IllegalStateException e) {
      // the tag, not the id: the message reaches the log
      throw new Unavailable(
          "session item "
              + tag
              + " in "
              + table
              + " is unreadable: "
              + e.getClass().getSimpleName(),
          e);
    }
  }
}
