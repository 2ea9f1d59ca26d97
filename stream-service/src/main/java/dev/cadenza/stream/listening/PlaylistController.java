package dev.cadenza.stream.listening;

import dev.cadenza.protocol.Api;
import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.listening.ListeningViews.ListView;
import dev.cadenza.stream.listening.ListeningViews.PlaylistView;
import dev.cadenza.stream.web.IfMatch;
import dev.cadenza.stream.web.JsonBody;
import dev.cadenza.stream.web.Problems;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Playlists over HTTP: the listener's own and everyone's public ones. Every answer that shows a
 * playlist carries its version as the ETag; changes accept it in {@code If-Match} (412 when stale),
 * so a client can edit optimistically. Without {@code If-Match} a change is applied to whatever the
 * playlist is when it arrives: none is lost, concurrent ones apply one after another.
 */
@RestController
@RequestMapping(path = Api.PLAYLISTS, produces = MediaType.APPLICATION_JSON_VALUE)
public class PlaylistController {

  private static final String MERGE_PATCH = "application/merge-patch+json";

  private final Listening listening;
  private final Library library;
  private final JsonMapper json;

  PlaylistController(Listening listening, Library library, JsonMapper json) {
    this.listening = listening;
    this.library = library;
    this.json = json;
  }

  @GetMapping
  public Mono<ListView<PlaylistView>> list(Listener listener) {
    return listening
        .playlists(listener.id())
        .map(PlaylistView::summary)
        .collectList()
        .map(items -> new ListView<>(items, null));
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  public Mono<ResponseEntity<PlaylistView>> create(
      Listener listener, @RequestBody(required = false) String body) {
    return Mono.defer(
            () -> {
              JsonBody b =
                  JsonBody.object(json, body, "Playlist", "name", "comment", "public", "trackIds");
              List<String> trackIds = b.strings("trackIds");
              return listening.createPlaylist(
                  listener,
                  b.string("name"),
                  b.string("comment"),
                  Boolean.TRUE.equals(b.bool("public")),
                  trackIds == null ? List.of() : trackIds);
            })
        .map(
            p ->
                ResponseEntity.created(URI.create(Api.playlist(p.id())))
                    .eTag(etag(p))
                    .body(view(p)));
  }

  @GetMapping("/{id}")
  public Mono<ResponseEntity<PlaylistView>> get(
      Listener listener,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
    return listening
        .playlist(listener.id(), id)
        .map(
            p -> {
              IfMatch unchanged = IfMatch.of(ifNoneMatch);
              if (unchanged != null && unchanged.matchesWeakly(p.version())) {
                return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag(p)).build();
              }
              return ok(p);
            });
  }

  /** Name, comment ({@code null} or empty removes it) and {@code public}, as a merge patch. */
  @PatchMapping(
      path = "/{id}",
      consumes = {MediaType.APPLICATION_JSON_VALUE, MERGE_PATCH})
  public Mono<ResponseEntity<PlaylistView>> update(
      Listener listener,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @RequestBody(required = false) String body) {
    return edit(
        listener,
        id,
        ifMatch,
        () -> {
          JsonBody b = JsonBody.object(json, body, "PlaylistPatch", "name", "comment", "public");
          if (b.has("name") && b.string("name") == null) {
            throw Problems.invalidBody("name", "A playlist keeps a name: 'name' cannot be null.");
          }
          if (b.has("public") && b.bool("public") == null) {
            throw Problems.invalidBody("public", "Field 'public' is true or false, not null.");
          }
          String comment =
              b.has("comment") && b.string("comment") == null ? "" : b.string("comment");
          return PlaylistEdit.details(b.string("name"), comment, b.bool("public"));
        });
  }

  @DeleteMapping("/{id}")
  public Mono<ResponseEntity<Void>> delete(
      Listener listener,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return listening
        .deletePlaylist(listener.id(), id, IfMatch.of(ifMatch))
        .thenReturn(ResponseEntity.noContent().build());
  }

  /** Replaces all entries with {@code trackIds}. */
  @PutMapping(path = "/{id}/entries", consumes = MediaType.APPLICATION_JSON_VALUE)
  public Mono<ResponseEntity<PlaylistView>> replaceEntries(
      Listener listener,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @RequestBody(required = false) String body) {
    return edit(
        listener,
        id,
        ifMatch,
        () -> PlaylistEdit.replace(trackIds(JsonBody.object(json, body, "Entries", "trackIds"))));
  }

  /** Inserts {@code trackIds} before entry {@code index}, or appends them without one. */
  @PostMapping(path = "/{id}/entries", consumes = MediaType.APPLICATION_JSON_VALUE)
  public Mono<ResponseEntity<PlaylistView>> addEntries(
      Listener listener,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @RequestBody(required = false) String body) {
    return edit(
        listener,
        id,
        ifMatch,
        () -> {
          JsonBody b = JsonBody.object(json, body, "NewEntries", "trackIds", "index");
          List<String> trackIds = trackIds(b);
          Long index = b.integer("index", "an entry index");
          return index == null
              ? PlaylistEdit.append(trackIds)
              : PlaylistEdit.insert(index(index), trackIds);
        });
  }

  @DeleteMapping("/{id}/entries/{index}")
  public Mono<ResponseEntity<PlaylistView>> removeEntry(
      Listener listener,
      @PathVariable String id,
      @PathVariable String index,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return edit(listener, id, ifMatch, () -> PlaylistEdit.remove(pathIndex(index)));
  }

  /** Moves entry {@code index} to the body's {@code index}: {@code {"index": 0}} makes it first. */
  @PatchMapping(
      path = "/{id}/entries/{index}",
      consumes = {MediaType.APPLICATION_JSON_VALUE, MERGE_PATCH})
  public Mono<ResponseEntity<PlaylistView>> moveEntry(
      Listener listener,
      @PathVariable String id,
      @PathVariable String index,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @RequestBody(required = false) String body) {
    return edit(
        listener,
        id,
        ifMatch,
        () -> {
          int from = pathIndex(index);
          Long to =
              JsonBody.object(json, body, "EntryMove", "index").integer("index", "an entry index");
          if (to == null) {
            throw Problems.invalidBody("index", "Field 'index' is required: where the entry goes.");
          }
          return PlaylistEdit.move(from, index(to));
        });
  }

  // --- helpers -------------------------------------------------------------------------------

  private Mono<ResponseEntity<PlaylistView>> edit(
      Listener listener, String id, String ifMatch, Supplier<PlaylistEdit> edit) {
    return Mono.defer(
            () -> listening.editPlaylist(listener.id(), id, edit.get(), IfMatch.of(ifMatch)))
        .map(this::ok);
  }

  private static List<String> trackIds(JsonBody b) {
    List<String> trackIds = b.strings("trackIds");
    if (trackIds == null) {
      throw Problems.invalidBody("trackIds", "Field 'trackIds' is required.");
    }
    return trackIds;
  }

  private static int index(long index) {
    if (index < 0 || index > Playlists.MAX_ENTRIES) {
      throw Problems.invalidBody(
          "index", "Index " + index + " is out of range: entries count from 0.");
    }
    return (int) index;
  }

  private static int pathIndex(String index) {
    try {
      return Integer.parseInt(index);
    } catch (NumberFormatException e) {
      throw Problems.badParameter("index", index, "must be an entry index, a whole number");
    }
  }

  private ResponseEntity<PlaylistView> ok(Playlist p) {
    return ResponseEntity.ok().eTag(etag(p)).body(view(p));
  }

  private PlaylistView view(Playlist p) {
    return PlaylistView.of(p, library.catalog());
  }

  private static String etag(Playlist p) {
    return "\"" + p.version() + "\"";
  }
}
