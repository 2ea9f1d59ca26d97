package dev.cadenza.stream.subsonic;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.LibraryFixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * OpenSubsonic's {@code transcoding} extension as a client such as Feishin uses it: {@code
 * getTranscodeDecision} (POST, the client's ClientInfo as JSON) then {@code getTranscodeStream}
 * with the {@code transcodeParams} it answered. Real ffmpeg.
 */
class SubsonicTranscodingTest extends SubsonicServiceTest {

  static final String FLAC = Ids.track(LibraryFixtures.MORNING_FOG);
  static Path library;

  @DynamicPropertySource
  static void library(DynamicPropertyRegistry registry) throws Exception {
    library = SubsonicFixtures.demoLibrary(tmp);
    registry.add("cadenza.library.path", library::toString);
  }

  DocumentContext decide(String mediaId, String clientInfo) {
    byte[] body =
        api.web()
            .post()
            .uri(
                api.uri(
                    "getTranscodeDecision", "mediaId", mediaId, "mediaType", "song", "f", "json"))
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(clientInfo)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .returnResult()
            .getResponseBody();
    return JsonPath.parse(
        JsonPath.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8))
            .read("$['subsonic-response']", Object.class));
  }

  /** {@code getTranscodeStream} of the FLAC with {@code params}, then {@code more} parameters. */
  URI transcodeStream(String params, String... more) {
    return api.uri(
        "getTranscodeStream",
        SubsonicClient.join(
            new String[] {"mediaId", FLAC, "mediaType", "song", "transcodeParams", params}, more));
  }

  @Test
  void aClientThatPlaysOnlyMp3GetsAnMp3TranscodeAtItsLimit() throws Exception {
    DocumentContext r =
        decide(
            FLAC,
            """
            {"name": "test", "platform": "jvm", "maxAudioBitrate": 320000,
             "maxTranscodingAudioBitrate": 128000,
             "directPlayProfiles": [{"containers": ["mp3"], "audioCodecs": ["mp3"],
                                     "protocols": ["http"], "maxAudioChannels": 2}],
             "transcodingProfiles": [{"container": "flac", "audioCodec": "flac", "protocol": "http"},
                                     {"container": "mp3", "audioCodec": "mp3", "protocol": "http"}]}
            """);
    assertThat(r.read("$.status", String.class)).isEqualTo("ok");
    assertThat(r.read("$.transcodeDecision.canDirectPlay", Boolean.class)).isFalse();
    assertThat(r.read("$.transcodeDecision.canTranscode", Boolean.class)).isTrue();
    assertThat(r.read("$.transcodeDecision.sourceStream.container", String.class))
        .isEqualTo("flac");
    assertThat(r.read("$.transcodeDecision.sourceStream.codec", String.class)).isEqualTo("flac");
    assertThat(r.read("$.transcodeDecision.transcodeStream.codec", String.class)).isEqualTo("mp3");
    assertThat(r.read("$.transcodeDecision.transcodeStream.audioBitrate", Integer.class))
        .isEqualTo(128_000);
    assertThat(SubsonicClient.array(r, "$.transcodeDecision.transcodeReason")).isNotEmpty();
    String params = r.read("$.transcodeDecision.transcodeParams", String.class);

    byte[] mp3 =
        api.getOk(transcodeStream(params))
            .expectHeader()
            .contentType("audio/mpeg")
            .expectHeader()
            .valueMatches("X-Transcoding", "mp3-128.*")
            .expectBody()
            .returnResult()
            .getResponseBody();
    assertThat(new String(mp3, 0, 3, java.nio.charset.StandardCharsets.ISO_8859_1))
        .isEqualTo("ID3");

    // an offset: a one-off transcode from there, shorter
    byte[] later =
        api.getOk(transcodeStream(params, "offset", "5"))
            .expectBody()
            .returnResult()
            .getResponseBody();
    assertThat(later.length).isLessThan(mp3.length);
  }

  @Test
  void aClientThatPlaysTheFileGetsTheOriginal() throws Exception {
    DocumentContext r =
        decide(
            FLAC,
            """
            {"directPlayProfiles": [{"containers": ["flac"], "audioCodecs": ["flac"]}],
             "transcodingProfiles": [{"container": "mp3", "audioCodec": "mp3"}]}
            """);
    assertThat(r.read("$.transcodeDecision.canDirectPlay", Boolean.class)).isTrue();
    String params = r.read("$.transcodeDecision.transcodeParams", String.class);
    byte[] original =
        api.getOk(transcodeStream(params))
            .expectHeader()
            .doesNotExist("X-Transcoding")
            .expectBody()
            .returnResult()
            .getResponseBody();
    assertThat(original)
        .isEqualTo(Files.readAllBytes(library.resolve(LibraryFixtures.MORNING_FOG)));
  }

  @Test
  void nothingItCanPlayOrMakeIsSaidAndBadCallsFail() {
    DocumentContext r =
        decide(
            FLAC,
            """
            {"directPlayProfiles": [{"containers": ["wma"]}],
             "transcodingProfiles": [{"container": "wma", "audioCodec": "wmav2"}]}
            """);
    assertThat(r.read("$.transcodeDecision.canDirectPlay", Boolean.class)).isFalse();
    assertThat(r.read("$.transcodeDecision.canTranscode", Boolean.class)).isFalse();
    assertThat(r.read("$.transcodeDecision.errorReason", String.class)).contains("mp3");

    SubsonicClient.assertFailed(decide(FLAC, "not json"), 0);
    SubsonicClient.assertFailed(decide("no-such-track", "{}"), 70);
    URI get = api.uri("getTranscodeDecision", "mediaId", FLAC, "mediaType", "song", "f", "json");
    SubsonicClient.assertFailed(api.jsonAt(get), 0);
    SubsonicClient.assertFailed(
        api.json(
            "getTranscodeStream", "mediaId", FLAC, "mediaType", "song", "transcodeParams", "x"),
        0);
  }
}
