package dev.cadenza.stream.cache;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.dynamodb.TableBreaker;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;

/**
 * L2 in the DynamoDB chunks table ({@link L2Chunks}). Every call goes through one circuit breaker
 * ({@link TableBreaker}, its probe a {@code DescribeTable}); a rejected or failed call is a miss,
 * so a DynamoDB outage costs latency, never a response. Writes go through a bounded background
 * queue ({@link L2Writer}).
 */
final class DynamoDbTier implements SharedTier {

  private static final Logger log = LoggerFactory.getLogger(DynamoDbTier.class);

  private final L2Chunks chunks;
  private final TableBreaker breaker;
  private final L2Writer writer;
  private final CacheMetrics metrics;

  DynamoDbTier(
      SharedTables tables, CadenzaProperties.Cache settings, CacheMetrics metrics, Clock clock) {
    CadenzaProperties.DynamoDb db = tables.settings();
    this.metrics = metrics;
    this.chunks =
        new L2Chunks(tables.client(), tables.chunks(), settings.ttl(), db.timeout(), clock);
    this.breaker =
        new TableBreaker(
            "dynamodb-chunks",
            db.breakerWait(),
            db.timeout(),
            chunks::probe,
            TableBreaker.logged(
                log,
                "DynamoDB chunk cache",
                "serving from memory and the library",
                db.breakerWait(),
                metrics::breakerOpened));
    this.writer =
        new L2Writer(chunks, breaker, metrics, settings.writeQueue(), settings.writeConcurrency());
    metrics.breaker(breaker::stateCode);
  }

  @Override
  public CompletableFuture<Lookup> get(ChunkKey key, int length) {
    if (!breaker.tryAcquire()) {
      return CompletableFuture.completedFuture(Lookup.MISS);
    }
    long start = System.nanoTime();
    return breaker
        .call(() -> chunks.get(key, length))
        .handle(
            (found, error) -> {
              metrics.l2Get(System.nanoTime() - start);
              if (error != null) {
                metrics.l2Error();
                log.debug("L2 read of {} failed: {}", key, error.toString());
                return Lookup.UNANSWERED;
              }
              return counted(found, length);
            });
  }

  @Override
  public CompletableFuture<Map<ChunkKey, Lookup>> getAll(Map<ChunkKey, Integer> lengths) {
    if (!breaker.tryAcquire()) {
      return CompletableFuture.completedFuture(Lookup.forAll(lengths.keySet(), Lookup.MISS));
    }
    long start = System.nanoTime();
    return breaker
        .call(() -> chunks.getAll(lengths))
        .handle(
            (found, error) -> {
              metrics.l2BatchGet(System.nanoTime() - start);
              if (error != null) {
                metrics.l2Error();
                log.debug("L2 batch read failed: {}", error.toString());
                return Lookup.forAll(lengths.keySet(), Lookup.UNANSWERED);
              }
              Map<ChunkKey, Lookup> answer = new HashMap<>();
              lengths.forEach(
                  (key, length) -> {
                    L2Chunks.Found item = found.get(key);
                    answer.put(key, item == null ? Lookup.MISS : counted(item, length));
                  });
              return answer;
            });
  }

  /** Counts what a read found; an expired or corrupt item is a miss, rewritten from the file. */
  private Lookup counted(L2Chunks.Found found, int length) {
    metrics.l2(found.outcome(), length);
    return found.outcome() == L2Chunks.Outcome.HIT ? Lookup.hit(found.bytes()) : Lookup.MISS;
  }

  @Override
  public void put(ChunkKey key, byte[] bytes) {
    writer.offer(key, bytes);
  }

  @Override
  public boolean writesIdle() {
    return writer.idle();
  }

  @Override
  public String breakerState() {
    return breaker.state().name();
  }

  @Override
  public String description() {
    return "L2 table " + chunks.table();
  }

  @Override
  public void health(Health.Builder health) {
    health.withDetail("l2", chunks.table()).withDetail("breaker", breaker.state().name());
    if (!breaker.closed()) {
      health.withDetail(
          "degraded", "DynamoDB failing: chunks come from memory and the library files");
    }
  }

  @Override
  public void close() {
    breaker.close();
    writer.close();
  }
}
