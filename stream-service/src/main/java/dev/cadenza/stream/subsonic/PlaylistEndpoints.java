package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.account.Users;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.listening.Listening;
import dev.cadenza.stream.listening.Playlist;
import dev.cadenza.stream.listening.PlaylistEdit;
import dev.cadenza.stream.listening.PlaylistSummary;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Playlists: {@code getPlaylists}, {@code getPlaylist}, {@code createPlaylist}, {@code
 * updatePlaylist} and {@code deletePlaylist}, over {@link Listening}.
 *
 * <p>A playlist keeps entries whose tracks have left the library (their place matters to the native
 * API); Subsonic has no way to show them, so they are left out here, and {@code songIndexToRemove}
 * counts the entries shown: each index is mapped back to the stored entry when the change is
 * applied (and again from a fresh read should another change win a race).
 */
@Component
class PlaylistEndpoints implements SubsonicEndpoints {

  private final SubsonicCatalog catalog;
  private final SubsonicViews views;
  private final Listening listening;
  private final ObjectProvider<Users> users;

  PlaylistEndpoints(
      SubsonicCatalog catalog,
      SubsonicViews views,
      Listening listening,
      ObjectProvider<Users> users) {
    this.catalog = catalog;
    this.views = views;
    this.listening = listening;
    this.users = users;
  }

  @Override
  public void register(SubsonicMethods.Registry registry) {
    registry.add("getPlaylists", this::playlists);
    registry.add("getPlaylist", this::playlist);
    registry.add("createPlaylist", this::create);
    registry.add("updatePlaylist", this::update);
    registry.add("deletePlaylist", this::delete);
  }

  /**
   * The caller's own playlists and everyone's public ones; an admin's {@code username} of someone
   * else lists that user's own playlists (private ones too).
   */
  private Mono<SubsonicReply> playlists(SubsonicCall call) {
    Listener me = call.listener();
    String asked =
        call.params().optional("username").filter(u -> !u.isEmpty()).orElse(me.username());
    Mono<List<PlaylistSummary>> found;
    if (asked.equalsIgnoreCase(me.username())) {
      found = listening.playlists(me.id()).collectList();
    } else {
      if (!me.admin()) {
        throw SubsonicError.notAuthorized("only admins may list other users' playlists");
      }
      found =
          SystemEndpoints.someone(users, asked)
              .flatMap(
                  other ->
                      listening
                          .playlists(other.id())
                          .filter(p -> p.ownerId().equals(other.id()))
                          .collectList());
    }
    return found.map(
        list ->
            SubsonicReply.of(
                Node.of("playlists")
                    .list(
                        "playlist",
                        list.stream()
                            .map(p -> summary(p, me, p.entryCount(), p.durationMs(), null))
                            .toList())));
  }

  private Mono<SubsonicReply> playlist(SubsonicCall call) {
    String id = call.params().required("id");
    return listening
        .playlist(call.listener().id(), id)
        .flatMap(p -> withEntries(p, call.listener()))
        .map(SubsonicReply::of);
  }

  /**
   * A new playlist named {@code name} with the {@code songId}s; or, with {@code playlistId}, that
   * playlist's entries replaced by them (and its name, if given). Answers the playlist.
   */
  private Mono<SubsonicReply> create(SubsonicCall call) {
    SubsonicParams params = call.params();
    List<String> songs = params.values("songId");
    String name = params.optional("name").filter(n -> !n.isBlank()).orElse(null);
    Listener me = call.listener();
    Mono<Playlist> done;
    if (params.optional("playlistId").filter(p -> !p.isEmpty()).isPresent()) {
      PlaylistEdit edit = PlaylistEdit.replace(songs);
      if (name != null) {
        edit = PlaylistEdit.details(name, null, null).then(edit);
      }
      done = listening.editPlaylist(me.id(), params.required("playlistId"), edit);
    } else {
      if (name == null) {
        throw SubsonicError.missing("name (or playlistId)");
      }
      done = listening.createPlaylist(me, name, null, false, songs);
    }
    return done.flatMap(p -> withEntries(p, me)).map(SubsonicReply::of);
  }

  /**
   * Changes {@code name}, {@code comment} and {@code public} if given, removes the entries at
   * {@code songIndexToRemove} (as shown), then appends {@code songIdToAdd}: in that order, as
   * Navidrome does.
   */
  private Mono<SubsonicReply> update(SubsonicCall call) {
    SubsonicParams params = call.params();
    String id = params.required("playlistId");
    String name = params.optional("name").filter(n -> !n.isBlank()).orElse(null);
    String comment = params.optional("comment").orElse(null);
    Boolean isPublic =
        params.optional("public").filter(v -> !v.isBlank()).isPresent()
            ? params.bool("public", false)
            : null;
    List<Integer> remove = params.integers("songIndexToRemove");
    List<String> add = params.values("songIdToAdd");
    PlaylistEdit edit = PlaylistEdit.details(name, comment, isPublic);
    if (!remove.isEmpty()) {
      edit = edit.then(removeShown(remove, catalog.current().catalog()));
    }
    if (!add.isEmpty()) {
      edit = edit.then(PlaylistEdit.append(add));
    }
    return listening.editPlaylist(call.listener().id(), id, edit).thenReturn(SubsonicReply.ok());
  }

  /** Removes the entries at {@code shown}, indices among the entries whose tracks are there. */
  static PlaylistEdit removeShown(List<Integer> shown, Catalog catalog) {
    return draft -> {
      List<Integer> stored = new ArrayList<>();
      List<String> entries = draft.trackIds();
      for (int i = 0; i < entries.size(); i++) {
        if (catalog.track(entries.get(i)).isPresent()) {
          stored.add(i);
        }
      }
      List<Integer> indices = new ArrayList<>(shown.size());
      for (int index : shown) {
        if (index < 0 || index >= stored.size()) {
          throw SubsonicError.invalid(
              "songIndexToRemove",
              Integer.toString(index),
              stored.isEmpty()
                  ? "an entry's index (there are none)"
                  : "0 to " + (stored.size() - 1));
        }
        indices.add(stored.get(index));
      }
      return PlaylistEdit.removeAll(indices).apply(draft);
    };
  }

  private Mono<SubsonicReply> delete(SubsonicCall call) {
    return listening
        .deletePlaylist(call.listener().id(), call.params().required("id"))
        .thenReturn(SubsonicReply.ok());
  }

  /** The playlist with its entries: those whose tracks are in the library. */
  private Mono<Node> withEntries(Playlist p, Listener me) {
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    List<Track> tracks = AnnotationEndpoints.present(p.trackIds(), snapshot.catalog()::track);
    long durationMs =
        tracks.stream()
            .mapToLong(t -> t.tags().durationMs() == null ? 0 : t.tags().durationMs())
            .sum();
    String cover = tracks.isEmpty() ? null : tracks.get(0).id();
    return views
        .songs("entry", snapshot, tracks, me)
        .map(
            entries ->
                summary(p.summary(), me, tracks.size(), durationMs, cover).list("entry", entries));
  }

  private static Node summary(
      PlaylistSummary p, Listener me, int songCount, long durationMs, String coverArt) {
    return Node.of("playlist")
        .attr("id", p.id())
        .attr("name", p.name())
        .attr("comment", p.comment())
        .attr("owner", p.ownerName())
        .attr("public", p.isPublic())
        .attr("songCount", songCount)
        .attr("duration", (int) Math.round(durationMs / 1000.0))
        .attr("created", p.createdAt())
        .attr("changed", p.changedAt())
        .attr("coverArt", coverArt)
        .attr("readonly", !p.ownerId().equals(me.id()));
  }
}
