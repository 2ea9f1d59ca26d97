package dev.cadenza.stream.clock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.commons.net.ntp.NtpV3Impl;
import org.apache.commons.net.ntp.NtpV3Packet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Serves the media clock to standard NTP clients (SNTP, RFC 4330) over UDP, so that players that
 * speak NTP rather than {@code GET /api/v1/time} can follow it. Answers client (mode 3) requests
 * only; anything else is ignored. Receive is stamped right after the datagram arrives, transmit
 * right before the reply leaves.
 *
 * <p>A reply is never larger than its request (48 bytes for 48 or more), so the responder cannot
 * amplify a spoofed flood; each source address is further held to a token bucket ({@code
 * cadenza.clock.sntp.rate-per-source}, {@code burst-per-source}) and requests past it are dropped
 * silently, counted in {@code cadenza.clock.sntp.dropped}.
 */
@Component
@ConditionalOnProperty(
    name = "cadenza.clock.sntp.enabled",
    havingValue = "true",
    matchIfMissing = true)
public class SntpResponder implements SmartLifecycle {

  /**
   * Stratum of a media clock that follows the system clock alone (refid LOCL), as chrony's local.
   */
  static final int LOCAL_STRATUM = 10;

  private static final int LOCL =
      ByteBuffer.wrap("LOCL".getBytes(StandardCharsets.US_ASCII)).getInt();

  /** Our precision as NTP writes it: 2^-20 s, about a microsecond. */
  private static final int PRECISION = -20;

  private static final Logger log = LoggerFactory.getLogger(SntpResponder.class);

  private final DisciplinedClock clock;
  private final ClockSync sync;
  private final int configuredPort;
  private final InetAddress address; // null: all addresses
  private final SourceRateLimit limit; // null: no limit
  private final Counter dropped;
  private volatile DatagramSocket socket;
  private volatile Thread thread;

  public SntpResponder(
      DisciplinedClock clock,
      ClockSync sync,
      ClockProperties settings,
      Environment environment,
      MeterRegistry meters) {
    this.clock = clock;
    this.sync = sync;
    ClockProperties.Sntp sntp = settings.sntp();
    this.configuredPort = sntp.port();
    this.limit =
        sntp.ratePerSource() == 0
            ? null
            : new SourceRateLimit(
                sntp.ratePerSource(),
                sntp.burstPerSource(),
                sntp.trackedSources(),
                System::nanoTime);
    this.dropped =
        Counter.builder("cadenza.clock.sntp.dropped")
            .description("SNTP requests dropped unanswered: their source sent past its rate limit")
            .tag("reason", "rate-limited")
            .register(meters);
    // the HTTP server's address: a pod listening on one interface listens there for NTP too
    this.address = environment.getProperty("server.address", InetAddress.class);
  }

  /** The bound UDP port; 0 while not running. */
  public int port() {
    DatagramSocket s = socket;
    return s == null ? 0 : s.getLocalPort();
  }

  @Override
  public synchronized void start() {
    DatagramSocket s;
    try {
      s = new DatagramSocket(new InetSocketAddress(address, configuredPort));
    } catch (BindException e) {
      throw new IllegalStateException(
          "cadenza.clock.sntp.port: cannot bind UDP port "
              + configuredPort
              + " on "
              + (address == null ? "all addresses" : address.getHostAddress())
              + " ("
              + e.getMessage()
              + "); choose another port, 0 for any, or set cadenza.clock.sntp.enabled=false",
          e);
    } catch (SocketException e) {
      throw new IllegalStateException(
          "cadenza.clock.sntp.port: cannot open UDP port " + configuredPort + ": " + e.getMessage(),
          e);
    }
    socket = s;
    Thread t = new Thread(() -> serve(s), "sntp-responder");
    t.setDaemon(true);
    thread = t;
    t.start();
    log.info(
        "SNTP responder on UDP {}:{}",
        address == null ? "*" : address.getHostAddress(),
        s.getLocalPort());
  }

  private void serve(DatagramSocket s) {
    byte[] in = new byte[512];
    DatagramPacket request = new DatagramPacket(in, in.length);
    while (!s.isClosed()) {
      try {
        request.setLength(in.length);
        s.receive(request);
        long received = clock.nowNanos();
        if (limit != null && !limit.tryAcquire(request.getAddress())) {
          dropped.increment();
          continue;
        }
        DatagramPacket reply = answer(request, received);
        if (reply != null) {
          s.send(reply);
        }
      } catch (IOException e) {
        if (!s.isClosed()) {
          log.debug("SNTP request failed", e);
        }
      } catch (RuntimeException e) {
        // one odd packet must not end the responder
        log.debug("SNTP request ignored", e);
      }
    }
  }

  /** The reply to a client request, its transmit stamped last; null for anything else. */
  DatagramPacket answer(DatagramPacket request, long receivedNanos) {
    if (request.getLength() < 48) {
      return null;
    }
    NtpV3Impl in = new NtpV3Impl();
    in.setDatagramPacket(request);
    int version = in.getVersion();
    if (in.getMode() != NtpV3Packet.MODE_CLIENT || version < 1 || version > 4) {
      return null;
    }
    ClockStatus status = sync.status();
    NtpV3Impl out = new NtpV3Impl();
    out.setMode(NtpV3Packet.MODE_SERVER);
    out.setVersion(version);
    out.setPoll(in.getPoll());
    out.setPrecision(PRECISION);
    out.setOriginateTimeStamp(in.getTransmitTimeStamp());
    out.setReceiveTimeStamp(NtpTimestamps.fromEpochNanos(receivedNanos));
    if (!status.configured()) {
      out.setLeapIndicator(NtpV3Packet.LI_NO_WARNING);
      out.setStratum(LOCAL_STRATUM);
      out.setReferenceId(LOCL);
      out.setReferenceTime(NtpTimestamps.fromEpochNanos(receivedNanos));
    } else if (status.synchronised()) {
      ClockSelection.Result peer = sync.lastResult();
      long rootDelay = peer.systemPeer().best().rootDelay() + peer.systemPeer().best().delay();
      out.setLeapIndicator(NtpV3Packet.LI_NO_WARNING);
      out.setStratum(status.stratum());
      out.setReferenceId(status.refId());
      out.setRootDelay(NtpTimestamps.nanosToShort(rootDelay));
      // so that a client's root distance (rootDelay/2 + rootDispersion) is ours
      out.setRootDispersion(
          NtpTimestamps.nanosToShort(Math.max(0, status.rootDistance() - rootDelay / 2)));
      long sinceSync = Duration.between(status.lastSync(), Instant.now()).toNanos();
      out.setReferenceTime(NtpTimestamps.fromEpochNanos(receivedNanos - Math.max(0, sinceSync)));
    } else {
      // servers are configured, none usable: tell clients not to follow us
      out.setLeapIndicator(NtpV3Packet.LI_ALARM_CONDITION);
      out.setStratum(ClockStatus.UNSYNCHRONISED);
    }
    byte[] bytes = out.getDatagramPacket().getData();
    DatagramPacket reply =
        new DatagramPacket(bytes, bytes.length, request.getAddress(), request.getPort());
    out.setTransmitTime(NtpTimestamps.fromEpochNanos(clock.nowNanos())); // written into bytes
    return reply;
  }

  @Override
  public synchronized void stop() {
    DatagramSocket s = socket;
    if (s != null) {
      s.close(); // ends receive() and with it the thread
      socket = null;
    }
    Thread t = thread;
    if (t != null) {
      try {
        t.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread = null;
    }
  }

  @Override
  public boolean isRunning() {
    return socket != null;
  }
}
