package dev.cadenza.stream.library;

import static dev.cadenza.stream.library.CatalogItems.EXPIRES_AT_MS;
import static dev.cadenza.stream.library.CatalogItems.HOLDER;
import static dev.cadenza.stream.library.CatalogItems.PK;
import static dev.cadenza.stream.library.CatalogItems.n;
import static dev.cadenza.stream.library.CatalogItems.s;

import dev.cadenza.stream.dynamodb.Calls;
import dev.cadenza.stream.dynamodb.Calls.CallTimeoutException;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.library.CatalogItems.Head;
import dev.cadenza.stream.library.CatalogItems.Lease;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Reads and writes the shared catalogue and its scan lease ({@link CatalogItems}). Every method
 * blocks its (background) caller until DynamoDB has answered, and throws an unchecked exception
 * when it fails; each call is bounded by the client's API call timeout.
 */
final class CatalogTable {

  private static final Logger log = LoggerFactory.getLogger(CatalogTable.class);

  /** Items per BatchWriteItem: DynamoDB's limit. */
  static final int BATCH = 25;

  /** BatchWriteItem requests in flight at once. */
  private static final int WRITE_WINDOW = 4;

  /** Attempts at the unprocessed items of one batch before the write fails. */
  private static final int MAX_ATTEMPTS = 10;

  /** Bound on waiting for one call, above the client's own API call timeout. */
  private static final Duration CALL_BOUND = Duration.ofSeconds(30);

  private final DynamoDbAsyncClient client;
  private final String table;
  private final Path root;
  private final Duration progressInterval;
  private final Counter written;
  private final Counter deleted;

  CatalogTable(
      SharedTables tables, Path root, Duration progressInterval, Counter written, Counter deleted) {
    this.client = tables.client();
    this.table = tables.catalog();
    this.root = root.toAbsolutePath().normalize();
    this.progressInterval = progressInterval;
    this.written = written;
    this.deleted = deleted;
  }

  String name() {
    return table;
  }

  /** The head and the lease, if any; both read consistently, in parallel. */
  record State(Head head, Lease lease) {}

  State read() {
    CompletableFuture<GetItemResponse> head =
        client.getItem(b -> b.tableName(table).key(CatalogItems.headKey()).consistentRead(true));
    CompletableFuture<GetItemResponse> lease =
        client.getItem(b -> b.tableName(table).key(CatalogItems.leaseKey()).consistentRead(true));
    GetItemResponse h = await(head, CALL_BOUND);
    GetItemResponse l = await(lease, CALL_BOUND);
    return new State(
        h.hasItem() && !h.item().isEmpty() ? CatalogItems.head(h.item()) : null,
        l.hasItem() && !l.item().isEmpty() ? CatalogItems.lease(l.item()) : null);
  }

  // --- lease -------------------------------------------------------------------------------

  /** Takes the lease if it is free, expired or already {@code me}'s. */
  boolean acquire(String me, long nowMs, Duration duration) {
    Map<String, AttributeValue> item = new HashMap<>(CatalogItems.leaseKey());
    item.put(HOLDER, s(me));
    item.put(EXPIRES_AT_MS, n(nowMs + duration.toMillis()));
    item.put(CatalogItems.ACQUIRED_AT_MS, n(nowMs));
    try {
      await(
          client.putItem(
              b ->
                  b.tableName(table)
                      .item(item)
                      .conditionExpression(
                          "attribute_not_exists(#pk) OR #exp < :now OR #holder = :me")
                      .expressionAttributeNames(
                          Map.of("#pk", PK, "#exp", EXPIRES_AT_MS, "#holder", HOLDER))
                      .expressionAttributeValues(Map.of(":now", n(nowMs), ":me", s(me)))),
          CALL_BOUND);
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** Extends {@code me}'s lease; null when another pod holds it now. */
  Lease renew(String me, long nowMs, Duration duration) {
    try {
      return CatalogItems.lease(
          await(
                  client.updateItem(
                      b ->
                          b.tableName(table)
                              .key(CatalogItems.leaseKey())
                              .updateExpression("SET #exp = :exp")
                              .conditionExpression("#holder = :me")
                              .expressionAttributeNames(
                                  Map.of("#exp", EXPIRES_AT_MS, "#holder", HOLDER))
                              .expressionAttributeValues(
                                  Map.of(":exp", n(nowMs + duration.toMillis()), ":me", s(me)))
                              .returnValues(ReturnValue.ALL_NEW)),
                  CALL_BOUND)
              .attributes());
    } catch (ConditionalCheckFailedException e) {
      return null;
    }
  }

  /** Gives the lease up, if {@code me} still holds it, so that another pod can take it at once. */
  void release(String me, Duration wait) {
    try {
      await(
          client.deleteItem(
              b ->
                  b.tableName(table)
                      .key(CatalogItems.leaseKey())
                      .conditionExpression("#holder = :me")
                      .expressionAttributeNames(Map.of("#holder", HOLDER))
                      .expressionAttributeValues(Map.of(":me", s(me)))),
          wait);
    } catch (ConditionalCheckFailedException e) {
      // someone else's by now
    }
  }

  /**
   * Asks the holder of a live lease for a scan (it sees the request when it next renews). False
   * when no pod holds the lease.
   */
  boolean requestScan(long nowMs) {
    try {
      await(
          client.updateItem(
              b ->
                  b.tableName(table)
                      .key(CatalogItems.leaseKey())
                      .updateExpression("SET #req = :now")
                      .conditionExpression("attribute_exists(#pk) AND #exp >= :now")
                      .expressionAttributeNames(
                          Map.of(
                              "#req",
                              CatalogItems.SCAN_REQUESTED_AT_MS,
                              "#pk",
                              PK,
                              "#exp",
                              EXPIRES_AT_MS))
                      .expressionAttributeValues(Map.of(":now", n(nowMs)))),
          CALL_BOUND);
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  // --- head --------------------------------------------------------------------------------

  /**
   * Writes the head if it is still at {@code expectedGeneration} (0: no head yet). False when
   * another pod wrote it in between.
   */
  boolean putHead(Head next, long expectedGeneration) {
    try {
      await(
          client.putItem(
              b -> {
                b.tableName(table).item(CatalogItems.headItem(next));
                if (expectedGeneration == 0) {
                  b.conditionExpression("attribute_not_exists(#pk)")
                      .expressionAttributeNames(Map.of("#pk", PK));
                } else {
                  b.conditionExpression("#gen = :gen")
                      .expressionAttributeNames(Map.of("#gen", CatalogItems.GENERATION))
                      .expressionAttributeValues(Map.of(":gen", n(expectedGeneration)));
                }
              }),
          CALL_BOUND);
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  // --- tracks ------------------------------------------------------------------------------

  /**
   * Every track item: one query per shard, all shards in parallel, consistent reads. Items that are
   * not well-formed tracks are left out with a warning. {@code expected} (the head's count) is for
   * the progress log only.
   */
  Map<String, Track> load(int expected) {
    Map<String, Track> tracks = new ConcurrentHashMap<>();
    AtomicInteger read = new AtomicInteger();
    AtomicInteger bad = new AtomicInteger();
    List<CompletableFuture<Void>> shards = new ArrayList<>();
    for (int shard = 0; shard < CatalogItems.SHARDS; shard++) {
      shards.add(queryShard(shard, null, tracks, read, bad));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new));
    long started = System.nanoTime();
    waitWithProgress(
        all,
        () ->
            log.info(
                "Loading the shared catalogue from {}: {}/{} tracks read", table, read, expected));
    if (bad.get() > 0) {
      log.warn("Left out {} malformed track items of {}", bad.get(), table);
    }
    log.debug(
        "Loaded {} tracks from {} in {} ms",
        tracks.size(),
        table,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return tracks;
  }

  private CompletableFuture<Void> queryShard(
      int shard,
      Map<String, AttributeValue> start,
      Map<String, Track> into,
      AtomicInteger read,
      AtomicInteger bad) {
    QueryRequest.Builder q =
        QueryRequest.builder()
            .tableName(table)
            .keyConditionExpression("#pk = :pk")
            .expressionAttributeNames(Map.of("#pk", PK))
            .expressionAttributeValues(Map.of(":pk", s(CatalogItems.shardKey(shard))))
            .consistentRead(true);
    if (start != null) {
      q.exclusiveStartKey(start);
    }
    return client
        .query(q.build())
        .thenCompose(
            (QueryResponse r) -> {
              for (Map<String, AttributeValue> item : r.items()) {
                try {
                  Track t = CatalogItems.track(item, root);
                  into.put(t.id(), t);
                } catch (RuntimeException e) {
                  if (bad.getAndIncrement() < 5) {
                    log.warn("Malformed track item in {}: {}", table, e.getMessage());
                  }
                }
                read.incrementAndGet();
              }
              if (r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()) {
                return queryShard(shard, r.lastEvaluatedKey(), into, read, bad);
              }
              return CompletableFuture.completedFuture(null);
            });
  }

  /**
   * Puts {@code puts} (tagged with {@code generation}) and deletes {@code deletes} in batches of
   * {@value #BATCH}, a few batches in flight, retrying unprocessed items with backoff. Checks
   * {@code holding} before each batch and stops with {@link LeaseLostException} once it is false.
   */
  void write(
      Collection<Track> puts,
      Collection<String> deletes,
      long generation,
      BooleanSupplier holding) {
    List<WriteRequest> requests = new ArrayList<>(puts.size() + deletes.size());
    for (Track t : puts) {
      requests.add(
          WriteRequest.builder()
              .putRequest(PutRequest.builder().item(CatalogItems.trackItem(t, generation)).build())
              .build());
    }
    for (String id : deletes) {
      requests.add(
          WriteRequest.builder()
              .deleteRequest(DeleteRequest.builder().key(CatalogItems.trackKey(id)).build())
              .build());
    }
    int total = requests.size();
    AtomicInteger done = new AtomicInteger();
    Runnable progress =
        () ->
            log.info(
                "Writing the shared catalogue to {}: {}/{} items written or deleted",
                table,
                done,
                total);
    Deque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
    long nextLog = System.nanoTime() + progressInterval.toNanos();
    try {
      for (int i = 0; i < total; i += BATCH) {
        if (!holding.getAsBoolean()) {
          throw new LeaseLostException(done.get(), total);
        }
        while (inFlight.size() >= WRITE_WINDOW) {
          waitWithProgress(inFlight.removeFirst(), progress);
        }
        inFlight.addLast(writeBatch(requests.subList(i, Math.min(total, i + BATCH)), 1, done));
        if (System.nanoTime() - nextLog > 0) {
          progress.run();
          nextLog = System.nanoTime() + progressInterval.toNanos();
        }
      }
      while (!inFlight.isEmpty()) {
        waitWithProgress(inFlight.removeFirst(), progress);
      }
    } finally {
      inFlight.forEach(f -> f.cancel(true));
    }
  }

  private CompletableFuture<Void> writeBatch(
      List<WriteRequest> batch, int attempt, AtomicInteger done) {
    return client
        .batchWriteItem(b -> b.requestItems(Map.of(table, batch)))
        .thenCompose(
            (BatchWriteItemResponse r) -> {
              List<WriteRequest> left =
                  r.hasUnprocessedItems()
                      ? r.unprocessedItems().getOrDefault(table, List.of())
                      : List.of();
              count(batch, left);
              done.addAndGet(batch.size() - left.size());
              if (left.isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              if (attempt >= MAX_ATTEMPTS) {
                return CompletableFuture.failedFuture(
                    new IllegalStateException(
                        left.size()
                            + " items still unprocessed after "
                            + attempt
                            + " BatchWriteItem attempts (throttled)"));
              }
              long backoff =
                  Math.min(2000, 50L << attempt) + ThreadLocalRandom.current().nextLong(50);
              return CompletableFuture.runAsync(
                      () -> {}, CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS))
                  .thenCompose(x -> writeBatch(left, attempt + 1, done));
            });
  }

  private void count(List<WriteRequest> batch, List<WriteRequest> left) {
    Set<WriteRequest> unprocessed = left.isEmpty() ? Set.of() : new HashSet<>(left);
    for (WriteRequest w : batch) {
      if (!unprocessed.contains(w)) {
        (w.putRequest() != null ? written : deleted).increment();
      }
    }
  }

  /** Waits for {@code f}, running {@code progress} every progress interval until it is done. */
  private void waitWithProgress(CompletableFuture<?> f, Runnable progress) {
    while (true) {
      try {
        await(f, progressInterval);
        return;
      } catch (CallTimeoutException e) {
        progress.run();
      }
    }
  }

  /** The lease ran out while the holder was writing: it stops before the next batch. */
  static final class LeaseLostException extends RuntimeException {
    LeaseLostException(int done, int total) {
      super("scan lease lost after " + done + " of " + total + " items were written");
    }
  }

  /** The result, or the SDK's exception unwrapped; a call that reached its bound is cancelled. */
  private static <T> T await(CompletableFuture<T> f, Duration bound) {
    return Calls.await(f, bound, bound.compareTo(CALL_BOUND) >= 0);
  }
}
