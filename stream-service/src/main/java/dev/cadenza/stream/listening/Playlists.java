package dev.cadenza.stream.listening;

import static dev.cadenza.stream.listening.StoredItems.ids;
import static dev.cadenza.stream.listening.StoredItems.instant;
import static dev.cadenza.stream.listening.StoredItems.millis;
import static dev.cadenza.stream.listening.StoredItems.number;

import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.store.ItemStore.Item;
import dev.cadenza.stream.web.IfMatch;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Playlists in the users table (docs/listening.md#playlists). A playlist is a header item in the
 * shared {@code playlists} partition (its details and the ids of its chunks, in order) and chunk
 * items of up to {@link #CHUNK} entries each in its own partition. A change writes the chunks that
 * differ under new ids, then the header on condition of the version it read: the header is the one
 * commit point, so a reader sees the old playlist or the new one, never a mix, and of two pods
 * racing one wins and the other re-reads and re-applies its edit. Chunks the new header no longer
 * names are deleted after the commit.
 */
final class Playlists {

  private static final Logger log = LoggerFactory.getLogger(Playlists.class);

  /** Entries per chunk item: 500 ids of 17 bytes are about 8.5 KB, far below 400 KB. */
  static final int CHUNK = 500;

  static final int MAX_ENTRIES = 10_000;
  static final int MAX_NAME = 200;
  static final int MAX_COMMENT = 2_000;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final String OWNER = "owner";
  private static final String OWNER_NAME = "ownerName";
  private static final String NAME = "name";
  private static final String COMMENT = "comment";
  private static final String PUBLIC = "public";
  private static final String CREATED = "created";
  private static final String CHANGED = "changed";
  private static final String COUNT = "count";
  private static final String DURATION = "durationMs";
  private static final String CHUNKS = "chunks";
  private static final String TRACKS = "tracks";

  private final ItemStore store;
  private final Supplier<Catalog> catalog;
  private final Clock clock;

  Playlists(ItemStore store, Supplier<Catalog> catalog, Clock clock) {
    this.store = store;
    this.catalog = catalog;
    this.clock = clock;
  }

  // --- reads ---------------------------------------------------------------------------------

  /** The listener's own playlists and everyone's public ones, by name. */
  Flux<PlaylistSummary> visibleTo(String userId) {
    return StoredItems.all(store, ListeningKeys.PLAYLISTS, "")
        .map(Playlists::summary)
        .filter(p -> p.isPublic() || p.ownerId().equals(userId))
        .sort(
            Comparator.comparing((PlaylistSummary p) -> Ids.fold(p.name()))
                .thenComparing(PlaylistSummary::id));
  }

  Mono<Playlist> get(String userId, String id) {
    return ConflictRetry.until(
        "playlist", id, () -> read(userId, id).map(found -> found.map(Stored::playlist)));
  }

  // --- writes --------------------------------------------------------------------------------

  Mono<Playlist> create(String ownerId, String ownerName, PlaylistEdit.Draft draft) {
    return Mono.defer(
        () -> {
          check(draft, Set.of());
          String id = newId(16);
          Instant now = clock.instant();
          List<List<String>> pieces = split(draft.trackIds());
          List<String> chunkIds = pieces.stream().map(p -> newId(8)).toList();
          PlaylistSummary summary =
              new PlaylistSummary(
                  id,
                  ownerId,
                  ownerName,
                  draft.name(),
                  draft.comment(),
                  draft.isPublic(),
                  now,
                  now,
                  1,
                  draft.trackIds().size(),
                  durationMs(draft.trackIds()));
          return writeChunks(id, chunkIds, pieces)
              .then(store.put(header(summary, chunkIds), ItemStore.ABSENT))
              .map(
                  written ->
                      new Playlist(
                          summary(
                              written.orElseThrow(
                                  // 128 random bits do not collide
                                  () -> new IllegalStateException("playlist id taken"))),
                          draft.trackIds()));
        });
  }

  /**
   * Applies {@code edit} for {@code userId}, who must own the playlist; {@code ifMatch} (or null)
   * must name its current version. Re-applied to a fresh read when another change won the race.
   */
  Mono<Playlist> edit(String userId, String id, IfMatch ifMatch, PlaylistEdit edit) {
    return ConflictRetry.until(
        "playlist",
        id,
        () ->
            read(userId, id)
                .flatMap(
                    found -> {
                      if (found.isEmpty()) {
                        return Mono.just(Optional.empty());
                      }
                      Stored current = found.get();
                      checkWrite(userId, current.header, ifMatch);
                      PlaylistEdit.Draft before = current.draft();
                      PlaylistEdit.Draft after = edit.apply(before);
                      check(after, new HashSet<>(before.trackIds()));
                      if (after.equals(before)) {
                        return Mono.just(Optional.of(current.playlist()));
                      }
                      return commit(current, after);
                    }));
  }

  Mono<Void> delete(String userId, String id, IfMatch ifMatch) {
    return ConflictRetry.until(
            "playlist",
            id,
            () ->
                header(userId, id)
                    .flatMap(
                        header -> {
                          checkWrite(userId, header, ifMatch);
                          return store
                              .delete(ListeningKeys.PLAYLISTS, id, header.version())
                              .flatMap(
                                  deleted ->
                                      deleted
                                          ? deleteChunks(id).thenReturn(Optional.of(id))
                                          : Mono.just(Optional.<String>empty()));
                        }))
        .then();
  }

  /** Deletes every playlist {@code userId} owns. */
  Mono<Void> forget(String userId) {
    return visibleTo(userId)
        .filter(p -> p.ownerId().equals(userId))
        .concatMap(p -> delete(userId, p.id(), null))
        .then();
  }

  // --- the commit ----------------------------------------------------------------------------

  /** Writes the chunks that changed, then the header if still at the version read. */
  private Mono<Optional<Playlist>> commit(Stored current, PlaylistEdit.Draft after) {
    String id = current.summary().id();
    List<List<String>> pieces = split(after.trackIds());
    List<String> chunkIds = new ArrayList<>(pieces.size());
    List<String> newIds = new ArrayList<>();
    List<List<String>> newPieces = new ArrayList<>();
    for (int i = 0; i < pieces.size(); i++) {
      if (i < current.chunks.size() && current.chunks.get(i).equals(pieces.get(i))) {
        chunkIds.add(current.chunkIds.get(i));
      } else {
        String chunkId = newId(8);
        chunkIds.add(chunkId);
        newIds.add(chunkId);
        newPieces.add(pieces.get(i));
      }
    }
    PlaylistSummary before = current.summary();
    PlaylistSummary next =
        new PlaylistSummary(
            id,
            before.ownerId(),
            before.ownerName(),
            after.name(),
            after.comment(),
            after.isPublic(),
            before.createdAt(),
            clock.instant(),
            before.version() + 1,
            after.trackIds().size(),
            durationMs(after.trackIds()));
    return writeChunks(id, newIds, newPieces)
        .then(store.put(header(next, chunkIds), current.header.version()))
        .flatMap(
            written -> {
              if (written.isEmpty()) {
                // lost the race: ours are garbage now, theirs stay
                return deleteChunks(id, newIds).thenReturn(Optional.<Playlist>empty());
              }
              List<String> dropped = new ArrayList<>(current.chunkIds);
              dropped.removeAll(chunkIds);
              return deleteChunks(id, dropped)
                  .thenReturn(Optional.of(new Playlist(summary(written.get()), after.trackIds())));
            });
  }

  private Mono<Void> writeChunks(String id, List<String> chunkIds, List<List<String>> pieces) {
    String pk = ListeningKeys.playlistChunks(id);
    return Flux.range(0, chunkIds.size())
        .flatMap(
            i ->
                store.put(
                    Item.of(
                        pk,
                        ListeningKeys.chunk(chunkIds.get(i)),
                        Map.of(TRACKS, StoredItems.ids(pieces.get(i)))),
                    ItemStore.ABSENT),
            8)
        .then();
  }

  /**
   * Deletes chunks no header names. Best effort: one left behind (this pod failing right here) is
   * never read, and goes with the playlist.
   */
  private Mono<Void> deleteChunks(String id, Collection<String> chunkIds) {
    String pk = ListeningKeys.playlistChunks(id);
    return Flux.fromIterable(chunkIds)
        .flatMap(c -> store.delete(pk, ListeningKeys.chunk(c), ItemStore.ANY), 8)
        .then()
        .onErrorResume(
            e -> {
              log.warn("Unreferenced chunks of playlist {} left behind: {}", id, e.toString());
              return Mono.empty();
            });
  }

  private Mono<Void> deleteChunks(String id) {
    return StoredItems.all(store, ListeningKeys.playlistChunks(id), ListeningKeys.CHUNKS)
        .map(item -> item.sk().substring(ListeningKeys.CHUNKS.length()))
        .collectList()
        .flatMap(chunkIds -> deleteChunks(id, chunkIds));
  }

  // --- reading the items ---------------------------------------------------------------------

  /** A playlist as read: its header item and its chunks' entries. */
  private record Stored(Item header, List<String> chunkIds, List<List<String>> chunks) {

    PlaylistSummary summary() {
      return Playlists.summary(header);
    }

    PlaylistEdit.Draft draft() {
      PlaylistSummary s = summary();
      return new PlaylistEdit.Draft(s.name(), s.comment(), s.isPublic(), entries());
    }

    Playlist playlist() {
      return new Playlist(summary(), entries());
    }

    List<String> entries() {
      List<String> all = new ArrayList<>();
      chunks.forEach(all::addAll);
      return all;
    }
  }

  /** The header, or 404 when there is none or it is another listener's private playlist. */
  private Mono<Item> header(String userId, String id) {
    if (id == null || !ID.matcher(id).matches()) {
      return Mono.error(ListeningProblems.playlistNotFound(id));
    }
    return store
        .get(ListeningKeys.PLAYLISTS, id)
        .map(
            found ->
                found
                    .filter(h -> h.get(OWNER).orElse("").equals(userId) || isPublic(h))
                    .orElseThrow(() -> ListeningProblems.playlistNotFound(id)));
  }

  /**
   * The playlist, or empty when a chunk its header names is gone: a change committed between the
   * two reads and deleted it, so read again.
   */
  private Mono<Optional<Stored>> read(String userId, String id) {
    return header(userId, id)
        .flatMap(
            header -> {
              List<String> chunkIds = ids(header, CHUNKS);
              String pk = ListeningKeys.playlistChunks(id);
              return Flux.fromIterable(chunkIds)
                  .flatMapSequential(c -> store.get(pk, ListeningKeys.chunk(c)), 8)
                  .collectList()
                  .map(
                      chunks ->
                          chunks.stream().allMatch(Optional::isPresent)
                              ? Optional.of(
                                  new Stored(
                                      header,
                                      chunkIds,
                                      chunks.stream()
                                          .map(c -> ids(c.orElseThrow(), TRACKS))
                                          .toList()))
                              : Optional.empty());
            });
  }

  private static void checkWrite(String userId, Item header, IfMatch ifMatch) {
    if (!header.get(OWNER).orElse("").equals(userId)) {
      throw ListeningProblems.notOwner(header.sk());
    }
    if (ifMatch != null && !ifMatch.matches(header.version())) {
      throw ListeningProblems.playlistChanged(header.sk(), ifMatch.header(), header.version());
    }
  }

  // --- rules ---------------------------------------------------------------------------------

  /** The draft's limits; tracks it adds (not in {@code kept}) must be in the catalogue. */
  private void check(PlaylistEdit.Draft draft, Set<String> kept) {
    String name = draft.name();
    if (name == null || name.isBlank()) {
      throw ListeningProblems.invalid("name", "A playlist needs a name.");
    }
    if (name.length() > MAX_NAME) {
      throw ListeningProblems.invalid(
          "name", "A playlist's name has at most " + MAX_NAME + " characters.");
    }
    if (draft.comment() != null && draft.comment().length() > MAX_COMMENT) {
      throw ListeningProblems.invalid(
          "comment", "A playlist's comment has at most " + MAX_COMMENT + " characters.");
    }
    if (draft.trackIds().size() > MAX_ENTRIES) {
      throw ListeningProblems.invalid(
          "trackIds",
          "A playlist holds at most "
              + MAX_ENTRIES
              + " entries; this change would make "
              + draft.trackIds().size()
              + ".");
    }
    Catalog c = catalog.get();
    for (String trackId : draft.trackIds()) {
      if (!kept.contains(trackId) && c.track(trackId).isEmpty()) {
        throw ListeningProblems.itemNotFound(ItemKind.TRACK, trackId);
      }
    }
  }

  private long durationMs(List<String> trackIds) {
    Catalog c = catalog.get();
    return trackIds.stream()
        .map(c::track)
        .flatMap(Optional::stream)
        .map(Track::tags)
        .map(t -> t.durationMs())
        .filter(Objects::nonNull)
        .mapToLong(Long::longValue)
        .sum();
  }

  private static List<List<String>> split(List<String> entries) {
    List<List<String>> pieces = new ArrayList<>();
    for (int i = 0; i < entries.size(); i += CHUNK) {
      pieces.add(List.copyOf(entries.subList(i, Math.min(entries.size(), i + CHUNK))));
    }
    return pieces;
  }

  /** {@code bytes} random bytes in base64url: 16 make a playlist id, 8 a chunk id. */
  private static String newId(int bytes) {
    byte[] bits = new byte[bytes];
    RANDOM.nextBytes(bits);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
  }

  // --- the header's attributes ---------------------------------------------------------------

  private static boolean isPublic(Item header) {
    return header.get(PUBLIC).map(Boolean::parseBoolean).orElse(false);
  }

  private static Item header(PlaylistSummary p, List<String> chunkIds) {
    Map<String, String> a = new HashMap<>();
    a.put(OWNER, p.ownerId());
    a.put(OWNER_NAME, p.ownerName());
    a.put(NAME, p.name());
    if (p.comment() != null) {
      a.put(COMMENT, p.comment());
    }
    a.put(PUBLIC, Boolean.toString(p.isPublic()));
    a.put(CREATED, millis(p.createdAt()));
    a.put(CHANGED, millis(p.changedAt()));
    a.put(COUNT, Integer.toString(p.entryCount()));
    a.put(DURATION, Long.toString(p.durationMs()));
    a.put(CHUNKS, StoredItems.ids(chunkIds));
    return Item.of(ListeningKeys.PLAYLISTS, p.id(), a);
  }

  private static PlaylistSummary summary(Item header) {
    return new PlaylistSummary(
        header.sk(),
        header.get(OWNER).orElse(""),
        header.get(OWNER_NAME).orElse(""),
        header.get(NAME).orElse(""),
        header.get(COMMENT).orElse(null),
        isPublic(header),
        instant(header, CREATED),
        instant(header, CHANGED),
        header.version(),
        (int) number(header, COUNT),
        number(header, DURATION));
  }
}
