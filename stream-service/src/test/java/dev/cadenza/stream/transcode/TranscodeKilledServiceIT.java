package dev.cadenza.stream.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.testsupport.RawClient;
import dev.cadenza.testsupport.Ports;
import dev.cadenza.testsupport.Processes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's process killed with SIGKILL mid-transcode (the packaged jar in a JVM of its own, a
 * stand-in ffmpeg that never finishes): its ffmpeg dies with it (setpriv --pdeathsig), and is
 * reaped; no orphan is left running.
 */
class TranscodeKilledServiceIT {

  @TempDir Path dir;

  @Test
  void aKilledServiceLeavesNoFfmpegRunning() throws Exception {
    Path jar = Path.of("target/cadenza-stream-service.jar").toAbsolutePath();
    assertThat(jar).as("run after package").exists();
    int port = Ports.free();
    int management = Ports.free();
    Process service =
        new ProcessBuilder(
                "java",
                "-jar",
                jar.toString(),
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--management.server.port=" + management,
                "--cadenza.auth.enabled=false",
                "--cadenza.clock.sntp.port=0",
                "--cadenza.data.dir=" + dir.resolve("data"),
                "--cadenza.transcoding.ffmpeg=" + SlowFfmpeg.write(dir))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("service.log").toFile())
            .start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      String tracks =
          await("the service answers")
              .atMost(Duration.ofSeconds(120))
              .ignoreExceptions()
              .until(
                  () ->
                      http.send(
                              HttpRequest.newBuilder(
                                      URI.create(
                                          "http://127.0.0.1:" + port + "/api/v1/tracks?limit=1"))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString())
                          .body(),
                  body -> body.contains("\"id\""));
      Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(tracks);
      assertThat(id.find()).isTrue();

      try (RawClient listener = RawClient.connect("127.0.0.1", port)) {
        listener.get("/api/v1/tracks/" + id.group(1) + "/stream?format=opus", "");
        assertThat(listener.head().status()).isEqualTo(200);
        List<ProcessHandle> ffmpeg =
            await("the service's ffmpeg")
                .atMost(Duration.ofSeconds(10))
                .until(
                    () ->
                        service
                            .descendants()
                            .filter(p -> p.info().command().orElse("").endsWith("sleep"))
                            .toList(),
                    list -> !list.isEmpty());
        assertThat(ffmpeg).hasSize(1);
        long pid = ffmpeg.get(0).pid();

        service.destroyForcibly(); // SIGKILL
        service.waitFor();
        await("ffmpeg (pid " + pid + ") dies with the service")
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)
                        && !Files.exists(Path.of("/proc/" + pid)));
      }
    } finally {
      Processes.stop(service);
    }
  }
}
