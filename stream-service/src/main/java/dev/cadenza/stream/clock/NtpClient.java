package dev.cadenza.stream.clock;

import dev.cadenza.protocol.ClockSample;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.apache.commons.net.ntp.NtpV3Impl;
import org.apache.commons.net.ntp.NtpV3Packet;
import org.apache.commons.net.ntp.TimeStamp;

/**
 * Polls NTP servers: a few exchanges with each, stamped with the raw clock at nanosecond resolution
 * (commons-net encodes and decodes the packets; its own client stamps in milliseconds), every reply
 * validated, the lowest-delay sample of each server kept.
 */
public final class NtpClient {

  /** Root delay or dispersion a server may report before it is rejected (RFC 5905 MAXDISP). */
  static final long MAX_ROOT_NANOS = 16_000_000_000L;

  /** Our clock's read error: System.nanoTime() is good to well under a microsecond. */
  private static final long OUR_PRECISION_NANOS = 1_000;

  /**
   * Low bits of the transmit timestamp that are random (2^20 of 2^32 in the fraction, ~0.24 ms):
   * the server echoes them, so an off-path forger must guess them. Offsets are computed from our
   * own t1, not from the packet, so they cost no accuracy.
   */
  private static final long NONCE_BITS = (1L << 20) - 1;

  /** Consecutive timeouts after which a server is given up for this poll. */
  private static final int GIVE_UP_AFTER = 2;

  private final RawClock raw;
  private final int samples;
  private final Duration timeout;
  private final Duration spacing;
  private final Consumer<SampleOutcome> outcomes;

  /**
   * @param samples exchanges per server per poll
   * @param timeout how long one exchange waits for its reply
   * @param spacing the pause between two exchanges with one server
   * @param outcomes told the outcome of every exchange (for the meters)
   */
  public NtpClient(
      RawClock raw,
      int samples,
      Duration timeout,
      Duration spacing,
      Consumer<SampleOutcome> outcomes) {
    this.raw = raw;
    this.samples = samples;
    this.timeout = timeout;
    this.spacing = spacing;
    this.outcomes = outcomes;
  }

  /**
   * Polls every server; a round of one exchange per server, then a pause, {@code samples} times.
   */
  public List<ServerPoll> poll(List<NtpServer> servers) {
    List<Exchanges> all = new ArrayList<>();
    try {
      for (NtpServer server : servers) {
        all.add(Exchanges.open(server));
      }
      for (int round = 0; round < samples; round++) {
        if (round > 0 && !spacing.isZero()) {
          pause();
        }
        for (Exchanges e : all) {
          if (e.consecutiveFailures < GIVE_UP_AFTER) {
            e.record(e.socket == null ? SampleOutcome.UNREACHABLE : exchange(e), outcomes);
          }
        }
      }
    } finally {
      all.forEach(Exchanges::close);
    }
    return all.stream().map(Exchanges::result).toList();
  }

  private void pause() {
    try {
      Thread.sleep(spacing.toMillis(), spacing.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The exchanges with one server during one poll. */
  private static final class Exchanges {
    final NtpServer server;
    final InetAddress address;
    final DatagramSocket socket;
    final List<NtpSample> accepted = new ArrayList<>();
    final Map<SampleOutcome, Integer> counts = new EnumMap<>(SampleOutcome.class);
    int consecutiveFailures;

    private Exchanges(NtpServer server, InetAddress address, DatagramSocket socket) {
      this.server = server;
      this.address = address;
      this.socket = socket;
    }

    static Exchanges open(NtpServer server) {
      try {
        // resolved at every poll: a DNS change reaches us at the next poll
        InetAddress address = InetAddress.getByName(server.host());
        DatagramSocket socket = new DatagramSocket();
        // connected: the kernel drops datagrams from anyone else and reports ICMP port unreachable
        socket.connect(new InetSocketAddress(address, server.port()));
        return new Exchanges(server, address, socket);
      } catch (IOException e) { // UnknownHostException among them
        return new Exchanges(server, null, null);
      }
    }

    void record(SampleOutcome outcome, Consumer<SampleOutcome> outcomes) {
      counts.merge(outcome, 1, Integer::sum);
      consecutiveFailures = outcome.answered() ? 0 : consecutiveFailures + 1;
      outcomes.accept(outcome);
    }

    ServerPoll result() {
      return ServerPoll.of(server, address, accepted, counts);
    }

    void close() {
      if (socket != null) {
        socket.close();
      }
    }
  }

  private SampleOutcome exchange(Exchanges e) {
    NtpV3Impl request = new NtpV3Impl();
    request.setMode(NtpV3Packet.MODE_CLIENT);
    request.setVersion(NtpV3Packet.VERSION_4);
    byte[] bytes = request.getDatagramPacket().getData(); // the packet's own buffer
    DatagramPacket out = new DatagramPacket(bytes, bytes.length);
    byte[] in = new byte[512];
    DatagramPacket reply = new DatagramPacket(in, in.length);
    try {
      long nonce = ThreadLocalRandom.current().nextLong() & NONCE_BITS;
      long t1 = raw.nanos();
      TimeStamp transmit = new TimeStamp(NtpTimestamps.fromEpochNanos(t1).ntpValue() ^ nonce);
      request.setTransmitTime(transmit); // written into bytes
      e.socket.send(out);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return SampleOutcome.TIMEOUT;
        }
        e.socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
        reply.setLength(in.length);
        e.socket.receive(reply);
        long t4 = raw.nanos();
        NtpV3Impl packet = new NtpV3Impl();
        if (reply.getLength() < 48) {
          return SampleOutcome.MALFORMED;
        }
        packet.setDatagramPacket(reply);
        SampleOutcome outcome = validate(packet, transmit);
        if (outcome == SampleOutcome.BAD_ORIGINATE) {
          // a late answer to an earlier request (or a forgery): count it, keep waiting for ours
          e.record(outcome, outcomes);
          continue;
        }
        if (outcome == SampleOutcome.ACCEPTED) {
          e.accepted.add(sample(packet, t1, t4));
        }
        return outcome;
      }
    } catch (SocketTimeoutException ex) {
      return SampleOutcome.TIMEOUT;
    } catch (PortUnreachableException ex) {
      return SampleOutcome.UNREACHABLE;
    } catch (IOException ex) {
      return SampleOutcome.UNREACHABLE;
    }
  }

  static SampleOutcome validate(NtpV3Packet reply, TimeStamp ourTransmit) {
    if (reply.getMode() != NtpV3Packet.MODE_SERVER) {
      return SampleOutcome.BAD_MODE;
    }
    if (reply.getVersion() != NtpV3Packet.VERSION_3
        && reply.getVersion() != NtpV3Packet.VERSION_4) {
      return SampleOutcome.BAD_VERSION;
    }
    if (reply.getOriginateTimeStamp().ntpValue() != ourTransmit.ntpValue()) {
      return SampleOutcome.BAD_ORIGINATE;
    }
    if (reply.getStratum() == 0) {
      return SampleOutcome.KISS_OF_DEATH;
    }
    if (reply.getStratum() > 15) {
      return SampleOutcome.BAD_STRATUM;
    }
    if (reply.getLeapIndicator() == NtpV3Packet.LI_ALARM_CONDITION) {
      return SampleOutcome.LEAP_ALARM;
    }
    if (reply.getReceiveTimeStamp().ntpValue() == 0
        || reply.getTransmitTimeStamp().ntpValue() == 0) {
      return SampleOutcome.ZERO_TIMESTAMP;
    }
    if (NtpTimestamps.shortToNanos(reply.getRootDelay()) >= MAX_ROOT_NANOS
        || NtpTimestamps.shortToNanos(reply.getRootDispersion()) >= MAX_ROOT_NANOS) {
      return SampleOutcome.BAD_ROOT;
    }
    return SampleOutcome.ACCEPTED;
  }

  private static NtpSample sample(NtpV3Packet reply, long t1, long t4) {
    long t2 = NtpTimestamps.toEpochNanos(reply.getReceiveTimeStamp());
    long t3 = NtpTimestamps.toEpochNanos(reply.getTransmitTimeStamp());
    ClockSample s = ClockSample.of(t1, t2, t3, t4);
    // precision is a signed power of two seconds
    long serverPrecision = (long) Math.scalb(1e9, (byte) reply.getPrecision());
    return new NtpSample(
        s.offset(),
        Math.max(0, s.delay()), // a server that takes longer than the round trip: count it as 0
        reply.getStratum(),
        NtpTimestamps.shortToNanos(reply.getRootDelay()),
        NtpTimestamps.shortToNanos(reply.getRootDispersion()),
        serverPrecision + OUR_PRECISION_NANOS,
        reply.getReferenceId());
  }
}
