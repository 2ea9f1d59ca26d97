package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.library.Library;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The server and the caller: {@code ping}, {@code getLicense}, {@code getOpenSubsonicExtensions}
 * (public), {@code getUser}, {@code getMusicFolders}, {@code getScanStatus} and {@code startScan}
 * (admins only).
 */
@Component
class SystemEndpoints implements SubsonicEndpoints {

  /** The one music folder: the library root. */
  static final int MUSIC_FOLDER_ID = 1;

  /** The extensions implemented, each at version 1. */
  static final List<String> EXTENSIONS = List.of("formPost", "apiKeyAuthentication", "songLyrics");

  private final Library library;
  private final SubsonicCatalog catalog;

  SystemEndpoints(Library library, SubsonicCatalog catalog) {
    this.library = library;
    this.catalog = catalog;
  }

  @Override
  public void register(SubsonicMethods.Registry registry) {
    registry.add("ping", call -> Mono.just(SubsonicReply.ok()));
    registry.add(
        "getLicense", call -> Mono.just(SubsonicReply.of(Node.of("license").attr("valid", true))));
    registry.addPublic("getOpenSubsonicExtensions", params -> Mono.just(extensions()));
    registry.add("getUser", call -> Mono.just(user(call)));
    registry.add("getMusicFolders", call -> Mono.just(musicFolders()));
    registry.add("getScanStatus", call -> Mono.just(SubsonicReply.of(scanStatus(false))));
    registry.add("startScan", this::startScan);
  }

  private static SubsonicReply extensions() {
    return SubsonicReply.ofList(
        "openSubsonicExtensions",
        EXTENSIONS.stream()
            .map(
                name ->
                    Node.of("openSubsonicExtensions")
                        .attr("name", name)
                        .values("versions", List.of(1)))
            .toList());
  }

  private SubsonicReply musicFolders() {
    return SubsonicReply.of(
        Node.of("musicFolders")
            .list(
                "musicFolder",
                List.of(
                    Node.of("musicFolder")
                        .attr("id", MUSIC_FOLDER_ID)
                        .attr("name", folderName()))));
  }

  private String folderName() {
    var name = library.root().getFileName();
    return name == null ? "Music" : name.toString();
  }

  /**
   * The caller, with the spec's roles as a listener has them: everyone streams, downloads, sees
   * covers and keeps playlists; admins also administer. Only the caller can be asked for (others:
   * error 50 for non-admins; admins look users up through the native API).
   */
  private static SubsonicReply user(SubsonicCall call) {
    Listener me = call.listener();
    String asked =
        call.params().optional("username").filter(u -> !u.isEmpty()).orElse(me.username());
    if (!asked.equals(me.username())) {
      if (!me.admin()) {
        throw SubsonicError.notAuthorized("only admins may look up other users");
      }
      throw SubsonicError.generic(
          "getUser answers for the caller only; admins list users at /api/v1/users");
    }
    boolean admin = me.admin();
    return SubsonicReply.of(
        Node.of("user")
            .attr("username", me.username())
            .attr("scrobblingEnabled", true)
            .attr("adminRole", admin)
            .attr("settingsRole", true)
            .attr("downloadRole", true)
            .attr("uploadRole", false)
            .attr("playlistRole", true)
            .attr("coverArtRole", admin)
            .attr("commentRole", false)
            .attr("podcastRole", false)
            .attr("streamRole", true)
            .attr("jukeboxRole", false)
            .attr("shareRole", false)
            .attr("videoConversionRole", false)
            .values("folder", List.of(MUSIC_FOLDER_ID)));
  }

  private Node scanStatus(boolean started) {
    Node status =
        Node.of("scanStatus")
            .attr("scanning", started || library.scanning())
            .attr("count", (long) catalog.current().catalog().tracks().size());
    library.lastScan().ifPresent(r -> status.attr("lastScan", r.startedAt().plus(r.duration())));
    return status;
  }

  private Mono<SubsonicReply> startScan(SubsonicCall call) {
    if (!call.listener().admin()) {
      throw SubsonicError.notAuthorized("only admins may start a scan");
    }
    library.rescan();
    return Mono.just(SubsonicReply.of(scanStatus(true)));
  }
}
