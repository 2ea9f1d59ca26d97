package dev.cadenza.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.client.LocalClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
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
        "show http://localhost:8080 "
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
}
