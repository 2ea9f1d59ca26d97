package dev.cadenza.stream.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.store.ItemStore.Item;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ItemStore} does, so that code above the seam behaves the same on the embedded
 * store, on DynamoDB and on the test double: conditional writes on the version, prefix queries in
 * sort key order with paging, expiry, attributes kept exactly, and no lost update when several
 * writers race. Each implementation runs these tests through a subclass ({@link
 * InMemoryItemStoreTest}, {@link EmbeddedItemStoreTest}, {@link DynamoDbItemStoreTest} against
 * dynalite). Each test works in a partition of its own.
 */
abstract class ItemStoreContract {

  static final Duration WAIT = Duration.ofSeconds(30);

  ItemStore store;
  String pk;

  /** The store under test, empty or at least without this test's partition. */
  abstract ItemStore open() throws Exception;

  /** Releases what {@link #open} took. */
  void close(ItemStore store) throws Exception {}

  /**
   * The store a second writer uses in the races: this one, or where the backend is shared, another
   * client of it (another pod).
   */
  ItemStore another() throws Exception {
    return store;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = open();
    pk = "user#" + UUID.randomUUID();
  }

  @AfterEach
  void closeStore() throws Exception {
    close(store);
  }

  Optional<Item> get(String sk) {
    return store.get(pk, sk).block(WAIT);
  }

  Optional<Item> put(String sk, Map<String, String> attributes, long expectedVersion) {
    return store.put(Item.of(pk, sk, attributes), expectedVersion).block(WAIT);
  }

  boolean delete(String sk, long expectedVersion) {
    return store.delete(pk, sk, expectedVersion).block(WAIT);
  }

  List<String> query(String prefix, String exclusiveStartSk, int limit) {
    return store.query(pk, prefix, exclusiveStartSk, limit).map(Item::sk).collectList().block(WAIT);
  }

  static long inSeconds(long seconds) {
    return Instant.now().getEpochSecond() + seconds;
  }

  // --- get and put -------------------------------------------------------------------------------

  @Test
  void aMissingItemIsEmpty() {
    assertThat(get("star#track#1")).isEmpty();
  }

  @Test
  void aNewItemIsVersionOneAndReadsBackAsWritten() {
    Optional<Item> written = put("star#track#1", Map.of("at", "1700000000"), ItemStore.ABSENT);

    Item expected = new Item(pk, "star#track#1", 1, Map.of("at", "1700000000"), 0);
    assertThat(written).contains(expected);
    assertThat(get("star#track#1")).contains(expected);
  }

  @Test
  void absentFailsWhenTheItemExistsAndLeavesItAsItWas() {
    put("queue", Map.of("position", "1"), ItemStore.ABSENT);

    assertThat(put("queue", Map.of("position", "2"), ItemStore.ABSENT)).isEmpty();
    assertThat(get("queue").orElseThrow().attributes()).containsEntry("position", "1");
  }

  @Test
  void aWriteAtTheStoredVersionMovesToTheNextOne() {
    put("queue", Map.of("position", "1"), ItemStore.ABSENT);

    Optional<Item> second = put("queue", Map.of("position", "2"), 1);
    Optional<Item> third = put("queue", Map.of("position", "3"), 2);

    assertThat(second).map(Item::version).contains(2L);
    assertThat(third).map(Item::version).contains(3L);
    assertThat(get("queue").orElseThrow())
        .extracting(Item::version, i -> i.attributes().get("position"))
        .containsExactly(3L, "3");
  }

  @Test
  void aWriteAtAStaleOrUnknownVersionFailsAndChangesNothing() {
    put("queue", Map.of("position", "1"), ItemStore.ABSENT);
    put("queue", Map.of("position", "2"), 1);

    assertThat(put("queue", Map.of("position", "lost"), 1)).isEmpty();
    assertThat(put("queue", Map.of("position", "lost"), 7)).isEmpty();
    assertThat(put("other", Map.of("position", "lost"), 1)).as("nothing stored").isEmpty();
    assertThat(get("queue").orElseThrow())
        .extracting(Item::version, i -> i.attributes().get("position"))
        .containsExactly(2L, "2");
    assertThat(get("other")).isEmpty();
  }

  @Test
  void anyWritesWhateverIsStoredAndStillCountsVersions() {
    assertThat(put("now-playing", Map.of("track", "a"), ItemStore.ANY))
        .map(Item::version)
        .contains(1L);
    assertThat(put("now-playing", Map.of("track", "b"), ItemStore.ANY))
        .map(Item::version)
        .contains(2L);
    assertThat(get("now-playing").orElseThrow())
        .extracting(Item::version, i -> i.attributes().get("track"))
        .containsExactly(2L, "b");
  }

  @Test
  void aWriteReplacesTheAttributesAndTheExpiryWhole() {
    long later = inSeconds(3600);
    store.put(new Item(pk, "np", 1, Map.of("a", "1", "b", "2"), later), ItemStore.ABSENT).block();

    Optional<Item> replaced = put("np", Map.of("c", "3"), 1);

    Item expected = new Item(pk, "np", 2, Map.of("c", "3"), 0);
    assertThat(replaced).contains(expected);
    assertThat(get("np")).contains(expected);
  }

  @Test
  void partitionsAreSeparate() {
    String other = "user#" + UUID.randomUUID();
    put("star#track#1", Map.of("mine", "yes"), ItemStore.ABSENT);

    assertThat(store.get(other, "star#track#1").block(WAIT)).isEmpty();
    assertThat(store.put(Item.of(other, "star#track#1", Map.of()), ItemStore.ABSENT).block(WAIT))
        .map(Item::version)
        .contains(1L);
    assertThat(store.query(other, "", null, 10).collectList().block(WAIT))
        .extracting(Item::pk)
        .containsExactly(other);
  }

  // --- delete ------------------------------------------------------------------------------------

  @Test
  void aDeleteAtTheStoredVersionRemovesTheItem() {
    put("playlist#1", Map.of("name", "Road"), ItemStore.ABSENT);
    put("playlist#1", Map.of("name", "Road trip"), 1);

    assertThat(delete("playlist#1", 2)).isTrue();
    assertThat(get("playlist#1")).isEmpty();
    assertThat(put("playlist#1", Map.of("name", "again"), ItemStore.ABSENT))
        .map(Item::version)
        .as("a new item starts again at 1")
        .contains(1L);
  }

  @Test
  void aDeleteAtAStaleVersionKeepsTheItem() {
    put("playlist#1", Map.of("name", "Road"), ItemStore.ABSENT);
    put("playlist#1", Map.of("name", "Road trip"), 1);

    assertThat(delete("playlist#1", 1)).isFalse();
    assertThat(delete("playlist#1", ItemStore.ABSENT)).isFalse();
    assertThat(get("playlist#1")).map(Item::version).contains(2L);
  }

  @Test
  void aDeleteOfAnyVersionRemovesWhateverIsThereAndReportsWhetherSomethingWas() {
    put("playlist#1", Map.of(), ItemStore.ABSENT);

    assertThat(delete("playlist#1", ItemStore.ANY)).isTrue();
    assertThat(delete("playlist#1", ItemStore.ANY)).isFalse();
    assertThat(delete("never", ItemStore.ANY)).isFalse();
    assertThat(delete("never", 1)).isFalse();
  }

  // --- query -------------------------------------------------------------------------------------

  @Test
  void aQueryListsThePrefixInSortKeyOrder() {
    for (String sk :
        List.of("star#track#c", "rating#track#a", "star#track#a", "star#album#z", "star#track#b")) {
      put(sk, Map.of(), ItemStore.ABSENT);
    }
    store.put(Item.of("user#someone-else", "star#track#0", Map.of()), ItemStore.ANY).block(WAIT);

    assertThat(query("star#track#", null, 100))
        .containsExactly("star#track#a", "star#track#b", "star#track#c");
    assertThat(query("star#", null, 100))
        .containsExactly("star#album#z", "star#track#a", "star#track#b", "star#track#c");
    assertThat(query("", null, 100))
        .as("an empty prefix lists the partition")
        .containsExactly(
            "rating#track#a", "star#album#z", "star#track#a", "star#track#b", "star#track#c");
    assertThat(query("scrobble#", null, 100)).isEmpty();
  }

  @Test
  void aQueryReturnsWholeItems() {
    put("star#track#a", Map.of("at", "1"), ItemStore.ABSENT);
    put("star#track#a", Map.of("at", "2"), 1);

    assertThat(store.query(pk, "star#", null, 10).collectList().block(WAIT))
        .containsExactly(new Item(pk, "star#track#a", 2, Map.of("at", "2"), 0));
  }

  @Test
  void aQueryPagesFromTheSortKeyAfterTheLastOneSeen() {
    for (int i = 0; i < 7; i++) {
      put("scrobble#" + i, Map.of("n", Integer.toString(i)), ItemStore.ABSENT);
    }
    put("star#track#a", Map.of(), ItemStore.ABSENT);

    List<String> first = query("scrobble#", null, 3);
    List<String> second = query("scrobble#", first.get(2), 3);
    List<String> third = query("scrobble#", second.get(2), 3);

    assertThat(first).containsExactly("scrobble#0", "scrobble#1", "scrobble#2");
    assertThat(second).containsExactly("scrobble#3", "scrobble#4", "scrobble#5");
    assertThat(third).containsExactly("scrobble#6");
    assertThat(query("scrobble#", "scrobble#6", 3)).isEmpty();
    assertThat(query("scrobble#", "scrobble#2x", 2))
        .as("a start key that is not stored: the items after it")
        .containsExactly("scrobble#3", "scrobble#4");
    assertThat(query("scrobble#", "rating#", 2))
        .as("a start key before the prefix: from its first item")
        .containsExactly("scrobble#0", "scrobble#1");
    assertThat(query("scrobble#", "star#", 2)).as("a start key after the prefix").isEmpty();
    assertThat(query("scrobble#", null, 0)).isEmpty();
  }

  @Test
  void aQueryFillsItsLimitPastExpiredItems() {
    for (int i = 0; i < 12; i++) {
      long expiresAt = i % 2 == 0 ? inSeconds(-60) : 0;
      store
          .put(new Item(pk, "np#" + i / 10 + i % 10, 1, Map.of(), expiresAt), ItemStore.ABSENT)
          .block(WAIT);
    }

    assertThat(query("np#", null, 4)).containsExactly("np#01", "np#03", "np#05", "np#07");
    assertThat(query("np#", "np#07", 4)).containsExactly("np#09", "np#11");
  }

  @Test
  void aQueryBeyondOnePageOfTheBackendGoesOn() {
    int count = 620; // more than one DynamoDB Query page of this store (500 items)
    for (int i = 0; i < count; i++) {
      store
          .put(Item.of(pk, String.format("scrobble#%04d", i), Map.of()), ItemStore.ANY)
          .block(WAIT);
    }

    List<String> all = query("scrobble#", null, 10_000);
    List<String> limited = query("scrobble#", null, 555);

    assertThat(all).hasSize(count).isSorted();
    assertThat(limited).hasSize(555).isEqualTo(all.subList(0, 555));
  }

  // --- expiry ------------------------------------------------------------------------------------

  @Test
  void anExpiredItemIsGoneForEveryOperation() {
    store
        .put(new Item(pk, "np", 1, Map.of("track", "old"), inSeconds(-1)), ItemStore.ABSENT)
        .block(WAIT);

    assertThat(get("np")).isEmpty();
    assertThat(query("", null, 10)).isEmpty();
    assertThat(delete("np", ItemStore.ANY)).isFalse();
    assertThat(delete("np", 1)).isFalse();
    assertThat(put("np", Map.of("track", "lost"), 1)).as("its version is gone too").isEmpty();
    assertThat(put("np", Map.of("track", "new"), ItemStore.ABSENT)).map(Item::version).contains(1L);
  }

  @Test
  void anUnconditionalWriteOverAnExpiredItemStartsAtVersionOne() {
    store
        .put(new Item(pk, "np", 1, Map.of("track", "old"), inSeconds(-1)), ItemStore.ABSENT)
        .block(WAIT);
    store
        .put(new Item(pk, "np", 1, Map.of("track", "old"), inSeconds(-1)), ItemStore.ANY)
        .block(WAIT);

    assertThat(put("np", Map.of("track", "new"), ItemStore.ANY)).map(Item::version).contains(1L);
  }

  @Test
  void anItemThatExpiresLaterIsThereWithItsExpiry() {
    long later = inSeconds(3600);

    Optional<Item> written =
        store.put(new Item(pk, "np", 1, Map.of("track", "a"), later), ItemStore.ABSENT).block(WAIT);

    assertThat(written).map(Item::expiresAtEpochSecond).contains(later);
    assertThat(get("np")).map(Item::expiresAtEpochSecond).contains(later);
    assertThat(store.query(pk, "", null, 10).collectList().block(WAIT))
        .extracting(Item::expiresAtEpochSecond)
        .containsExactly(later);
  }

  // --- attributes --------------------------------------------------------------------------------

  @Test
  void attributesComeBackExactlyUnicodeEmptyAndLongValuesIncluded() {
    Map<String, String> attributes = new HashMap<>();
    attributes.put("name", "Café del Mar — 東京 🎷");
    attributes.put("combining", "e\u0301");
    attributes.put("empty", "");
    attributes.put("spaces", "  ");
    attributes.put("json", "{\"a\":[1,2],\"b\":\"\\n\"}");
    attributes.put("ключ", "значение");
    attributes.put("long", "x".repeat(100_000));

    put("playlist#1", attributes, ItemStore.ABSENT);
    put("playlist#2", Map.of(), ItemStore.ABSENT);

    assertThat(get("playlist#1").orElseThrow().attributes()).isEqualTo(attributes);
    assertThat(get("playlist#2").orElseThrow().attributes()).isEmpty();
    assertThat(store.query(pk, "playlist#", null, 10).collectList().block(WAIT))
        .extracting(Item::attributes)
        .containsExactly(attributes, Map.of());
  }

  @Test
  void unicodeSortKeysAreFoundAndOrdered() {
    put("artist#Zoë", Map.of(), ItemStore.ABSENT);
    put("artist#Ägypten", Map.of(), ItemStore.ABSENT);
    put("artist#東京", Map.of(), ItemStore.ABSENT);
    put("artist#Abba", Map.of(), ItemStore.ABSENT);

    assertThat(get("artist#東京")).isPresent();
    assertThat(query("artist#", null, 10))
        .containsExactly("artist#Abba", "artist#Zoë", "artist#Ägypten", "artist#東京");
    assertThat(query("artist#Ä", null, 10)).containsExactly("artist#Ägypten");
  }

  // --- races -------------------------------------------------------------------------------------

  @Test
  void concurrentConditionalIncrementsLoseNothing() throws Exception {
    int writers = 4;
    int increments = 15;
    put("plays#track#1", Map.of("count", "0"), ItemStore.ABSENT);
    ItemStore other = another();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        ItemStore mine = w % 2 == 0 ? store : other;
        tasks.add(
            () -> {
              int conflicts = 0;
              for (int i = 0; i < increments; i++) {
                while (true) {
                  Item read = mine.get(pk, "plays#track#1").block(WAIT).orElseThrow();
                  int count = Integer.parseInt(read.attributes().get("count"));
                  Item next = Item.of(pk, "plays#track#1", Map.of("count", "" + (count + 1)));
                  if (mine.put(next, read.version()).block(WAIT).isPresent()) {
                    break;
                  }
                  conflicts++;
                }
              }
              return conflicts;
            });
      }
      for (Future<Integer> done : pool.invokeAll(tasks)) {
        done.get();
      }
    } finally {
      pool.shutdownNow();
    }

    Item counted = get("plays#track#1").orElseThrow();
    assertThat(counted.attributes()).containsEntry("count", Integer.toString(writers * increments));
    assertThat(counted.version()).isEqualTo(1L + writers * increments);
  }

  @Test
  void concurrentCreatorsOfOneItemHaveOneWinner() throws Exception {
    int writers = 6;
    ItemStore other = another();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Callable<Boolean>> tasks = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      ItemStore mine = w % 2 == 0 ? store : other;
      Item item = Item.of(pk, "apikey#1", Map.of("by", "writer" + w));
      tasks.add(() -> mine.put(item, ItemStore.ABSENT).block(WAIT).isPresent());
    }
    int winners = 0;
    try {
      for (Future<Boolean> won : pool.invokeAll(tasks)) {
        winners += won.get() ? 1 : 0;
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(winners).isEqualTo(1);
    assertThat(get("apikey#1")).map(Item::version).contains(1L);
  }
}
