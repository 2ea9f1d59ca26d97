package dev.cadenza.stream.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.DynamoDbFault;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.library.AudioFormat;
import dev.cadenza.stream.library.FileTags;
import dev.cadenza.stream.library.FileVersion;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.TestAudio;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;

/**
 * DynamoDB throttles a BatchGetItem in part by answering it with some keys unprocessed (a 200, not
 * an error). Those keys are throttled reads: read from the file, counted, and not written back to a
 * table that is short of capacity. (dynalite never does this, so a table in memory stands in.)
 */
class UnprocessedKeysTest {

  static final int CHUNK = 64 * 1024;
  static final String TABLE = "t-chunks";

  @TempDir Path dir;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final PartlyThrottlingTable table = new PartlyThrottlingTable();
  final List<String> calls = new CopyOnWriteArrayList<>();

  @Test
  void unprocessedKeysAreThrottledReadsAndAWhollyUnprocessedBatchFails() throws Exception {
    Track t = track();
    L2Chunks l2 =
        new L2Chunks(
            table,
            TABLE,
            Duration.ofHours(1),
            Duration.ofSeconds(5),
            Clock.systemUTC(),
            (operation, fault) -> calls.add(operation + " " + fault));
    Map<ChunkKey, Integer> lengths = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      l2.put(ChunkKey.of(t, i), chunk(t, i)).join();
      lengths.put(ChunkKey.of(t, i), CHUNK);
    }

    table.unprocessed = pk -> pk.endsWith("#1") || pk.endsWith("#3");
    Map<ChunkKey, L2Chunks.Found> found = l2.getAll(lengths).join();
    assertThat(found.get(ChunkKey.of(t, 0)).outcome()).isEqualTo(L2Chunks.Outcome.HIT);
    assertThat(found.get(ChunkKey.of(t, 2)).outcome()).isEqualTo(L2Chunks.Outcome.HIT);
    assertThat(found.get(ChunkKey.of(t, 1)).outcome()).isEqualTo(L2Chunks.Outcome.UNPROCESSED);
    assertThat(found.get(ChunkKey.of(t, 3)).outcome()).isEqualTo(L2Chunks.Outcome.UNPROCESSED);
    assertThat(calls).last().isEqualTo("batch_get THROTTLED");

    table.unprocessed = pk -> true;
    assertThatThrownBy(() -> l2.getAll(lengths).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(ProvisionedThroughputExceededException.class)
        .satisfies(e -> assertThat(DynamoDbFault.of(e)).isEqualTo(DynamoDbFault.THROTTLED));
    assertThat(calls).last().isEqualTo("batch_get THROTTLED");

    table.unprocessed = pk -> false;
    l2.getAll(lengths).join();
    assertThat(calls).last().isEqualTo("batch_get null");
  }

  @Test
  void aChunkLeftUnprocessedIsServedFromTheFileAndNotWrittenBack() throws Exception {
    Track t = track();
    ChunkCache cache = cache();
    try {
      // chunks 0-4 in L2; read-ahead of 1-4 finds 2 and 4 unprocessed
      for (int i = 0; i <= 4; i++) {
        table.put(ChunkKey.of(t, i), chunk(t, i));
      }
      int putsBefore = table.puts.get();
      table.unprocessed = pk -> pk.endsWith("#2") || pk.endsWith("#4");
      cache.readAhead(t, 1, 4);
      for (int i = 0; i <= 4; i++) {
        assertThat(cache.get(t, i).join()).isEqualTo(chunk(t, i));
      }
      await().atMost(Duration.ofSeconds(10)).until(cache::l2WritesIdle);

      assertThat(table.puts.get()).as("writes back to the throttling table").isEqualTo(putsBefore);
      assertThat(counter("cadenza.cache.l2.errors", "operation", "batch_get", "kind", "throttled"))
          .isEqualTo(1);
      assertThat(counter("cadenza.cache.requests", "tier", "l2", "result", "error")).isEqualTo(2);
      assertThat(counter("cadenza.cache.requests", "tier", "origin", "result", "hit")).isEqualTo(2);
      assertThat(cache.health().getDetails().get("degraded"))
          .asString()
          .contains("of the last", "throttled 1");
    } finally {
      cache.destroy();
    }
  }

  double counter(String name, String... tags) {
    var c = meters.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  ChunkCache cache() {
    CadenzaProperties.Cache settings =
        new CadenzaProperties.Cache(
            true,
            DataSize.ofMegabytes(8),
            DataSize.ofBytes(CHUNK),
            Duration.ofHours(1),
            4,
            16,
            2,
            CadenzaProperties.Cache.Prefetch.defaults(),
            CadenzaProperties.Cache.Originals.AUTO);
    CadenzaProperties.DynamoDb db =
        new CadenzaProperties.DynamoDb(
            "t",
            "us-east-1",
            null,
            false,
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            Duration.ofSeconds(5));
    CadenzaProperties properties =
        new CadenzaProperties(
            new CadenzaProperties.Library(dir, Duration.ZERO, 1, Duration.ofSeconds(5), false),
            new CadenzaProperties.Api(50, 500),
            settings,
            db);
    CacheMetrics metrics = new CacheMetrics(meters);
    return new ChunkCache(
        properties,
        metrics,
        new DynamoDbTier(new SharedTables(table, db), settings, metrics, Clock.systemUTC()),
        OriginalsTier.L1);
  }

  Track track() throws Exception {
    Path file = TestAudio.wav(dir.resolve("a.wav"), 6 * CHUNK, 1);
    return new Track("a.wav", "a.wav", file, AudioFormat.WAV, FileVersion.of(file), FileTags.NONE);
  }

  byte[] chunk(Track t, int index) throws Exception {
    byte[] all = Files.readAllBytes(t.file());
    return Arrays.copyOfRange(
        all, index * CHUNK, (int) Math.min(all.length, (long) (index + 1) * CHUNK));
  }

  /**
   * The chunks table in memory: answers batch reads with the keys {@code unprocessed} picks left.
   */
  static final class PartlyThrottlingTable implements DynamoDbAsyncClient {

    final Map<String, Map<String, AttributeValue>> items = new ConcurrentHashMap<>();
    final AtomicInteger puts = new AtomicInteger();
    volatile Predicate<String> unprocessed = pk -> false;

    void put(ChunkKey key, byte[] bytes) {
      L2Chunks l2 =
          new L2Chunks(
              this,
              TABLE,
              Duration.ofHours(1),
              Duration.ofSeconds(5),
              Clock.systemUTC(),
              (o, f) -> {});
      l2.put(key, bytes).join();
    }

    @Override
    public CompletableFuture<BatchGetItemResponse> batchGetItem(BatchGetItemRequest request) {
      List<Map<String, AttributeValue>> found = new ArrayList<>();
      List<Map<String, AttributeValue>> left = new ArrayList<>();
      for (Map<String, AttributeValue> key : request.requestItems().get(TABLE).keys()) {
        String pk = key.get("pk").s();
        if (unprocessed.test(pk)) {
          left.add(key);
        } else if (items.containsKey(pk)) {
          found.add(items.get(pk));
        }
      }
      return CompletableFuture.completedFuture(
          BatchGetItemResponse.builder()
              .responses(Map.of(TABLE, found))
              .unprocessedKeys(
                  left.isEmpty()
                      ? Map.of()
                      : Map.of(TABLE, KeysAndAttributes.builder().keys(left).build()))
              .build());
    }

    @Override
    public CompletableFuture<GetItemResponse> getItem(GetItemRequest request) {
      Map<String, AttributeValue> item = items.get(request.key().get("pk").s());
      return CompletableFuture.completedFuture(GetItemResponse.builder().item(item).build());
    }

    @Override
    public CompletableFuture<PutItemResponse> putItem(PutItemRequest request) {
      puts.incrementAndGet();
      items.put(request.item().get("pk").s(), request.item());
      return CompletableFuture.completedFuture(PutItemResponse.builder().build());
    }

    @Override
    public CompletableFuture<DescribeTableResponse> describeTable(DescribeTableRequest request) {
      return CompletableFuture.completedFuture(DescribeTableResponse.builder().build());
    }

    @Override
    public String serviceName() {
      return "dynamodb";
    }

    @Override
    public void close() {}
  }
}
