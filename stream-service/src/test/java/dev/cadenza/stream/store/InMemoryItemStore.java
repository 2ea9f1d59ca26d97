package dev.cadenza.stream.store;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A test double of {@link ItemStore} that keeps items in a map: for unit tests of the code above
 * the seam. The real implementations pass {@code ItemStoreContract}; this one should too.
 */
public final class InMemoryItemStore implements ItemStore {

  private final ConcurrentSkipListMap<String, Item> items = new ConcurrentSkipListMap<>();
  private final Clock clock;

  public InMemoryItemStore() {
    this(Clock.systemUTC());
  }

  public InMemoryItemStore(Clock clock) {
    this.clock = clock;
  }

  private static String key(String pk, String sk) {
    return pk + '\u0000' + sk;
  }

  private boolean live(Item item) {
    return item != null
        && (item.expiresAtEpochSecond() == 0
            || item.expiresAtEpochSecond() > clock.instant().getEpochSecond());
  }

  @Override
  public Mono<Optional<Item>> get(String pk, String sk) {
    return Mono.fromSupplier(() -> Optional.ofNullable(items.get(key(pk, sk))).filter(this::live));
  }

  @Override
  public Flux<Item> query(String pk, String skPrefix, String exclusiveStartSk, int limit) {
    return Flux.defer(
        () -> {
          String from = exclusiveStartSk == null ? key(pk, skPrefix) : key(pk, exclusiveStartSk);
          Map<String, Item> tail =
              exclusiveStartSk == null ? items.tailMap(from, true) : items.tailMap(from, false);
          return Flux.fromIterable(tail.values())
              .takeWhile(i -> i.pk().equals(pk))
              .filter(i -> i.sk().startsWith(skPrefix))
              .filter(this::live)
              .take(limit);
        });
  }

  @Override
  public Mono<Optional<Item>> put(Item item, long expectedVersion) {
    return Mono.fromSupplier(
        () -> {
          synchronized (this) {
            Item stored = items.get(key(item.pk(), item.sk()));
            if (!live(stored)) {
              stored = null;
            }
            long current = stored == null ? ABSENT : stored.version();
            if (expectedVersion != ANY && expectedVersion != current) {
              return Optional.empty();
            }
            Item next =
                new Item(
                    item.pk(),
                    item.sk(),
                    current + 1,
                    item.attributes(),
                    item.expiresAtEpochSecond());
            items.put(key(item.pk(), item.sk()), next);
            return Optional.of(next);
          }
        });
  }

  @Override
  public Mono<Boolean> delete(String pk, String sk, long expectedVersion) {
    return Mono.fromSupplier(
        () -> {
          synchronized (this) {
            Item stored = items.get(key(pk, sk));
            if (!live(stored) || (expectedVersion != ANY && expectedVersion != stored.version())) {
              return false;
            }
            items.remove(key(pk, sk));
            return true;
          }
        });
  }

  @Override
  public boolean shared() {
    return false;
  }
}
