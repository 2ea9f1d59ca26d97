package dev.cadenza.stream.clock;

import static dev.cadenza.stream.clock.ClockSyncTest.awaitSynchronised;
import static dev.cadenza.stream.clock.ClockSyncTest.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.testsupport.ChronyQuery;
import dev.cadenza.testsupport.Ports;
import dev.cadenza.testsupport.ShiftedNtpResponder;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.net.ntp.NTPUDPClient;
import org.apache.commons.net.ntp.NtpV3Packet;
import org.apache.commons.net.ntp.TimeInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Standard NTP clients see the media clock through the SNTP responder. */
class SntpResponderTest {

  @TempDir Path library;

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private static int sntpPort(TestApp app) {
    return app.app().getBean(SntpResponder.class).port();
  }

  private static TimeInfo query(int port) throws Exception {
    NTPUDPClient client = new NTPUDPClient();
    client.setDefaultTimeout(Duration.ofSeconds(2));
    client.open();
    try {
      TimeInfo info = client.getTime(InetAddress.getLoopbackAddress(), port);
      info.computeDetails();
      return info;
    } finally {
      client.close();
    }
  }

  /** The service following a server 250 ms ahead of the system clock. */
  private TestApp followingAServer250msAhead() throws Exception {
    ShiftedNtpResponder ahead = ShiftedNtpResponder.start(Duration.ofMillis(250));
    closing.add(ahead);
    TestApp app = service(library, closing, ahead.address());
    awaitSynchronised(app);
    return app;
  }

  @Test
  void commonsNetSeesTheMediaClocksOffset() throws Exception {
    TestApp app = followingAServer250msAhead();

    TimeInfo info = query(sntpPort(app));
    NtpV3Packet reply = info.getMessage();

    // commons-net computes in milliseconds; the true offset lies within offset ± delay/2
    assertThat(info.getOffset()).isNotNull();
    assertThat((double) info.getOffset()).isCloseTo(250, within(20.0 + info.getDelay() / 2.0));
    assertThat(reply.getMode()).isEqualTo(NtpV3Packet.MODE_SERVER);
    assertThat(reply.getStratum()).isEqualTo(2);
    assertThat(reply.getLeapIndicator()).isEqualTo(NtpV3Packet.LI_NO_WARNING);
    assertThat(reply.getReferenceId()).isEqualTo(0x7f000001);
  }

  @Test
  void chronydAsAClientAgreesWithTheMediaClock() throws Exception {
    TestApp app = followingAServer250msAhead();

    double aheadSeconds = ChronyQuery.serverAheadSeconds(sntpPort(app));

    assertThat(aheadSeconds).isCloseTo(0.250, within(0.020));
  }

  @Test
  void withoutServersItServesTheSystemClockAtLocalStratum() throws Exception {
    TestApp app = service(library, closing, "");

    TimeInfo info = query(sntpPort(app));

    assertThat(info.getMessage().getStratum()).isEqualTo(SntpResponder.LOCAL_STRATUM);
    assertThat(info.getMessage().getReferenceId()).isEqualTo(0x4C4F434C); // "LOCL"
    assertThat((double) info.getOffset()).isCloseTo(0, within(20.0));
  }

  @Test
  void withServersButNoneUsableItRaisesTheAlarm() throws Exception {
    TestApp app = service(library, closing, "127.0.0.1:" + Ports.freeUdp());

    TimeInfo info = query(sntpPort(app));

    assertThat(info.getMessage().getLeapIndicator()).isEqualTo(NtpV3Packet.LI_ALARM_CONDITION);
    assertThat(info.getMessage().getStratum()).isEqualTo(ClockStatus.UNSYNCHRONISED);
  }

  @Test
  void ignoresWhatIsNotAClientRequestAndKeepsServing() throws Exception {
    TestApp app = service(library, closing, "");
    byte[] serverMode = new byte[48];
    serverMode[0] = 0x24; // version 4, mode 4: a server's reply, not a request

    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), sntpPort(app)));
      socket.setSoTimeout(300);
      for (byte[] junk : List.of(new byte[] {0x23, 1, 2}, serverMode)) {
        socket.send(new DatagramPacket(junk, junk.length));
        assertThatThrownBy(() -> socket.receive(new DatagramPacket(new byte[512], 512)))
            .isInstanceOf(SocketTimeoutException.class);
      }
    }

    assertThat(query(sntpPort(app)).getMessage().getMode()).isEqualTo(NtpV3Packet.MODE_SERVER);
  }

  /** Replies to {@code requests} client requests sent back to back from {@code source}. */
  private static int answeredBurst(InetAddress source, int port, int requests) throws Exception {
    byte[] request = new byte[48];
    request[0] = 0x23; // version 4, mode 3: a client's request
    int answered = 0;
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(source, 0))) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      for (int i = 0; i < requests; i++) {
        socket.send(new DatagramPacket(request, request.length));
      }
      socket.setSoTimeout(500);
      try {
        while (true) {
          socket.receive(new DatagramPacket(new byte[512], 512));
          answered++;
        }
      } catch (SocketTimeoutException drained) {
        // no more replies
      }
    }
    return answered;
  }

  @Test
  void aBurstFromOneSourceIsLimitedWhileAnotherSourceIsStillAnswered() throws Exception {
    TestApp app =
        service(
            library,
            closing,
            "",
            "--cadenza.clock.sntp.rate-per-source=1",
            "--cadenza.clock.sntp.burst-per-source=4");
    int port = sntpPort(app);
    InetAddress flooder = InetAddress.getByName("127.0.0.2");

    int answered = answeredBurst(flooder, port, 200);

    // 4 at once, then one a second: 200 only if sending them took over three minutes
    assertThat(answered).isBetween(4, 199);
    assertThat(query(port).getMessage().getMode()).isEqualTo(NtpV3Packet.MODE_SERVER);
    MeterRegistry meters = app.app().getBean(MeterRegistry.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(meters.get("cadenza.clock.sntp.dropped").counter().count())
                    .isEqualTo(200.0 - answered));
  }

  @Test
  void aPortInUseFailsStartUpNamingTheSetting() throws Exception {
    try (DatagramSocket taken =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      Throwable failure =
          catchThrowable(
              () ->
                  service(
                      library, closing, "", "--cadenza.clock.sntp.port=" + taken.getLocalPort()));

      assertThat(failure).isNotNull();
      List<String> messages = new ArrayList<>();
      for (Throwable t = failure; t != null; t = t.getCause()) {
        messages.add(String.valueOf(t.getMessage()));
      }
      assertThat(messages).anySatisfy(m -> assertThat(m).contains("cadenza.clock.sntp.port"));
    }
  }
}
