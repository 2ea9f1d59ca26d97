package dev.cadenza.stream.cache;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.DynamoDbFault;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.dynamodb.TableBreaker;
import java.time.Clock;
import java.time.Duration;
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

  /** How long a failed call keeps the health degraded when no call follows it. */
  static final Duration RECENT = Duration.ofMinutes(1);

  private final L2Chunks chunks;
  private final TableBreaker breaker;
  private final L2Writer writer;
  private final CacheMetrics metrics;
  private final RecentCalls recent = new RecentCalls(RECENT, System::nanoTime);

  DynamoDbTier(
      SharedTables tables, CadenzaProperties.Cache settings, CacheMetrics metrics, Clock clock) {
    CadenzaProperties.DynamoDb db = tables.settings();
    this.metrics = metrics;
    this.chunks =
        new L2Chunks(
            tables.client(), tables.chunks(), settings.ttl(), db.timeout(), clock, this::ended);
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

  /** Every L2 call, as it ends: counted by kind when it failed, and remembered for the health. */
  private void ended(String operation, DynamoDbFault fault) {
    recent.record(fault);
    if (fault != null) {
      metrics.l2Failed(operation, fault);
    }
  }

  @Override
  public CompletableFuture<Lookup> get(ChunkKey key, int length) {
    if (!breaker.tryAcquire()) {
      metrics.l2Skipped(1);
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
      metrics.l2Skipped(lengths.size());
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

  /**
   * Counts what a read found; an expired or corrupt item is a miss, rewritten from the file. A key
   * left unprocessed is not: the table is short of capacity.
   */
  private Lookup counted(L2Chunks.Found found, int length) {
    metrics.l2(found.outcome(), length);
    return switch (found.outcome()) {
      case HIT -> Lookup.hit(found.bytes());
      case UNPROCESSED -> Lookup.UNANSWERED;
      case MISSING, EXPIRED, CORRUPT -> Lookup.MISS;
    };
  }

  @Override
  public void put(ChunkKey key, byte[] bytes) {
    writer.offer(key, bytes);
  }

  @Override
  public CompletableFuture<Boolean> putConfirmed(ChunkKey key, byte[] bytes) {
    CompletableFuture<Boolean> written = new CompletableFuture<>();
    writer.offer(key, bytes, written);
    return written;
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

  /**
   * The table, the breaker, and how the last calls ended ({@code l2Calls}); {@code degraded} while
   * the breaker is not closed or while any of the last calls failed, with the kinds of failure.
   */
  @Override
  public void health(Health.Builder health) {
    RecentCalls.Summary last = recent.summary();
    health
        .withDetail("l2", chunks.table())
        .withDetail("breaker", breaker.state().name())
        .withDetail("l2Calls", last.details());
    if (!breaker.closed()) {
      health.withDetail(
          "degraded",
          "DynamoDB failing"
              + (last.failures() > 0 ? " (" + last.kinds() + ")" : "")
              + ": chunks come from memory and the library files");
    } else if (last.failures() > 0) {
      health.withDetail(
          "degraded",
          last.failures()
              + " of the last "
              + last.calls()
              + " DynamoDB calls failed ("
              + last.kinds()
              + "); chunks not read from L2 come from the library files");
    }
  }

  @Override
  public void close() {
    breaker.close();
    writer.close();
  }
}
