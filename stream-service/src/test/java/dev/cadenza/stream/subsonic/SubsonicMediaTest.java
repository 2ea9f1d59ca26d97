package dev.cadenza.stream.subsonic;

import static dev.cadenza.stream.subsonic.SubsonicClient.assertFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.DocumentContext;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.testsupport.TestAudio;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * Media through the OpenSubsonic API: {@code stream} and {@code download} with byte ranges, the
 * bytes compared with the files; covers scaled down; lyrics read from tags written at test time.
 */
class SubsonicMediaTest extends SubsonicServiceTest {

  static final String TONE = "Test Artist/Big Cover/01 Tone.wav";
  static final String SYNCED = "Lyricist/Words/01 Synced.flac";
  static final String PLAIN = "Lyricist/Words/02 Plain.mp3";

  static Path library;

  @DynamicPropertySource
  static void library(DynamicPropertyRegistry registry) throws Exception {
    library = SubsonicFixtures.demoLibrary(tmp);
    TestAudio.wav(library.resolve(TONE), 200_000, 7);
    BufferedImage image = new BufferedImage(600, 400, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 600; x++) {
      for (int y = 0; y < 400; y++) {
        image.setRGB(x, y, (x * 255 / 600) << 16 | (y * 255 / 400) << 8);
      }
    }
    ImageIO.write(image, "png", library.resolve("Test Artist/Big Cover/cover.png").toFile());
    SubsonicFixtures.withLyrics(
        library,
        LibraryFixtures.MORNING_FOG,
        SYNCED,
        "Synced Song",
        "[ti:Synced Song]\n[offset:+250]\n[00:01.00]first line\n[00:02.50][00:04.00]chorus\n");
    SubsonicFixtures.withLyrics(
        library, LibraryFixtures.FIRST_LIGHT, PLAIN, "Plain Song", "line one\nline two\n");
    registry.add("cadenza.library.path", library::toString);
  }

  // --- stream and download -------------------------------------------------------------------

  @Test
  void streamServesTheWholeFile() throws Exception {
    byte[] file = Files.readAllBytes(library.resolve(LibraryFixtures.MORNING_FOG));

    EntityExchangeResult<byte[]> r =
        api.getOk(api.uri("stream.view", "id", Ids.track(LibraryFixtures.MORNING_FOG)))
            .expectHeader()
            .contentType("audio/flac")
            .expectHeader()
            .valueEquals("Accept-Ranges", "bytes")
            .expectBody()
            .returnResult();

    assertThat(r.getResponseBody()).isEqualTo(file);
  }

  @Test
  void streamAnswersARangeByteExactly() throws Exception {
    byte[] file = Files.readAllBytes(library.resolve(TONE));

    byte[] part =
        api.web()
            .get()
            .uri(api.uri("stream", "id", Ids.track(TONE)))
            .header("Range", "bytes=1000-140999")
            .exchange()
            .expectStatus()
            .isEqualTo(206)
            .expectHeader()
            .valueEquals("Content-Range", "bytes 1000-140999/" + file.length)
            .expectBody()
            .returnResult()
            .getResponseBody();

    assertThat(part).isEqualTo(Arrays.copyOfRange(file, 1000, 141_000));
  }

  @Test
  void streamTranscodesAsFormatAndMaxBitRateAsk() throws Exception {
    byte[] file = Files.readAllBytes(library.resolve(TONE));

    byte[] mp3 =
        api.getOk(api.uri("stream", "id", Ids.track(TONE), "format", "mp3", "maxBitRate", "128"))
            .expectHeader()
            .contentType("audio/mpeg")
            .expectHeader()
            .valueMatches("X-Transcoding", "mp3-128.*")
            .expectBody()
            .returnResult()
            .getResponseBody();
    assertThat(mp3).isNotEqualTo(file);
    // an MP3: an (empty) ID3v2 tag, then MPEG audio frames
    assertThat(new String(mp3, 0, 3, StandardCharsets.ISO_8859_1)).isEqualTo("ID3");
    int frame =
        10
            + ((mp3[6] & 0x7F) << 21
                | (mp3[7] & 0x7F) << 14
                | (mp3[8] & 0x7F) << 7
                | (mp3[9] & 0x7F));
    assertThat(mp3[frame]).as("frame sync").isEqualTo((byte) 0xFF);
    assertThat(mp3[frame + 1] & 0xE0).as("frame sync").isEqualTo(0xE0);

    // raw, or a format this server does not make, with no limit: the original
    for (String format : List.of("raw", "flacc")) {
      byte[] original =
          api.getOk(api.uri("stream", "id", Ids.track(TONE), "format", format))
              .expectHeader()
              .doesNotExist("X-Transcoding")
              .expectBody()
              .returnResult()
              .getResponseBody();
      assertThat(original).as(format).isEqualTo(file);
    }

    // a length announced for a transcode being made: the body is exactly that long
    EntityExchangeResult<byte[]> estimated =
        api.getOk(
                api.uri(
                    "stream",
                    "id",
                    Ids.track(TONE),
                    "format",
                    "mp3",
                    "maxBitRate",
                    "64",
                    "estimateContentLength",
                    "true"))
            .expectHeader()
            .valueMatches("X-Transcoding", "mp3-64.*")
            .expectBody()
            .returnResult();
    assertThat(estimated.getResponseHeaders().getContentLength())
        .isEqualTo(estimated.getResponseBody().length);

    // a start offset: a one-off transcode from there, shorter than the whole
    byte[] fromOne =
        api.getOk(
                api.uri(
                    "stream",
                    "id",
                    Ids.track(TONE),
                    "format",
                    "mp3",
                    "maxBitRate",
                    "128",
                    "timeOffset",
                    "1"))
            .expectHeader()
            .valueMatches("X-Transcoding", "mp3-128.*")
            .expectBody()
            .returnResult()
            .getResponseBody();
    assertThat(fromOne.length).isLessThan(mp3.length);
  }

  @Test
  void streamTakesItsParametersFromAFormPost() throws Exception {
    byte[] file = Files.readAllBytes(library.resolve(TONE));
    String form =
        "u=alice&p="
            + java.net.URLEncoder.encode(TestListeners.PASSWORD, StandardCharsets.UTF_8)
            + "&v=1.16.1&c=test&id="
            + Ids.track(TONE);

    byte[] body = api.postForm("/rest/stream.view", form);

    assertThat(body).isEqualTo(file);
  }

  @Test
  void streamRefusesWrongCredentialsInTheSpecsFormat() {
    byte[] body =
        api.getOk(api.raw("stream", "u", "alice", "p", "wrong", "id", Ids.track(TONE), "f", "json"))
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
            .expectBody()
            .returnResult()
            .getResponseBody();

    assertThat(new String(body, StandardCharsets.UTF_8)).contains("\"code\":40");
  }

  @Test
  void downloadNamesTheFile() throws Exception {
    byte[] file = Files.readAllBytes(library.resolve(LibraryFixtures.CAFE_NOCTURNE));

    EntityExchangeResult<byte[]> r =
        api.getOk(api.uri("download", "id", Ids.track(LibraryFixtures.CAFE_NOCTURNE)))
            .expectBody()
            .returnResult();

    assertThat(r.getResponseBody()).isEqualTo(file);
    assertThat(r.getResponseHeaders().getContentDisposition().getType()).isEqualTo("attachment");
    assertThat(r.getResponseHeaders().getContentDisposition().getFilename())
        .isEqualTo("03 Café Nocturne — Été.opus");
  }

  // --- covers --------------------------------------------------------------------------------

  @Test
  void coverArtIsScaledToTheSizeKeepingItsAspect() throws Exception {
    String album = Ids.album("Unknown Artist", "Big Cover");
    for (String id : List.of(Ids.track(TONE), album)) {
      byte[] scaled = cover(id, "100");
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(scaled));
      assertThat(image.getWidth()).isEqualTo(100);
      assertThat(image.getHeight()).isEqualTo(67);
    }
    BufferedImage original = ImageIO.read(new ByteArrayInputStream(cover(album, "")));
    assertThat(original.getWidth()).isEqualTo(600);
    assertThat(cover(album, "1000")).isEqualTo(cover(album, ""));
  }

  @Test
  void coverArtOfAnArtistIsThatOfTheirAlbum() {
    assertThat(cover(Ids.artist("Aurora Lane"), ""))
        .isEqualTo(cover(Ids.track(LibraryFixtures.FIRST_LIGHT), ""));
  }

  @Test
  void coverArtOfAnUnknownIdIsError70() {
    assertFailed(api.json("getCoverArt", "id", "AAAAAAAAAAAAAAAA"), 70);
  }

  private byte[] cover(String id, String size) {
    return api.web()
        .get()
        .uri(
            size.isEmpty()
                ? api.uri("getCoverArt", "id", id)
                : api.uri("getCoverArt", "id", id, "size", size))
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.parseMediaType("image/*"))
        .expectBody()
        .returnResult()
        .getResponseBody();
  }

  // --- lyrics --------------------------------------------------------------------------------

  @Test
  void syncedLyricsComeWithStartTimesInOrder() {
    DocumentContext r = api.json("getLyricsBySongId", "id", Ids.track(SYNCED));

    List<Map<String, Object>> lyrics = r.read("$.lyricsList.structuredLyrics");
    assertThat(lyrics).hasSize(1);
    assertThat(lyrics.get(0))
        .containsEntry("synced", true)
        .containsEntry("lang", "xxx")
        .containsEntry("offset", 250)
        .containsEntry("displayTitle", "Synced Song")
        .containsEntry("displayArtist", "Lyricist");
    assertThat(lyrics.get(0).get("line"))
        .isEqualTo(
            List.of(
                Map.of("start", 1000, "value", "first line"),
                Map.of("start", 2500, "value", "chorus"),
                Map.of("start", 4000, "value", "chorus")));
  }

  @Test
  void unsyncedLyricsComeAsLinesWithoutTimes() {
    DocumentContext r = api.json("getLyricsBySongId", "id", Ids.track(PLAIN));

    assertThat(r.read("$.lyricsList.structuredLyrics[0].synced", Object.class)).isEqualTo(false);
    assertThat(SubsonicClient.array(r, "$.lyricsList.structuredLyrics[0].line"))
        .isEqualTo(List.of(Map.of("value", "line one"), Map.of("value", "line two")));
  }

  @Test
  void aSongWithoutLyricsHasAnEmptyList() {
    DocumentContext r = api.json("getLyricsBySongId", "id", Ids.track(LibraryFixtures.DORIAN_WALK));

    assertThat(r.read("$.status", String.class)).isEqualTo("ok");
    assertThat(SubsonicClient.object(r, "$.lyricsList")).isEmpty();
  }

  @Test
  void getLyricsFindsASongByArtistAndTitle() {
    DocumentContext r = api.json("getLyrics", "artist", "lyricist", "title", "plain song");

    assertThat(r.read("$.lyrics.title", String.class)).isEqualTo("Plain Song");
    assertThat(r.read("$.lyrics.value", String.class)).isEqualTo("line one\nline two");
    assertThat(
            SubsonicClient.object(
                api.json("getLyrics", "artist", "nobody", "title", "nothing"), "$.lyrics"))
        .isEmpty();
  }
}
