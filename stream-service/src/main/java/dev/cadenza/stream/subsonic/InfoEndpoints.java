package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.cache.SimilarTracks;
import dev.cadenza.stream.library.Album;
import dev.cadenza.stream.library.Artist;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Track;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What is known about items beyond their tags, all of it local: {@code getSimilarSongs} and {@code
 * getSimilarSongs2} from the track embeddings ({@link SimilarTracks}: title, artist, album and
 * genre text, not the audio), {@code getArtistInfo}/{@code getArtistInfo2} (similar artists from
 * the same embeddings, no biography or external links) and {@code getAlbumInfo}/{@code
 * getAlbumInfo2} (valid, empty: no notes or external links are kept).
 */
@Component
class InfoEndpoints implements SubsonicEndpoints {

  /** Seed songs an album or artist is compared by. */
  static final int SEEDS = 5;

  private final SubsonicCatalog catalog;
  private final SubsonicViews views;
  private final ObjectProvider<SimilarTracks> similar;

  /**
   * @param similar the first by {@code @Order} when there are several (as {@code LikelyNext}
   *     picks); none: no similar songs
   */
  InfoEndpoints(
      SubsonicCatalog catalog, SubsonicViews views, ObjectProvider<SimilarTracks> similar) {
    this.catalog = catalog;
    this.views = views;
    this.similar = similar;
  }

  @Override
  public void register(SubsonicMethods.Registry registry) {
    registry.add("getSimilarSongs", call -> similarSongs(call, "similarSongs"));
    registry.add("getSimilarSongs2", call -> similarSongs(call, "similarSongs2"));
    registry.add("getArtistInfo", call -> artistInfo(call, "artistInfo", false));
    registry.add("getArtistInfo2", call -> artistInfo(call, "artistInfo2", true));
    registry.add("getAlbumInfo", this::albumInfo);
    registry.add("getAlbumInfo2", this::albumInfo);
  }

  /** The songs a song, album or artist is compared by; error 70 for an unknown id. */
  private static List<Track> seeds(Catalog catalog, String id) {
    var track = catalog.track(id);
    if (track.isPresent()) {
      return List.of(track.get());
    }
    var album = catalog.album(id);
    if (album.isPresent()) {
      return album.get().tracks().stream().limit(SEEDS).toList();
    }
    var artist = catalog.artist(id);
    if (artist.isPresent()) {
      // one from each album first, so a prolific artist is not judged by one record
      List<Track> seeds = new ArrayList<>();
      for (int i = 0; seeds.size() < SEEDS; i++) {
        boolean any = false;
        for (Album a : artist.get().albums()) {
          if (i < a.tracks().size() && seeds.size() < SEEDS) {
            seeds.add(a.tracks().get(i));
            any = true;
          }
        }
        if (!any) {
          break;
        }
      }
      return seeds;
    }
    throw new SubsonicError(
        SubsonicError.NOT_FOUND,
        "No song, album or artist has id '" + SubsonicError.quote(id) + "'");
  }

  /** Up to {@code count} songs like the seeds, round-robin over them, the seeds left out. */
  private List<Track> similarTo(List<Track> seeds, int count) {
    Set<String> seen = new LinkedHashSet<>();
    seeds.forEach(t -> seen.add(t.id()));
    List<Iterator<Track>> lists = new ArrayList<>();
    SimilarTracks source = similar.orderedStream().findFirst().orElse(null);
    if (source == null) {
      return List.of();
    }
    for (Track seed : seeds) {
      lists.add(source.similarTo(seed, count + seeds.size()).iterator());
    }
    List<Track> out = new ArrayList<>();
    boolean progress = true;
    while (out.size() < count && progress) {
      progress = false;
      for (Iterator<Track> it : lists) {
        while (it.hasNext()) {
          Track t = it.next();
          if (seen.add(t.id())) {
            out.add(t);
            progress = true;
            break;
          }
        }
        if (out.size() == count) {
          break;
        }
      }
    }
    return out;
  }

  private Mono<SubsonicReply> similarSongs(SubsonicCall call, String element) {
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    List<Track> seeds = seeds(snapshot.catalog(), call.params().required("id"));
    int count = call.params().bounded("count", 50, 0, ListEndpoints.MAX_SIZE);
    return views
        .songs("song", snapshot, similarTo(seeds, count), call.listener())
        .map(songs -> SubsonicReply.of(Node.of(element).list("song", songs)));
  }

  private Mono<SubsonicReply> artistInfo(SubsonicCall call, String element, boolean id3) {
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    Artist artist = snapshot.artist(call.params().required("id"));
    int count = call.params().bounded("count", 20, 0, ListEndpoints.MAX_SIZE);
    Map<String, Artist> others = new LinkedHashMap<>();
    for (Track t : similarTo(seeds(snapshot.catalog(), artist.id()), count * SEEDS)) {
      Album album = snapshot.albumOf(t);
      if (!album.artistId().equals(artist.id()) && others.size() < count) {
        snapshot.catalog().artist(album.artistId()).ifPresent(a -> others.putIfAbsent(a.id(), a));
      }
    }
    List<Artist> similarArtists = List.copyOf(others.values());
    Mono<List<Node>> rendered =
        id3
            ? views.artists("similarArtist", similarArtists, call.listener())
            : views.artistFolders("similarArtist", similarArtists, call.listener());
    return rendered.map(nodes -> SubsonicReply.of(Node.of(element).list("similarArtist", nodes)));
  }

  private Mono<SubsonicReply> albumInfo(SubsonicCall call) {
    catalog.current().album(call.params().required("id"));
    return Mono.just(SubsonicReply.of(Node.of("albumInfo")));
  }
}
