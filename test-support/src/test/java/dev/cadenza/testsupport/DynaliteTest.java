package dev.cadenza.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DynaliteTest {

  /**
   * A request whose client goes away halfway through its body killed dynalite 4 (its request error
   * handler throws), and with it every later call of the test; it must only be logged.
   */
  @Test
  void survivesAClientThatDropsARequestHalfway() throws Exception {
    try (Dynalite dynalite = Dynalite.start()) {
      for (int i = 0; i < 3; i++) {
        try (Socket s = new Socket("127.0.0.1", dynalite.endpoint().getPort())) {
          OutputStream out = s.getOutputStream();
          out.write(
              ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
                      + "X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 1000\r\n\r\n"
                      + "{\"Limit\":")
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          s.setSoLinger(true, 0); // a reset, as an interrupted SDK call leaves it
        }
      }
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!dynalite.log().contains("dropped a request") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(dynalite.log()).contains("dropped a request halfway");
      assertThat(dynalite.running()).isTrue();
      assertThat(dynalite.tableNames()).isEmpty();
    }
  }

  /** Frozen, it takes a request and never answers; thawed, it answers again. */
  @Test
  void aFrozenServerTakesRequestsAndAnswersNoneUntilThawed() throws Exception {
    try (Dynalite dynalite = Dynalite.start()) {
      dynalite.freeze();
      try (Socket s = new Socket("127.0.0.1", dynalite.endpoint().getPort())) {
        s.setSoTimeout(500);
        OutputStream out = s.getOutputStream();
        out.write(
            ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
                    + "X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 2\r\n\r\n{}")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThatThrownBy(() -> s.getInputStream().read())
            .isInstanceOf(SocketTimeoutException.class);
      }
      dynalite.thaw();
      assertThat(dynalite.tableNames()).isEmpty();
    }
  }
}
