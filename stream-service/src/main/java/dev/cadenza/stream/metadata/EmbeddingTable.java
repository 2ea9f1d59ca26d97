package dev.cadenza.stream.metadata;

import dev.cadenza.dynamodb.TableSchema;
import dev.cadenza.stream.dynamodb.Calls;
import dev.cadenza.stream.dynamodb.SharedTables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Embeddings stored with the shared catalogue, in the catalog table, addressed by their content
 * ({@link EmbeddingKeys}): {@code pk = "embeddings#<shard>"} (16 shards), {@code sk = <key>}, the
 * quantised vector ({@code vector}, binary), its {@code scale} and the {@code model} version. The
 * same metadata embedded by the same model always has the same key, so any pod may write an item
 * and every pod may use it; an item is never changed, only written again with the same content.
 * Each method blocks its (background) caller until DynamoDB answers, and throws unchecked when it
 * fails.
 */
final class EmbeddingTable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddingTable.class);

  static final int SHARDS = 16;

  /** Keys per BatchGetItem and items per BatchWriteItem: DynamoDB's limits. */
  static final int GET_BATCH = 100;

  static final int WRITE_BATCH = 25;

  static final String VECTOR = "vector";
  static final String SCALE = "scale";
  static final String MODEL = "model";

  private static final int MAX_ATTEMPTS = 8;
  private static final Duration CALL_BOUND = Duration.ofSeconds(30);

  private final DynamoDbAsyncClient client;
  private final String table;

  EmbeddingTable(SharedTables tables) {
    this(tables.client(), tables.catalog());
  }

  EmbeddingTable(DynamoDbAsyncClient client, String table) {
    this.client = client;
    this.table = table;
  }

  String name() {
    return table;
  }

  static String partition(String key) {
    return "embeddings#" + Math.floorMod(key.hashCode(), SHARDS);
  }

  static Map<String, AttributeValue> itemKey(String key) {
    return Map.of(
        TableSchema.PARTITION_KEY,
        AttributeValue.fromS(partition(key)),
        TableSchema.SORT_KEY,
        AttributeValue.fromS(key));
  }

  /**
   * The stored vectors among {@code keys}. An item that does not hold a well-formed vector of
   * {@code dimensions} is left out (and so computed again) with a warning.
   */
  Map<String, TrackVector> getAll(Collection<String> keys, int dimensions) {
    Map<String, TrackVector> found = new HashMap<>();
    List<String> all = List.copyOf(keys);
    for (int from = 0; from < all.size(); from += GET_BATCH) {
      List<Map<String, AttributeValue>> batch = new ArrayList<>();
      for (String key : all.subList(from, Math.min(all.size(), from + GET_BATCH))) {
        batch.add(itemKey(key));
      }
      for (int attempt = 1; !batch.isEmpty(); attempt++) {
        List<Map<String, AttributeValue>> request = batch;
        BatchGetItemResponse r =
            await(
                client.batchGetItem(
                    b ->
                        b.requestItems(
                            Map.of(
                                table,
                                KeysAndAttributes.builder()
                                    .keys(request)
                                    .consistentRead(false)
                                    .build()))));
        for (Map<String, AttributeValue> item : r.responses().getOrDefault(table, List.of())) {
          String key = item.get(TableSchema.SORT_KEY).s();
          try {
            found.put(key, vector(item, dimensions));
          } catch (RuntimeException e) {
            log.warn(
                "Ignoring a malformed embedding item {} in {}: {}", key, table, e.getMessage());
          }
        }
        KeysAndAttributes left = r.unprocessedKeys().get(table);
        batch = left == null || !left.hasKeys() ? List.of() : left.keys();
        if (!batch.isEmpty()) {
          backoff(attempt, batch.size() + " keys still unprocessed by BatchGetItem");
        }
      }
    }
    return found;
  }

  /** Writes {@code vectors}, replacing items with the same key (which hold the same content). */
  void putAll(Map<String, TrackVector> vectors, String model) {
    List<WriteRequest> all = new ArrayList<>();
    vectors.forEach(
        (key, v) -> {
          Map<String, AttributeValue> item = new HashMap<>(itemKey(key));
          item.put(VECTOR, AttributeValue.fromB(SdkBytes.fromByteArray(v.values())));
          item.put(SCALE, AttributeValue.fromN(Float.toString(v.scale())));
          item.put(MODEL, AttributeValue.fromS(model));
          all.add(
              WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        });
    for (int from = 0; from < all.size(); from += WRITE_BATCH) {
      List<WriteRequest> batch = all.subList(from, Math.min(all.size(), from + WRITE_BATCH));
      for (int attempt = 1; !batch.isEmpty(); attempt++) {
        List<WriteRequest> request = batch;
        BatchWriteItemResponse r =
            await(client.batchWriteItem(b -> b.requestItems(Map.of(table, request))));
        batch = r.unprocessedItems().getOrDefault(table, List.of());
        if (!batch.isEmpty()) {
          backoff(attempt, batch.size() + " items still unprocessed by BatchWriteItem");
        }
      }
    }
  }

  static TrackVector vector(Map<String, AttributeValue> item, int dimensions) {
    AttributeValue vector = item.get(VECTOR);
    AttributeValue scale = item.get(SCALE);
    if (vector == null || vector.b() == null || scale == null || scale.n() == null) {
      throw new IllegalArgumentException("no vector and scale");
    }
    byte[] values = vector.b().asByteArray();
    if (values.length != dimensions) {
      throw new IllegalArgumentException(
          values.length + " dimensions where " + dimensions + " were expected");
    }
    return TrackVector.of(values, Float.parseFloat(scale.n()));
  }

  private static void backoff(int attempt, String what) {
    if (attempt >= MAX_ATTEMPTS) {
      throw new IllegalStateException(what + " after " + attempt + " attempts (throttled)");
    }
    long millis = Math.min(2000, 50L << attempt) + ThreadLocalRandom.current().nextLong(50);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to retry", e);
    }
  }

  private static <T> T await(CompletableFuture<T> f) {
    return Calls.await(f, CALL_BOUND, true);
  }
}
