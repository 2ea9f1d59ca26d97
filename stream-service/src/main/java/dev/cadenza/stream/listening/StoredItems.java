package dev.cadenza.stream.listening;

import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.store.ItemStore.Item;
import java.time.Instant;
import java.util.List;
import reactor.core.publisher.Flux;

/** Reading whole prefixes of a partition, and the encodings of attribute values. */
final class StoredItems {

  /** Items per query page: a page of the largest items (playlist headers) stays well under 1 MB. */
  static final int PAGE = 500;

  private StoredItems() {}

  /** Every item of {@code pk} whose sort key starts with {@code prefix}, page by page. */
  static Flux<Item> all(ItemStore store, String pk, String prefix) {
    return from(store, pk, prefix, null);
  }

  private static Flux<Item> from(ItemStore store, String pk, String prefix, String after) {
    return store
        .query(pk, prefix, after, PAGE)
        .collectList()
        .flatMapMany(
            page -> {
              Flux<Item> items = Flux.fromIterable(page);
              if (page.size() < PAGE) {
                return items;
              }
              String last = page.get(page.size() - 1).sk();
              return items.concatWith(Flux.defer(() -> from(store, pk, prefix, last)));
            });
  }

  static String millis(Instant at) {
    return Long.toString(at.toEpochMilli());
  }

  static Instant instant(Item item, String attribute) {
    return item.get(attribute).map(v -> Instant.ofEpochMilli(Long.parseLong(v))).orElse(null);
  }

  static long number(Item item, String attribute) {
    return item.get(attribute).map(Long::parseLong).orElse(0L);
  }

  /** Ids joined by commas (catalogue and chunk ids are base64url: no commas in them). */
  static String ids(List<String> ids) {
    return String.join(",", ids);
  }

  static List<String> ids(Item item, String attribute) {
    return item.get(attribute)
        .filter(v -> !v.isEmpty())
        .map(v -> List.of(v.split(",")))
        .orElse(List.of());
  }
}
