package dev.cadenza.stream.listening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.library.Album;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.listening.Listening.Order;
import dev.cadenza.stream.listening.MusicFixtures.MovableClock;
import dev.cadenza.stream.store.InMemoryItemStore;
import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.web.IfMatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

/** The music data service against the in-memory store: stars to the play queue. */
class ListeningTest {

  static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
  static final Listener ALICE = ListenerFromHeader.listener("alice");
  static final Listener BOB = ListenerFromHeader.listener("bob");

  MovableClock clock;
  ItemStore store;
  AtomicReference<Catalog> catalog;
  Listening listening;
  List<Track> tracks;
  List<Album> albums;

  @BeforeEach
  void setUp() {
    clock = new MovableClock(START);
    store = new InMemoryItemStore(clock);
    catalog = new AtomicReference<>(MusicFixtures.catalog(4, 3));
    listening =
        new Listening(store, catalog::get, clock, new ListeningSettings(Duration.ofDays(365)));
    tracks = catalog.get().tracks();
    albums = catalog.get().albums();
  }

  static int status(Throwable e) {
    return ((ErrorResponseException) e).getStatusCode().value();
  }

  String a() {
    return ALICE.id();
  }

  // --- stars and ratings ---------------------------------------------------------------------

  @Test
  void starsAreListedByKindNewestFirstAndKeepTheFirstTime() {
    listening.star(a(), ItemKind.TRACK, tracks.get(0).id()).block();
    clock.advance(Duration.ofMinutes(1));
    listening.star(a(), ItemKind.TRACK, tracks.get(1).id()).block();
    clock.advance(Duration.ofMinutes(1));
    listening.star(a(), ItemKind.ALBUM, albums.get(2).id()).block();
    // starring again keeps the first time
    Annotation again = listening.star(a(), ItemKind.TRACK, tracks.get(0).id()).block();
    assertThat(again.starredAt()).isEqualTo(START);

    assertThat(listening.starred(a(), ItemKind.TRACK).map(Annotation::id).collectList().block())
        .containsExactly(tracks.get(1).id(), tracks.get(0).id());
    assertThat(listening.starred(a(), ItemKind.ALBUM).map(Annotation::id).collectList().block())
        .containsExactly(albums.get(2).id());
    assertThat(listening.starred(a(), ItemKind.ARTIST).collectList().block()).isEmpty();
    assertThat(listening.starred(BOB.id(), ItemKind.TRACK).collectList().block()).isEmpty();

    listening.unstar(a(), ItemKind.TRACK, tracks.get(1).id()).block();
    listening.unstar(a(), ItemKind.TRACK, tracks.get(1).id()).block(); // twice: no error
    assertThat(listening.starred(a(), ItemKind.TRACK).map(Annotation::id).collectList().block())
        .containsExactly(tracks.get(0).id());
  }

  @Test
  void unknownIdsAre404AndARatingOutOfRangeIs400() {
    assertThatThrownBy(() -> listening.star(a(), ItemKind.TRACK, "AAAAAAAAAAAAAAAA").block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(404));
    assertThatThrownBy(() -> listening.star(a(), ItemKind.ALBUM, tracks.get(0).id()).block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(404));
    assertThatThrownBy(() -> listening.rate(a(), ItemKind.TRACK, tracks.get(0).id(), 6).block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(400));
    assertThatThrownBy(() -> listening.unstar(a(), ItemKind.TRACK, "x".repeat(2000)).block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(404));
  }

  @Test
  void aRatingIsReadBackWithTheItemAndZeroClearsIt() {
    String id = albums.get(1).id();
    listening.rate(a(), ItemKind.ALBUM, id, 4).block();
    listening.rate(a(), ItemKind.ALBUM, albums.get(0).id(), 5).block();
    assertThat(listening.annotation(a(), ItemKind.ALBUM, id).block().rating()).isEqualTo(4);
    assertThat(
            listening
                .list(a(), ItemKind.ALBUM, Order.HIGHEST_RATED)
                .map(Annotation::id)
                .collectList()
                .block())
        .containsExactly(albums.get(0).id(), id);

    listening.rate(a(), ItemKind.ALBUM, id, 0).block();
    assertThat(listening.annotation(a(), ItemKind.ALBUM, id).block())
        .isEqualTo(Annotation.none(ItemKind.ALBUM, id));
    // nothing left: the item is gone from the store
    assertThat(store.get("user#" + a(), "annotation#album#" + id).block()).isEmpty();
  }

  @Test
  void aPageOfItemsIsAnnotatedWithReadsOrWithOneQuery() {
    Catalog big = MusicFixtures.catalog(20, 10);
    catalog.set(big);
    List<String> ids = MusicFixtures.trackIds(big);
    listening.star(a(), ItemKind.TRACK, ids.get(3)).block();
    listening.rate(a(), ItemKind.TRACK, ids.get(150), 2).block();

    Map<String, Annotation> few =
        listening.annotations(a(), ItemKind.TRACK, ids.subList(0, 10)).block();
    assertThat(few).containsOnlyKeys(ids.get(3));
    assertThat(few.get(ids.get(3)).starred()).isTrue();

    assertThat(ids.size()).isGreaterThan(Annotations.READS_UP_TO);
    Map<String, Annotation> all = listening.annotations(a(), ItemKind.TRACK, ids).block();
    assertThat(all).containsOnlyKeys(ids.get(3), ids.get(150));
    assertThat(all.get(ids.get(150)).rating()).isEqualTo(2);
  }

  // --- plays ---------------------------------------------------------------------------------

  @Test
  void aSubmissionCountsOncePerTrackAndTimeForTrackAlbumAndArtist() {
    Track t = tracks.get(4);
    Instant played = START.minus(Duration.ofMinutes(5));
    Scrobble first = listening.scrobble(a(), t.id(), played, "DSub").block();
    Scrobble retry = listening.scrobble(a(), t.id(), played, "DSub").block();
    assertThat(first.counted()).isTrue();
    assertThat(retry.counted()).isFalse();
    listening.scrobble(a(), t.id(), played.plusSeconds(200), "DSub").block();

    Annotation track = listening.annotation(a(), ItemKind.TRACK, t.id()).block();
    assertThat(track.playCount()).isEqualTo(2);
    assertThat(track.lastPlayedAt()).isEqualTo(played.plusSeconds(200));
    String albumId = catalog.get().albumIdOf(t);
    assertThat(listening.annotation(a(), ItemKind.ALBUM, albumId).block().playCount()).isEqualTo(2);
    String artistId = catalog.get().album(albumId).orElseThrow().artistId();
    assertThat(listening.annotation(a(), ItemKind.ARTIST, artistId).block().playCount())
        .isEqualTo(2);

    assertThat(listening.history(a(), 10).collectList().block())
        .extracting(Scrobble::time)
        .containsExactly(played.plusSeconds(200), played);
  }

  @Test
  void aPlayTooFarAheadOrOlderThanTheHistoryKeepsIs400() {
    String id = tracks.get(0).id();
    assertThatThrownBy(
            () -> listening.scrobble(a(), id, START.plus(Duration.ofDays(2)), "c").block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(400));
    assertThatThrownBy(
            () -> listening.scrobble(a(), id, START.minus(Duration.ofDays(400)), "c").block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(400));
    assertThatThrownBy(() -> listening.scrobble(a(), id, null, " ").block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(400));
  }

  @Test
  void historyItemsExpireAfterTheRetentionButPlayCountsStay() {
    String id = tracks.get(0).id();
    listening.scrobble(a(), id, null, "c").block();
    clock.advance(Duration.ofDays(366));
    assertThat(listening.history(a(), 10).collectList().block()).isEmpty();
    assertThat(listening.annotation(a(), ItemKind.TRACK, id).block().playCount()).isEqualTo(1);
  }

  @Test
  void albumListsByMostAndRecentlyPlayed() {
    Album a0 = albums.get(0);
    Album a1 = albums.get(1);
    listening.scrobble(a(), a0.tracks().get(0).id(), START.minusSeconds(600), "c").block();
    listening.scrobble(a(), a0.tracks().get(1).id(), START.minusSeconds(500), "c").block();
    listening.scrobble(a(), a1.tracks().get(0).id(), START.minusSeconds(100), "c").block();
    assertThat(
            listening
                .list(a(), ItemKind.ALBUM, Order.MOST_PLAYED)
                .map(Annotation::id)
                .collectList()
                .block())
        .containsExactly(a0.id(), a1.id());
    assertThat(
            listening
                .list(a(), ItemKind.ALBUM, Order.RECENTLY_PLAYED)
                .map(Annotation::id)
                .collectList()
                .block())
        .containsExactly(a1.id(), a0.id());
  }

  @Test
  void nowPlayingIsSeenByEveryoneAndExpiresWithTheTrack() {
    listening.nowPlaying(ALICE, tracks.get(0).id(), "Symfonium").block();
    clock.advance(Duration.ofSeconds(10));
    listening.nowPlaying(BOB, tracks.get(1).id(), "Feishin").block();

    assertThat(listening.nowPlaying().map(NowPlaying::username).collectList().block())
        .containsExactly("bob", "alice");
    // the same player's next track replaces its report
    clock.advance(Duration.ofSeconds(10));
    listening.nowPlaying(ALICE, tracks.get(2).id(), "Symfonium").block();
    assertThat(listening.nowPlaying().map(NowPlaying::trackId).collectList().block())
        .containsExactly(tracks.get(2).id(), tracks.get(1).id());

    // bob's three minutes and the grace are over 10 s before alice's
    clock.advance(Duration.ofMinutes(3).plus(NowPlayingBoard.GRACE).minusSeconds(9));
    assertThat(listening.nowPlaying().map(NowPlaying::username).collectList().block())
        .containsExactly("alice");
    clock.advance(Duration.ofSeconds(10));
    assertThat(listening.nowPlaying().collectList().block()).isEmpty();
  }

  @Test
  void aTrackWithoutDurationPlaysForTenMinutes() {
    Track unknown = MusicFixtures.track("X", "Y", 1, null);
    catalog.set(new Catalog(List.of(unknown)));
    listening.nowPlaying(ALICE, unknown.id(), "c").block();
    clock.advance(NowPlayingBoard.UNKNOWN_DURATION.minusSeconds(1));
    assertThat(listening.nowPlaying().collectList().block()).hasSize(1);
    clock.advance(Duration.ofSeconds(2));
    assertThat(listening.nowPlaying().collectList().block()).isEmpty();
  }

  // --- the play queue ------------------------------------------------------------------------

  @Test
  void thePlayQueueIsSavedAndRestoredAndAnEmptyOneClearsIt() {
    assertThat(listening.playQueue(a()).block()).isEqualTo(PlayQueue.EMPTY);
    List<String> ids = List.of(tracks.get(0).id(), tracks.get(1).id());
    listening.savePlayQueue(a(), ids, ids.get(1), 42_000, "phone").block();
    PlayQueue q = listening.playQueue(a()).block();
    assertThat(q.trackIds()).isEqualTo(ids);
    assertThat(q.current()).isEqualTo(ids.get(1));
    assertThat(q.positionMs()).isEqualTo(42_000);
    assertThat(q.changedBy()).isEqualTo("phone");
    assertThat(q.changedAt()).isEqualTo(START);

    assertThatThrownBy(() -> listening.savePlayQueue(a(), ids, tracks.get(5).id(), 0, "c").block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(400));
    assertThatThrownBy(
            () -> listening.savePlayQueue(a(), List.of("AAAAAAAAAAAAAAAA"), null, 0, "c").block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(404));

    listening.savePlayQueue(a(), List.of(), null, 0, "c").block();
    assertThat(listening.playQueue(a()).block()).isEqualTo(PlayQueue.EMPTY);
  }

  // --- tracks that leave the library ---------------------------------------------------------

  @Test
  void goneTracksAreLeftOutOfListingsAndKeptInPlaylistsAndTheQueue() {
    Track gone = tracks.get(0);
    listening.star(a(), ItemKind.TRACK, gone.id()).block();
    listening.star(a(), ItemKind.TRACK, tracks.get(1).id()).block();
    List<String> ids = List.of(gone.id(), tracks.get(1).id());
    Playlist p = listening.createPlaylist(ALICE, "Mix", null, false, ids).block();
    listening.savePlayQueue(a(), ids, gone.id(), 0, "c").block();

    catalog.set(catalog.get().with(gone.id(), null));

    assertThat(listening.starred(a(), ItemKind.TRACK).map(Annotation::id).collectList().block())
        .containsExactly(tracks.get(1).id());
    assertThat(listening.playlist(a(), p.id()).block().trackIds()).isEqualTo(ids);
    assertThat(listening.playQueue(a()).block().trackIds()).isEqualTo(ids);
    // what is already there may stay: saving back the restored queue, editing the playlist
    listening.savePlayQueue(a(), ids, gone.id(), 0, "c").block();
    Playlist moved = listening.editPlaylist(a(), p.id(), PlaylistEdit.move(0, 1)).block();
    assertThat(moved.trackIds()).containsExactly(tracks.get(1).id(), gone.id());
    // but it cannot be added anew
    Playlist other = listening.createPlaylist(ALICE, "Other", null, false, List.of()).block();
    assertThatThrownBy(
            () ->
                listening
                    .editPlaylist(a(), other.id(), PlaylistEdit.append(List.of(gone.id())))
                    .block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(404));
  }

  // --- playlists -----------------------------------------------------------------------------

  @Test
  void playlistsAreEditedByTheirOwnerAndReadByEveryoneWhenPublic() {
    Playlist mine = listening.createPlaylist(ALICE, " Mine ", "for me", false, List.of()).block();
    Playlist shared =
        listening.createPlaylist(ALICE, "Shared", null, true, List.of(tracks.get(0).id())).block();
    Playlist bobs = listening.createPlaylist(BOB, "Bob's", null, false, List.of()).block();
    assertThat(mine.summary().name()).isEqualTo("Mine");
    assertThat(mine.summary().ownerName()).isEqualTo("alice");
    assertThat(mine.version()).isEqualTo(1);

    assertThat(listening.playlists(a()).map(PlaylistSummary::name).collectList().block())
        .containsExactly("Mine", "Shared");
    assertThat(listening.playlists(BOB.id()).map(PlaylistSummary::name).collectList().block())
        .containsExactly("Bob's", "Shared");

    assertThat(listening.playlist(BOB.id(), shared.id()).block().trackIds()).hasSize(1);
    assertThatThrownBy(() -> listening.playlist(BOB.id(), mine.id()).block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(404));
    assertThatThrownBy(
            () ->
                listening
                    .editPlaylist(
                        BOB.id(), shared.id(), PlaylistEdit.details("Hijacked", null, null))
                    .block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(403));
    assertThatThrownBy(() -> listening.deletePlaylist(a(), bobs.id()).block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(404));
    assertThatThrownBy(() -> listening.playlist(a(), "nonsense").block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(404));

    listening.deletePlaylist(a(), mine.id()).block();
    assertThatThrownBy(() -> listening.playlist(a(), mine.id()).block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(404));
  }

  @Test
  void editsInsertRemoveMoveReplaceAndRename() {
    List<String> ids = MusicFixtures.trackIds(catalog.get());
    Playlist p = listening.createPlaylist(ALICE, "P", null, false, ids.subList(0, 3)).block();
    String id = p.id();
    p =
        listening
            .editPlaylist(a(), id, PlaylistEdit.append(List.of(ids.get(3), ids.get(3))))
            .block();
    assertThat(p.trackIds())
        .containsExactly(ids.get(0), ids.get(1), ids.get(2), ids.get(3), ids.get(3));
    p = listening.editPlaylist(a(), id, PlaylistEdit.insert(1, List.of(ids.get(9)))).block();
    p = listening.editPlaylist(a(), id, PlaylistEdit.remove(0)).block();
    assertThat(p.trackIds())
        .containsExactly(ids.get(9), ids.get(1), ids.get(2), ids.get(3), ids.get(3));
    p = listening.editPlaylist(a(), id, PlaylistEdit.move(4, 0)).block();
    assertThat(p.trackIds())
        .containsExactly(ids.get(3), ids.get(9), ids.get(1), ids.get(2), ids.get(3));
    p = listening.editPlaylist(a(), id, PlaylistEdit.removeAll(List.of(0, 4))).block();
    assertThat(p.trackIds()).containsExactly(ids.get(9), ids.get(1), ids.get(2));
    p =
        listening
            .editPlaylist(
                a(),
                id,
                PlaylistEdit.details("Renamed", "a comment", true)
                    .then(PlaylistEdit.replace(List.of(ids.get(5)))))
            .block();
    assertThat(p.trackIds()).containsExactly(ids.get(5));
    assertThat(p.summary().name()).isEqualTo("Renamed");
    assertThat(p.summary().comment()).isEqualTo("a comment");
    assertThat(p.summary().isPublic()).isTrue();
    assertThat(p.summary().durationMs()).isEqualTo(180_000);
    assertThat(p.version()).isEqualTo(7);
    assertThat(p.summary().changedAt()).isEqualTo(START);

    assertThatThrownBy(() -> listening.editPlaylist(a(), id, PlaylistEdit.remove(1)).block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(400));
    assertThatThrownBy(
            () -> listening.editPlaylist(a(), id, PlaylistEdit.details(" ", null, null)).block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(400));
    // an edit that changes nothing writes nothing
    assertThat(
            listening
                .editPlaylist(a(), id, PlaylistEdit.details("Renamed", null, null))
                .block()
                .version())
        .isEqualTo(7);
  }

  @Test
  void aStaleIfMatchIs412AndTheCurrentOneApplies() {
    Playlist p = listening.createPlaylist(ALICE, "P", null, false, List.of()).block();
    listening.editPlaylist(a(), p.id(), PlaylistEdit.details("Q", null, null)).block();
    assertThatThrownBy(
            () ->
                listening
                    .editPlaylist(
                        a(), p.id(), PlaylistEdit.details("R", null, null), IfMatch.of("\"1\""))
                    .block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(412));
    assertThat(
            listening
                .editPlaylist(
                    a(), p.id(), PlaylistEdit.details("R", null, null), IfMatch.of("\"2\""))
                .block()
                .summary()
                .name())
        .isEqualTo("R");
    assertThatThrownBy(() -> listening.deletePlaylist(a(), p.id(), IfMatch.of("\"2\"")).block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(412));
  }

  @Test
  void aPlaylistOfFiveThousandEntriesIsStoredInChunksFarBelowTheItemLimit() {
    Catalog big = MusicFixtures.catalog(100, 50);
    catalog.set(big);
    List<String> ids = MusicFixtures.trackIds(big);
    assertThat(ids).hasSize(5_000);
    Playlist p = listening.createPlaylist(ALICE, "Everything", null, true, ids).block();

    List<ItemStore.Item> chunks =
        store.query("playlist#" + p.id(), "chunk#", null, 1_000).collectList().block();
    assertThat(chunks).hasSize(5_000 / Playlists.CHUNK);
    for (ItemStore.Item chunk : chunks) {
      assertThat(size(chunk)).isLessThan(400 * 1024 / 20);
    }
    assertThat(size(store.get("playlists", p.id()).block().orElseThrow())).isLessThan(4 * 1024);

    // an entry moved from the end to the front shifts every chunk; an append only the last one
    Playlist moved = listening.editPlaylist(a(), p.id(), PlaylistEdit.move(4_999, 0)).block();
    List<String> expected = new ArrayList<>(ids);
    expected.add(0, expected.remove(4_999));
    assertThat(moved.trackIds()).isEqualTo(expected);
    Playlist appended =
        listening.editPlaylist(a(), p.id(), PlaylistEdit.append(List.of(ids.get(7)))).block();
    expected.add(ids.get(7));
    assertThat(listening.playlist(BOB.id(), p.id()).block().trackIds()).isEqualTo(expected);
    assertThat(appended.summary().entryCount()).isEqualTo(5_001);
    // old chunks are gone: 10 full ones and the one with the appended entry
    assertThat(store.query("playlist#" + p.id(), "chunk#", null, 1_000).collectList().block())
        .hasSize(11);

    assertThatThrownBy(
            () ->
                listening
                    .editPlaylist(
                        a(),
                        p.id(),
                        PlaylistEdit.append(ids.subList(0, Playlists.MAX_ENTRIES - 5_000)))
                    .block())
        .satisfies(e -> assertThat(status(e)).isEqualTo(400));
  }

  @Test
  void forgettingAListenerRemovesAllTheirMusicData() {
    String id = tracks.get(0).id();
    listening.star(a(), ItemKind.TRACK, id).block();
    listening.scrobble(a(), id, null, "c").block();
    listening.nowPlaying(ALICE, id, "c").block();
    listening.savePlayQueue(a(), List.of(id), null, 0, "c").block();
    Playlist p = listening.createPlaylist(ALICE, "P", null, true, List.of(id)).block();
    listening.createPlaylist(BOB, "B", null, true, List.of(id)).block();

    listening.forget(a()).block();

    assertThat(store.query("user#" + a(), "", null, 100).collectList().block()).isEmpty();
    assertThat(store.query("playlist#" + p.id(), "", null, 100).collectList().block()).isEmpty();
    assertThat(listening.nowPlaying().collectList().block()).isEmpty();
    assertThat(listening.playlists(BOB.id()).map(PlaylistSummary::name).collectList().block())
        .containsExactly("B");
  }

  /** Bytes of an item as DynamoDB counts them: names and values of its attributes and keys. */
  static int size(ItemStore.Item item) {
    int size = item.pk().length() + item.sk().length() + 20;
    for (Map.Entry<String, String> a : item.attributes().entrySet()) {
      size += a.getKey().length() + a.getValue().length();
    }
    return size;
  }
}
