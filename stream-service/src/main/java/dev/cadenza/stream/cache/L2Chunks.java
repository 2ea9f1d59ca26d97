package dev.cadenza.stream.cache;

import dev.cadenza.dynamodb.TableSchema;
import dev.cadenza.stream.dynamodb.DynamoDbFault;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.zip.CRC32C;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * The chunks table (L2): one item per chunk, shared by every pod of a service.
 *
 * <p>Item: {@code pk} (S, {@link ChunkKey#partitionKey()}), {@code data} (B, the bytes), {@code
 * crc} (N, CRC-32C of the bytes), {@code expiresAt} (N, epoch seconds; DynamoDB's TTL deletes the
 * item some time after). Reads check all three: an item past its expiry (DynamoDB deletes lazily,
 * dynalite never), of the wrong length or with a checksum that does not match is a miss, reported
 * as such so that the caller rewrites it from the origin.
 *
 * <p>Every call is one attempt, bounded by the configured timeout; the {@link Observer} hears how
 * each ended, and failures are the caller's to handle.
 */
final class L2Chunks {

  static final String DATA = "data";
  static final String CRC = "crc";

  /** BatchGetItem takes at most 100 keys and returns at most 16 MB. */
  static final int MAX_BATCH = 32;

  /** What a read found. */
  enum Outcome {
    HIT,
    MISSING,
    EXPIRED,
    CORRUPT,
    /** Left unprocessed by a batch read that DynamoDB throttled in part. */
    UNPROCESSED
  }

  /** A read's result: the bytes on a hit. */
  record Found(Outcome outcome, byte[] bytes) {
    static final Found MISSING = new Found(Outcome.MISSING, null);
    static final Found EXPIRED = new Found(Outcome.EXPIRED, null);
    static final Found CORRUPT = new Found(Outcome.CORRUPT, null);
    static final Found UNPROCESSED = new Found(Outcome.UNPROCESSED, null);
  }

  /** Told how each call ended: its operation and what went wrong, or {@code null}. */
  interface Observer {
    void ended(String operation, DynamoDbFault fault);
  }

  /**
   * One attempt per call. A failed L2 call costs a file read, which is cheaper than waiting for a
   * retry; and retrying into a table that throttles multiplies the load that made it throttle. The
   * client's other users (catalogue, sessions) keep the SDK's retries.
   */
  private static final SdkPlugin ONE_ATTEMPT =
      config -> config.overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));

  private final DynamoDbAsyncClient client;
  private final String table;
  private final Duration ttl;
  private final Duration timeout;
  private final Clock clock;
  private final Observer observer;

  L2Chunks(
      DynamoDbAsyncClient client,
      String table,
      Duration ttl,
      Duration timeout,
      Clock clock,
      Observer observer) {
    this.client = client;
    this.table = table;
    this.ttl = ttl;
    this.timeout = timeout;
    this.clock = clock;
    this.observer = observer;
  }

  String table() {
    return table;
  }

  /**
   * Reads one chunk.
   *
   * @param expectedLength the length the chunk must have
   */
  CompletableFuture<Found> get(ChunkKey key, int expectedLength) {
    return observed(
            "get",
            client.getItem(
                b ->
                    b.tableName(table)
                        .key(Map.of(TableSchema.PARTITION_KEY, s(key.partitionKey())))
                        .overrideConfiguration(this::bounded)))
        .thenApply(r -> r.hasItem() ? check(r.item(), expectedLength) : Found.MISSING);
  }

  /**
   * Reads up to {@link #MAX_BATCH} chunks in one BatchGetItem. DynamoDB throttles a batch in part
   * by leaving keys unprocessed: those are {@link Outcome#UNPROCESSED} (read from the origin, not
   * written back to a table that is short of capacity), and the call is reported throttled. A batch
   * with every key unprocessed fails as a {@link ProvisionedThroughputExceededException}, as
   * DynamoDB would answer had it throttled the whole request.
   */
  CompletableFuture<Map<ChunkKey, Found>> getAll(Map<ChunkKey, Integer> expectedLengths) {
    Map<String, ChunkKey> byPk = new HashMap<>();
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    expectedLengths
        .keySet()
        .forEach(
            k -> {
              byPk.put(k.partitionKey(), k);
              keys.add(Map.of(TableSchema.PARTITION_KEY, s(k.partitionKey())));
            });
    CompletableFuture<Map<ChunkKey, Found>> read =
        client
            .batchGetItem(
                b ->
                    b.requestItems(Map.of(table, KeysAndAttributes.builder().keys(keys).build()))
                        .overrideConfiguration(this::bounded))
            .thenApply(
                r -> {
                  Map<ChunkKey, Found> found = new HashMap<>();
                  expectedLengths.keySet().forEach(k -> found.put(k, Found.MISSING));
                  for (Map<String, AttributeValue> item :
                      r.responses().getOrDefault(table, List.of())) {
                    ChunkKey k = byPk.get(item.get(TableSchema.PARTITION_KEY).s());
                    if (k != null) {
                      found.put(k, check(item, expectedLengths.get(k)));
                    }
                  }
                  KeysAndAttributes unprocessed = r.unprocessedKeys().get(table);
                  if (unprocessed != null && unprocessed.hasKeys()) {
                    for (Map<String, AttributeValue> key : unprocessed.keys()) {
                      ChunkKey k = byPk.get(key.get(TableSchema.PARTITION_KEY).s());
                      if (k != null) {
                        found.put(k, Found.UNPROCESSED);
                      }
                    }
                  }
                  if (found.values().stream().allMatch(f -> f == Found.UNPROCESSED)) {
                    throw wholeBatchThrottled();
                  }
                  return found;
                });
    return observed(
        "batch_get",
        read,
        found -> found.containsValue(Found.UNPROCESSED) ? DynamoDbFault.THROTTLED : null);
  }

  private static ProvisionedThroughputExceededException wholeBatchThrottled() {
    String code = "ProvisionedThroughputExceededException";
    return (ProvisionedThroughputExceededException)
        ProvisionedThroughputExceededException.builder()
            .message("every key of the batch came back unprocessed")
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage("every key of the batch came back unprocessed")
                    .build())
            .build();
  }

  /** Writes one chunk with its checksum and expiry, replacing whatever the key held. */
  CompletableFuture<Void> put(ChunkKey key, byte[] bytes) {
    long expiresAt = clock.instant().plus(ttl).getEpochSecond();
    Map<String, AttributeValue> item =
        Map.of(
            TableSchema.PARTITION_KEY,
            s(key.partitionKey()),
            DATA,
            AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(bytes)),
            CRC,
            n(crc(bytes)),
            TableSchema.TTL_ATTRIBUTE,
            n(expiresAt));
    return observed(
            "put",
            client.putItem(b -> b.tableName(table).item(item).overrideConfiguration(this::bounded)))
        .thenApply(r -> null);
  }

  /** A cheap call that succeeds only when the table is reachable: the breaker's probe. */
  CompletableFuture<Void> probe() {
    return observed(
            "probe",
            client.describeTable(b -> b.tableName(table).overrideConfiguration(this::bounded)))
        .thenApply(r -> null);
  }

  /** Every call: one attempt, bounded by the timeout. */
  private void bounded(AwsRequestOverrideConfiguration.Builder call) {
    call.apiCallTimeout(timeout).addPlugin(ONE_ATTEMPT);
  }

  private <T> CompletableFuture<T> observed(String operation, CompletableFuture<T> call) {
    return observed(operation, call, answer -> null);
  }

  /** {@code answered} says whether an answer still tells of a fault (throttled in part). */
  private <T> CompletableFuture<T> observed(
      String operation, CompletableFuture<T> call, Function<T, DynamoDbFault> answered) {
    return call.whenComplete(
        (answer, e) ->
            observer.ended(operation, e != null ? DynamoDbFault.of(e) : answered.apply(answer)));
  }

  private Found check(Map<String, AttributeValue> item, int expectedLength) {
    AttributeValue expiresAt = item.get(TableSchema.TTL_ATTRIBUTE);
    if (expiresAt != null
        && expiresAt.n() != null
        && Long.parseLong(expiresAt.n()) <= clock.instant().getEpochSecond()) {
      return Found.EXPIRED;
    }
    AttributeValue data = item.get(DATA);
    AttributeValue crc = item.get(CRC);
    if (data == null || data.b() == null || crc == null || crc.n() == null) {
      return Found.CORRUPT;
    }
    byte[] bytes = data.b().asByteArrayUnsafe();
    if (bytes.length != expectedLength || !Long.toString(crc(bytes)).equals(crc.n())) {
      return Found.CORRUPT;
    }
    return new Found(Outcome.HIT, bytes);
  }

  static long crc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.wrap(bytes));
    return crc.getValue();
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
