package dev.cadenza.stream.cache;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.boot.health.contributor.Health;

/** L2 when DynamoDB is not configured: chunks come from L1 and the library files only. */
final class NoSharedTier implements SharedTier {

  private static final CompletableFuture<Lookup> UNANSWERED =
      CompletableFuture.completedFuture(Lookup.UNANSWERED);

  @Override
  public CompletableFuture<Lookup> get(ChunkKey key, int length) {
    return UNANSWERED;
  }

  @Override
  public CompletableFuture<Map<ChunkKey, Lookup>> getAll(Map<ChunkKey, Integer> lengths) {
    return CompletableFuture.completedFuture(Lookup.forAll(lengths.keySet(), Lookup.UNANSWERED));
  }

  @Override
  public CompletableFuture<Boolean> putConfirmed(ChunkKey key, byte[] bytes) {
    return CompletableFuture.completedFuture(false);
  }

  @Override
  public void put(ChunkKey key, byte[] bytes) {
    // nowhere to write
  }

  @Override
  public boolean writesIdle() {
    return true;
  }

  @Override
  public String breakerState() {
    return "NONE";
  }

  @Override
  public String description() {
    return "no L2";
  }

  @Override
  public void health(Health.Builder health) {
    health.withDetail("l2", "none (cadenza.dynamodb.table-prefix not set)");
  }

  @Override
  public void close() {
    // nothing runs
  }
}
