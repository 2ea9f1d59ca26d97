package dev.cadenza.stream.subsonic;

import static dev.cadenza.stream.subsonic.SubsonicClient.assertFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.DocumentContext;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.library.ReplayGainFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Browsing the demo library through the OpenSubsonic API: by tags (artists, albums, songs, genres,
 * album lists) and by folders (artist, then album, then songs), with the spec's names and types in
 * JSON and XML.
 */
class SubsonicBrowseTest extends SubsonicServiceTest {

  @DynamicPropertySource
  static void library(DynamicPropertyRegistry registry) throws Exception {
    Path library = SubsonicFixtures.demoLibrary(tmp);
    ReplayGainFixtures.write(library.resolve(LibraryFixtures.FIRST_LIGHT), ReplayGainFixtures.TAGS);
    registry.add("cadenza.library.path", library::toString);
  }

  private static final String AURORA = Ids.artist("Aurora Lane");
  private static final String QUIET = Ids.artist("The Quiet Modes");
  private static final String DAWN = Ids.album("Aurora Lane", "Dawn Sketches");
  private static final String FIRST_LIGHT = Ids.track(LibraryFixtures.FIRST_LIGHT);

  @Test
  void getArtistsIndexesByLetterIgnoringArticles() {
    DocumentContext r = api.json("getArtists");

    assertThat(r.read("$.artists.ignoredArticles", String.class)).contains("The");
    List<String> letters = r.read("$.artists.index[*].name");
    assertThat(letters).containsExactly("A", "Q");
    assertThat(r.read("$.artists.index[1].artist[0].name", String.class))
        .isEqualTo("The Quiet Modes");
    assertThat(r.read("$.artists.index[0].artist[0].albumCount", Object.class)).isEqualTo(2);
    assertThat(r.read("$.artists.index[0].artist[0].id", Object.class)).isEqualTo(AURORA);
  }

  @Test
  void getArtistListsTheirAlbumsAsAlbumId3() {
    DocumentContext r = api.json("getArtist", "id", AURORA);

    assertThat(r.read("$.artist.name", String.class)).isEqualTo("Aurora Lane");
    List<Map<String, Object>> albums = r.read("$.artist.album");
    assertThat(albums).extracting(a -> a.get("name")).containsExactly("Dawn Sketches", "Tides");
    assertThat(albums.get(0))
        .containsEntry("songCount", 3)
        .containsEntry("artistId", AURORA)
        .containsEntry("year", 2024)
        .containsKeys("created", "duration", "coverArt");
    assertThat((String) albums.get(0).get("created")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  @Test
  void getAlbumListsSongsWithTheSpecsFieldsAndTypes() {
    DocumentContext r = api.json("getAlbum", "id", DAWN);

    List<Map<String, Object>> songs = r.read("$.album.song");
    assertThat(songs)
        .extracting(s -> s.get("title"))
        .containsExactly("First Light", "Morning Fog", "Café Nocturne — Été");
    Map<String, Object> first = songs.get(0);
    assertThat(first)
        .containsEntry("id", FIRST_LIGHT)
        .containsEntry("parent", DAWN)
        .containsEntry("albumId", DAWN)
        .containsEntry("artistId", AURORA)
        .containsEntry("isDir", false)
        .containsEntry("album", "Dawn Sketches")
        .containsEntry("artist", "Aurora Lane")
        .containsEntry("track", 1)
        .containsEntry("year", 2024)
        .containsEntry("genre", "Ambient")
        .containsEntry("contentType", "audio/mpeg")
        .containsEntry("suffix", "mp3")
        .containsEntry("duration", 14)
        .containsEntry("samplingRate", 44100)
        .containsEntry("type", "music")
        .containsEntry("mediaType", "song")
        .containsEntry("path", LibraryFixtures.FIRST_LIGHT)
        .containsKeys("size", "bitRate", "coverArt", "created", "channelCount");
    assertThat(first.get("size")).isInstanceOf(Number.class);
    assertThat(first.get("genres")).isEqualTo(List.of(Map.of("name", "Ambient")));
    assertThat(first.get("replayGain"))
        .isEqualTo(
            Map.of(
                "trackGain",
                -6.48,
                "trackPeak",
                0.988553,
                "albumGain",
                -7.1,
                "albumPeak",
                1.02342));
    assertThat(songs.get(1).get("replayGain"))
        .as("on every song, empty when the file has none")
        .isEqualTo(Map.of());
  }

  @Test
  void getSongAnswersOneSongAndAnUnknownIdIsError70() {
    assertThat(api.json("getSong", "id", FIRST_LIGHT).read("$.song.title", String.class))
        .isEqualTo("First Light");
    assertFailed(api.json("getSong", "id", "AAAAAAAAAAAAAAAA"), 70);
    assertFailed(api.json("getAlbum", "id", FIRST_LIGHT), 70);
  }

  @Test
  void foldersGoFromArtistToAlbumToSongs() {
    DocumentContext indexes = api.json("getIndexes");
    assertThat(indexes.read("$.indexes.lastModified", Object.class)).isInstanceOf(Number.class);
    List<String> artistIds = indexes.read("$.indexes.index[*].artist[*].id");
    assertThat(artistIds).containsExactly(AURORA, QUIET);

    DocumentContext artistDir = api.json("getMusicDirectory", "id", AURORA);
    assertThat(artistDir.read("$.directory.name", String.class)).isEqualTo("Aurora Lane");
    List<Map<String, Object>> albums = artistDir.read("$.directory.child");
    assertThat(albums).extracting(c -> c.get("isDir")).containsOnly(true);
    assertThat(albums).extracting(c -> c.get("parent")).containsOnly(AURORA);

    DocumentContext albumDir =
        api.json("getMusicDirectory", "id", (String) albums.get(0).get("id"));
    assertThat(albumDir.read("$.directory.parent", String.class)).isEqualTo(AURORA);
    List<Object> songs = albumDir.read("$.directory.child[?(@.isDir == false)].id");
    assertThat(songs).hasSize(3).contains(FIRST_LIGHT);
  }

  @Test
  void anUnchangedIndexAnswersNoEntries() {
    long lastModified = api.json("getIndexes").read("$.indexes.lastModified", Long.class);

    DocumentContext r = api.json("getIndexes", "ifModifiedSince", Long.toString(lastModified));

    assertThat(SubsonicClient.object(r, "$.indexes")).doesNotContainKey("index");
  }

  @Test
  void getGenresCountsSongsAndAlbumsWithTheNameAsValue() {
    DocumentContext r = api.json("getGenres");

    List<Map<String, Object>> genres = r.read("$.genres.genre");
    assertThat(genres).contains(Map.of("songCount", 3, "albumCount", 1, "value", "Ambient"));
    Element xml = api.xml("getGenres");
    NodeList genre = xml.getElementsByTagNameNS(SubsonicResponses.NAMESPACE, "genre");
    assertThat(genre.getLength()).isEqualTo(genres.size());
    assertThat(((Element) genre.item(0)).getAttribute("songCount")).isNotEmpty();
  }

  @Test
  void albumListsSortPageAndFilter() {
    List<String> byName =
        api.json("getAlbumList2", "type", "alphabeticalByName", "size", "10")
            .read("$.albumList2.album[*].name");
    assertThat(byName).containsExactly("Dawn Sketches", "Seven Modes", "Tides");

    List<String> page =
        api.json("getAlbumList2", "type", "alphabeticalByName", "size", "1", "offset", "1")
            .read("$.albumList2.album[*].name");
    assertThat(page).containsExactly("Seven Modes");

    List<String> byArtist =
        api.json("getAlbumList2", "type", "alphabeticalByArtist")
            .read("$.albumList2.album[*].artist");
    assertThat(byArtist).containsExactly("Aurora Lane", "Aurora Lane", "The Quiet Modes");

    List<Integer> years =
        api.json("getAlbumList2", "type", "byYear", "fromYear", "2025", "toYear", "2024")
            .read("$.albumList2.album[*].year");
    assertThat(years).isSortedAccordingTo((a, b) -> b - a).contains(2024, 2025);

    List<String> electronic =
        api.json("getAlbumList2", "type", "byGenre", "genre", "electronic")
            .read("$.albumList2.album[*].name");
    assertThat(electronic).contains("Tides");

    assertThat(
            SubsonicClient.array(
                api.json("getAlbumList2", "type", "random", "size", "2"), "$.albumList2.album"))
        .hasSize(2);
    assertThat(
            SubsonicClient.array(api.json("getAlbumList2", "type", "newest"), "$.albumList2.album"))
        .hasSize(3);
  }

  @Test
  void listsRankedByUserDataAreEmptyUntilThereIsSome() {
    for (String type : List.of("highest", "frequent", "recent", "starred")) {
      DocumentContext r = api.json("getAlbumList2", "type", type);
      assertThat(r.read("$.status", String.class)).isEqualTo("ok");
      assertThat(SubsonicClient.object(r, "$.albumList2")).isEmpty();
    }
  }

  @Test
  void getAlbumListAnswersAlbumsAsFolders() {
    DocumentContext r = api.json("getAlbumList", "type", "alphabeticalByName");

    List<Map<String, Object>> albums = r.read("$.albumList.album");
    assertThat(albums).extracting(a -> a.get("isDir")).containsOnly(true);
    assertThat(albums)
        .extracting(a -> a.get("title"))
        .containsExactly("Dawn Sketches", "Seven Modes", "Tides");
  }

  @Test
  void randomSongsAndSongsByGenre() {
    List<Object> random = api.json("getRandomSongs", "size", "5").read("$.randomSongs.song");
    assertThat(random).hasSize(5);
    List<String> ambient =
        api.json("getSongsByGenre", "genre", "Ambient", "count", "2", "offset", "1")
            .read("$.songsByGenre.song[*].title");
    assertThat(ambient).containsExactly("Morning Fog", "Café Nocturne — Été");
    List<Integer> years =
        api.json("getRandomSongs", "size", "50", "fromYear", "2025")
            .read("$.randomSongs.song[*].year");
    assertThat(years).isNotEmpty().allMatch(y -> y >= 2025);
  }

  @Test
  void xmlCarriesTheSameItemsAsAttributesInTheNamespace() {
    Element root = api.xml("getAlbum", "id", DAWN);

    Element album =
        (Element) root.getElementsByTagNameNS(SubsonicResponses.NAMESPACE, "album").item(0);
    assertThat(album.getAttribute("name")).isEqualTo("Dawn Sketches");
    assertThat(album.getAttribute("songCount")).isEqualTo("3");
    NodeList songs = album.getElementsByTagNameNS(SubsonicResponses.NAMESPACE, "song");
    assertThat(songs.getLength()).isEqualTo(3);
    Element first = (Element) songs.item(0);
    assertThat(first.getAttribute("id")).isEqualTo(FIRST_LIGHT);
    assertThat(first.getAttribute("isDir")).isEqualTo("false");
    assertThat(first.getAttribute("duration")).isEqualTo("14");
    Element gain = replayGain((Element) songs.item(0));
    assertThat(gain.getAttribute("trackGain")).isEqualTo("-6.48");
    assertThat(gain.getAttribute("trackPeak")).isEqualTo("0.988553");
    assertThat(gain.getAttribute("albumGain")).isEqualTo("-7.1");
    assertThat(gain.getAttribute("albumPeak")).isEqualTo("1.02342");
    assertThat(gain.hasAttribute("baseGain")).isFalse();
    assertThat(replayGain((Element) songs.item(1)).getAttributes().getLength())
        .as("present and empty")
        .isZero();
  }

  private static Element replayGain(Element song) {
    NodeList found = song.getElementsByTagNameNS(SubsonicResponses.NAMESPACE, "replayGain");
    assertThat(found.getLength()).isEqualTo(1);
    return (Element) found.item(0);
  }

  @Test
  void artistAndAlbumInfoAreValidWithWhatIsKnownLocally() {
    DocumentContext artist = api.json("getArtistInfo2", "id", AURORA);
    assertThat(artist.read("$.status", String.class)).isEqualTo("ok");
    assertThat(SubsonicClient.object(artist, "$.artistInfo2")).doesNotContainKey("lastFmUrl");
    DocumentContext album = api.json("getAlbumInfo2", "id", DAWN);
    assertThat(album.read("$.status", String.class)).isEqualTo("ok");
    assertFailed(api.json("getAlbumInfo2", "id", AURORA), 70);
  }
}
