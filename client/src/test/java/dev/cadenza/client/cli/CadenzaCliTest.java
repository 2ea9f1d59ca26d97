package dev.cadenza.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.client.FakeService;
import dev.cadenza.client.LocalClock;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CadenzaCliTest {

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final CadenzaCli cli =
      new CadenzaCli(
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8),
          LocalClock.system());

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void noArgumentsPrintsTheUsageWithExitCode2() {
    assertThat(cli.run()).isEqualTo(2);
    assertThat(err()).contains("usage: cadenza");
  }

  @Test
  void helpGoesToStdoutWithExitCode0() {
    assertThat(cli.run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: cadenza");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bogus http://localhost:8080",
        "time",
        "join http://localhost:8080 s1",
        "play http://localhost:8080 s1 t1 5 extra",
        "seek http://localhost:8080 s1 ten",
        "seek http://localhost:8080 s1 -3",
        "time http://localhost:8080 0",
        "create ftp://localhost/",
        "create ::not-a-url::",
        "show http://localhost:8080 ",
        "download http://localhost:8080 t1 /tmp/t1 fast",
        "download http://localhost:8080 t1 /tmp/t1 0k",
        "download http://localhost:8080 t1 /tmp/t1 --format flac",
        "download http://localhost:8080 t1 /tmp/t1 --bitrate 0",
        "download http://localhost:8080 t1 /tmp/t1 --bitrate 96k",
        "download http://localhost:8080 t1 /tmp/t1 --bitrate",
        "play http://localhost:8080 s1 t1 --format opus"
      })
  void badArgumentsSayWhatIsWrongWithExitCode2(String args) {
    assertThat(cli.run(args.split(" ", -1))).isEqualTo(2);
    assertThat(err())
        .startsWith("cadenza: ")
        .contains("usage: cadenza")
        .doesNotContain("Exception");
  }

  @Test
  void anUnreachableServiceIsExitCode1WithoutAStackTrace() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThat(cli.run("create", "http://127.0.0.1:" + port)).isEqualTo(1);
    assertThat(err()).startsWith("cadenza: request failed").doesNotContain("\tat ");
  }

  @Test
  void positionsInSecondsBecomeMicroseconds() {
    assertThat(CadenzaCli.micros("1.5")).isEqualTo(1_500_000);
    assertThat(CadenzaCli.micros("0.0000004")).isZero();
    assertThat(CadenzaCli.micros("90")).isEqualTo(90_000_000);
  }

  @Test
  void ratesTakeBinaryMultiples() {
    assertThat(CadenzaCli.bytesPerSecond("65536")).isEqualTo(65_536);
    assertThat(CadenzaCli.bytesPerSecond("256k")).isEqualTo(256 * 1024);
    assertThat(CadenzaCli.bytesPerSecond("2M")).isEqualTo(2 * 1024 * 1024);
  }

  @Test
  void downloadPrintsTheSha256OfTheBytesWritten(@TempDir Path dir) throws Exception {
    byte[] track = new byte[100_000];
    new Random(7).nextBytes(track);
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/tracks/t1/stream",
                x -> {
                  x.getResponseHeaders().set("ETag", "\"v1\"");
                  x.sendResponseHeaders(200, track.length);
                  try (OutputStream body = x.getResponseBody()) {
                    body.write(track);
                  }
                })) {
      Path file = dir.resolve("t1");

      // 400 KiB a second: the 100,000 bytes take about a quarter of a second
      assertThat(cli.run("download", service.uri().toString(), "t1", file.toString(), "400k"))
          .isZero();

      assertThat(Files.readAllBytes(file)).isEqualTo(track);
      String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(track));
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains(file + ": 100000 bytes, sha256 " + sha256 + ", ETag \"v1\", 1 request(s)");
    }
  }

  @Test
  void downloadAsksForTheFormatAndBitRateGivenAndSaysWhatItGot(@TempDir Path dir) throws Exception {
    AtomicReference<String> query = new AtomicReference<>();
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/tracks/t1/stream",
                x -> {
                  query.set(x.getRequestURI().getQuery());
                  x.getResponseHeaders().set("ETag", "\"v-opus-96\"");
                  x.getResponseHeaders().set("X-Transcoding", "opus-96");
                  x.sendResponseHeaders(200, 4);
                  try (OutputStream body = x.getResponseBody()) {
                    body.write("OggS".getBytes(StandardCharsets.US_ASCII));
                  }
                })) {
      Path file = dir.resolve("t1.opus");
      assertThat(
              cli.run(
                  "download",
                  "--format=opus",
                  service.uri().toString(),
                  "t1",
                  file.toString(),
                  "--bitrate",
                  "96"))
          .isZero();
      assertThat(query).hasValue("format=opus&bitrate=96");
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("1 request(s), 0 resume(s), 0 restart(s), transcoded: opus-96");
    }
  }

  /** Runs the CLI with {@code env}, against a service that answers with the Authorization seen. */
  String authorizationSent(Map<String, String> env, String... options) throws Exception {
    AtomicReference<String> seen = new AtomicReference<>();
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/sessions",
                x -> {
                  seen.set(x.getRequestHeaders().getFirst("Authorization"));
                  FakeService.respond(x, 404, "application/problem+json", "{\"title\":\"no\"}");
                })) {
      CadenzaCli withEnv =
          new CadenzaCli(
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8),
              LocalClock.system(),
              env);
      List<String> args = new ArrayList<>(List.of(options));
      args.addAll(List.of("show", service.uri().toString(), "s1"));
      assertThat(withEnv.run(args.toArray(String[]::new))).isEqualTo(1);
      return seen.get();
    }
  }

  @Test
  void credentialsComeFromOptionsElseTheEnvironment() throws Exception {
    assertThat(authorizationSent(Map.of(), "--api-key", "cdz_k1")).isEqualTo("Bearer cdz_k1");
    assertThat(authorizationSent(Map.of("CADENZA_API_KEY", "cdz_env"))).isEqualTo("Bearer cdz_env");
    assertThat(authorizationSent(Map.of(), "--user=ann", "--password", "pw:with:colons"))
        .isEqualTo(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("ann:pw:with:colons".getBytes(StandardCharsets.UTF_8)));
    assertThat(
            authorizationSent(
                Map.of(
                    "CADENZA_USER",
                    "bob",
                    "CADENZA_PASSWORD",
                    "secret-pw",
                    "CADENZA_API_KEY",
                    "cdz_x"),
                "--user",
                "bob"))
        .as("--user wins over a key from the environment")
        .startsWith("Basic ");
    assertThat(authorizationSent(Map.of())).isNull();
  }

  @Test
  void aUserWithoutAPasswordIsAUsageError() {
    assertThat(cli.run("--user", "ann", "show", "http://127.0.0.1:9", "s1")).isEqualTo(2);
    assertThat(err()).contains("--user needs --password");
  }

  @Test
  void joinPrintsTheLocalStartOfEachPlayInThePlayersOwnClock() throws Exception {
    long shift = 300_000; // this player's clock runs 300 ms ahead
    LocalClock truth = LocalClock.system();
    long at = truth.nowMicros() + 5_000_000;
    String events =
        event("snapshot", 2, "STOPPED", null, 0, at - 9_000_000)
            + event("play", 3, "PLAYING", "t1", 1_500_000, at)
            + event("ended", 4, "PLAYING", "t1", 1_500_000, at);
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/time",
                x -> {
                  String q = x.getRequestURI().getQuery();
                  long t1 = Long.parseLong(q.substring(q.indexOf('=') + 1));
                  long now = truth.nowMicros();
                  FakeService.respond(
                      x,
                      200,
                      "application/json",
                      "{\"originateMicros\":"
                          + t1
                          + ",\"receiveMicros\":"
                          + now
                          + ",\"transmitMicros\":"
                          + now
                          + ",\"synchronised\":false,\"stratum\":16,\"maxErrorMicros\":0}");
                })
            .on(
                "/api/v1/sessions/s1/members",
                x ->
                    FakeService.respond(
                        x,
                        201,
                        "application/json",
                        "{\"id\":\"m1\",\"name\":\"speaker\",\"joinedAtMicros\":1}"))
            .on(
                "/api/v1/sessions/s1/events",
                x -> FakeService.respond(x, 200, "text/event-stream", events))) {
      CadenzaCli shifted =
          new CadenzaCli(
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8),
              truth.shiftedBy(shift));

      assertThat(shifted.run("join", service.uri().toString(), "s1", "speaker")).isZero();

      String printed = out.toString(StandardCharsets.UTF_8);
      assertThat(printed)
          .contains("joined s1 as speaker (m1)")
          .containsPattern("error ±[0-9.]+ ms");
      String play = printed.lines().filter(l -> l.startsWith("play")).findFirst().orElseThrow();
      long local = Long.parseLong(play.replaceAll(".*\\((\\d+) µs.*", "$1"));
      assertThat(Math.abs(local - (at + shift))).isLessThan(50_000); // the start, in its own clock
      assertThat(play)
          .contains("PLAYING t1")
          .contains("position 1.500 s")
          .containsPattern("µs ±\\d+ µs");
      assertThat(printed).contains("ended");
    }
  }

  static String event(
      String type, long version, String state, String track, long position, long at) {
    String trackJson = track == null ? "null" : "\"" + track + "\"";
    return "event: "
        + type
        + "\nid: "
        + version
        + "\ndata: {\"type\":\""
        + type
        + "\",\"session\":"
        + "{\"id\":\"s1\",\"name\":null,\"version\":"
        + version
        + ",\"createdAtMicros\":0,\"updatedAtMicros\":0,\"expiresAtMicros\":0,\"members\":[],"
        + "\"playback\":{\"state\":\""
        + state
        + "\",\"trackId\":"
        + trackJson
        + ",\"positionMicros\":"
        + position
        + ",\"atMicros\":"
        + at
        + ",\"durationMicros\":60000000}}}\n\n";
  }
}
