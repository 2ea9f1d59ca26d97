package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.account.Users;
import dev.cadenza.stream.library.Library;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The server and the caller: {@code ping}, {@code getLicense}, {@code getOpenSubsonicExtensions}
 * (public), {@code getUser}, {@code getUsers}, {@code getMusicFolders}, {@code getScanStatus} and
 * {@code startScan} (admins only).
 */
@Component
class SystemEndpoints implements SubsonicEndpoints {

  /** The one music folder: the library root. */
  static final int MUSIC_FOLDER_ID = 1;

  /** The extensions implemented, each at version 1. */
  static final List<String> EXTENSIONS =
      List.of(
          "formPost",
          "apiKeyAuthentication",
          "songLyrics",
          "sonicSimilarity",
          "transcodeOffset",
          "transcoding");

  private final Library library;
  private final SubsonicCatalog catalog;
  private final ObjectProvider<Users> users;

  SystemEndpoints(Library library, SubsonicCatalog catalog, ObjectProvider<Users> users) {
    this.library = library;
    this.catalog = catalog;
    this.users = users;
  }

  @Override
  public void register(SubsonicMethods.Registry registry) {
    registry.add("ping", call -> Mono.just(SubsonicReply.ok()));
    registry.add(
        "getLicense", call -> Mono.just(SubsonicReply.of(Node.of("license").attr("valid", true))));
    registry.addPublic("getOpenSubsonicExtensions", params -> Mono.just(extensions()));
    registry.add("getUser", this::user);
    registry.add("getUsers", this::users);
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
   * A user with the spec's roles as a listener has them: everyone streams, downloads, sees covers,
   * scrobbles and keeps playlists; admins also administer (and change covers). {@code maxBitRate}
   * is the user's limit, 0 for none, as in Subsonic. The caller may ask for themselves; admins for
   * anyone (error 70 for an unknown name).
   */
  private Mono<SubsonicReply> user(SubsonicCall call) {
    Listener me = call.listener();
    String asked =
        call.params().optional("username").filter(u -> !u.isEmpty()).orElse(me.username());
    if (asked.equalsIgnoreCase(me.username())) {
      return Mono.just(SubsonicReply.of(user(me)));
    }
    if (!me.admin()) {
      throw SubsonicError.notAuthorized("only admins may look up other users");
    }
    return someone(users, asked).map(u -> SubsonicReply.of(user(u)));
  }

  /** Every user; admins only. */
  private Mono<SubsonicReply> users(SubsonicCall call) {
    if (!call.listener().admin()) {
      throw SubsonicError.notAuthorized("only admins may list users");
    }
    Users all = users.getIfAvailable();
    if (all == null) {
      return Mono.just(
          SubsonicReply.of(Node.of("users").list("user", List.of(user(call.listener())))));
    }
    return all.listeners()
        .map(SystemEndpoints::user)
        .collectList()
        .map(list -> SubsonicReply.of(Node.of("users").list("user", list)));
  }

  /** The user named {@code username}, or error 70. */
  static Mono<Listener> someone(ObjectProvider<Users> users, String username) {
    Users all = users.getIfAvailable();
    if (all == null) {
      return Mono.error(SubsonicError.notFound("user", username));
    }
    return all.listener(username)
        .map(found -> found.orElseThrow(() -> SubsonicError.notFound("user", username)));
  }

  private static Node user(Listener u) {
    boolean admin = u.admin();
    return Node.of("user")
        .attr("username", u.username())
        .attr("scrobblingEnabled", true)
        .attr("maxBitRate", u.maxBitRate())
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
        .values("folder", List.of(MUSIC_FOLDER_ID));
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
