package dev.cadenza.stream.subsonic;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.DocumentContext;
import dev.cadenza.stream.testsupport.TestAudio;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A full sync the way offline clients do it: {@code search3} with an empty query, page after page,
 * over a generated library of a few thousand tracks, gets every song and album exactly once; and a
 * non-empty query matches case-insensitively.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "cadenza.library.rescan-interval=0",
      "cadenza.metadata.embeddings=false"
    })
@Import(TestListeners.class)
@DirtiesContext
class SubsonicSearchPagingTest {

  static final int ALBUMS = 120;
  static final int TRACKS_PER_ALBUM = 25;

  @TempDir static Path tmp;

  /** Untagged WAVs: an album per folder, titles from the file names. */
  @DynamicPropertySource
  static void library(DynamicPropertyRegistry registry) {
    Path library = tmp.resolve("library");
    for (int a = 0; a < ALBUMS; a++) {
      for (int t = 0; t < TRACKS_PER_ALBUM; t++) {
        TestAudio.wav(
            library.resolve(String.format("Various/Album %03d/Track %03d-%02d.wav", a, a, t)),
            1024,
            a * 100L + t);
      }
    }
    registry.add("cadenza.library.path", library::toString);
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  private SubsonicClient api;

  @BeforeEach
  void ready() {
    api = new SubsonicClient(port, managementPort);
  }

  @Test
  void anEmptyQueryPagesThroughEverySongAndAlbumOnce() {
    List<String> songs = new ArrayList<>();
    List<String> albums = new ArrayList<>();
    int pageSize = 200;
    for (int offset = 0; ; offset += pageSize) {
      DocumentContext page =
          api.json(
              "search3",
              "query",
              "",
              "artistCount",
              "0",
              "albumCount",
              Integer.toString(pageSize / 10),
              "albumOffset",
              Integer.toString(offset / 10),
              "songCount",
              Integer.toString(pageSize),
              "songOffset",
              Integer.toString(offset));
      List<String> songIds = ids(page, "song");
      List<String> albumIds = ids(page, "album");
      songs.addAll(songIds);
      albums.addAll(albumIds);
      if (songIds.size() < pageSize) {
        break;
      }
    }

    assertThat(songs).hasSize(ALBUMS * TRACKS_PER_ALBUM);
    assertThat(new HashSet<>(songs)).hasSize(songs.size());
    assertThat(albums).hasSize(ALBUMS).doesNotHaveDuplicates();
  }

  /** The ids of one kind in a page; JSON leaves an empty kind out. */
  @SuppressWarnings("unchecked")
  private static List<String> ids(DocumentContext page, String kind) {
    Map<String, Object> result = page.read("$.searchResult3");
    List<Map<String, Object>> items =
        (List<Map<String, Object>>) result.getOrDefault(kind, List.of());
    return items.stream().map(i -> (String) i.get("id")).toList();
  }

  @Test
  void quotesAroundAnEmptyQueryStillMeanEverything() {
    DocumentContext r =
        api.json("search3", "query", "\"\"", "songCount", "10", "songOffset", "2995");

    assertThat(SubsonicClient.array(r, "$.searchResult3.song")).hasSize(5);
  }

  @Test
  void aQueryMatchesCaseInsensitivelyAndPages() {
    DocumentContext r =
        api.json("search3", "query", "album 042", "songCount", "10", "songOffset", "20");

    List<String> titles = r.read("$.searchResult3.song[*].title");
    assertThat(titles).hasSize(5).allMatch(t -> t.startsWith("Track 042-"));
    assertThat(SubsonicClient.array(r, "$.searchResult3.album[*].name"))
        .containsExactly("Album 042");
    Set<String> lower =
        new HashSet<>(
            api.json("search3", "query", "TRACK 007-1").read("$.searchResult3.song[*].title"));
    assertThat(lower).hasSize(10);
  }

  @Test
  void search2PagesTheSameWayWithAlbumsAsFolders() {
    DocumentContext r = api.json("search2", "query", "", "albumCount", "7", "albumOffset", "118");

    List<Boolean> dirs = r.read("$.searchResult2.album[*].isDir");
    assertThat(dirs).hasSize(2).containsOnly(true);
  }
}
