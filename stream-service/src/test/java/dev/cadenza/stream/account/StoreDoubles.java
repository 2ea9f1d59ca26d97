package dev.cadenza.stream.account;

import dev.cadenza.stream.store.InMemoryItemStore;
import dev.cadenza.stream.store.ItemStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Item stores for unit tests: one that counts its reads, one shared, one that cannot be reached.
 */
final class StoreDoubles {

  private StoreDoubles() {}

  /** Delegates to an in-memory store; {@code reads} counts gets and queries. */
  static class Counting implements ItemStore {
    final ItemStore items = new InMemoryItemStore();
    final AtomicInteger reads = new AtomicInteger();
    volatile boolean shared;
    volatile boolean unreachable;

    private <T> Mono<T> reach(Mono<T> call) {
      return unreachable ? Mono.error(new Unavailable("store down for the test", null)) : call;
    }

    @Override
    public Mono<Optional<Item>> get(String pk, String sk) {
      reads.incrementAndGet();
      return reach(items.get(pk, sk));
    }

    @Override
    public Flux<Item> query(String pk, String skPrefix, String exclusiveStartSk, int limit) {
      reads.incrementAndGet();
      return unreachable
          ? Flux.error(new Unavailable("store down for the test", null))
          : items.query(pk, skPrefix, exclusiveStartSk, limit);
    }

    @Override
    public Mono<Optional<Item>> put(Item item, long expectedVersion) {
      return reach(items.put(item, expectedVersion));
    }

    @Override
    public Mono<Boolean> delete(String pk, String sk, long expectedVersion) {
      return reach(items.delete(pk, sk, expectedVersion));
    }

    @Override
    public boolean shared() {
      return shared;
    }
  }
}
