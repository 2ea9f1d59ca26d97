package dev.cadenza.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An NTP server on a free loopback UDP port whose clock is the system clock shifted by a set
 * amount, for tests of NTP clients: a stratum 1 server that is exactly that far off. (chronyd under
 * libfaketime cannot be one: its receive and transmit timestamps disagree.) It encodes packets
 * itself, independently of the client under test.
 *
 * <p>{@link Mode#GARBAGE} answers random bytes or replies with a wrong originate timestamp; {@link
 * Mode#SILENT} never answers.
 */
public final class ShiftedNtpResponder implements AutoCloseable {

  /** How it answers. */
  public enum Mode {
    NORMAL,
    GARBAGE,
    SILENT
  }

  private static final long EPOCH_OFFSET = 2_208_988_800L;

  private final DatagramSocket socket;
  private final long shiftNanos;
  private final Mode mode;
  private final AtomicLong requests = new AtomicLong();
  private final Thread thread;

  private ShiftedNtpResponder(Duration shift, Mode mode) {
    this.shiftNanos = shift.toNanos();
    this.mode = mode;
    try {
      socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    thread = new Thread(this::serve, "shifted-ntp-" + socket.getLocalPort());
    thread.setDaemon(true);
    thread.start();
  }

  /** A server whose clock is {@code shift} ahead of the system clock (behind if negative). */
  public static ShiftedNtpResponder start(Duration shift) {
    return new ShiftedNtpResponder(shift, Mode.NORMAL);
  }

  public static ShiftedNtpResponder start(Duration shift, Mode mode) {
    return new ShiftedNtpResponder(shift, mode);
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** {@code 127.0.0.1:<port>}, as an NTP server setting. */
  public String address() {
    return "127.0.0.1:" + port();
  }

  /** Requests received so far. */
  public long requests() {
    return requests.get();
  }

  private void serve() {
    byte[] in = new byte[512];
    DatagramPacket request = new DatagramPacket(in, in.length);
    while (!socket.isClosed()) {
      try {
        request.setLength(in.length);
        socket.receive(request);
        long received = now();
        requests.incrementAndGet();
        byte[] reply = reply(in, request.getLength(), received);
        if (reply != null) {
          socket.send(
              new DatagramPacket(reply, reply.length, request.getAddress(), request.getPort()));
        }
      } catch (IOException e) {
        // closed, or one failed send
      }
    }
  }

  private byte[] reply(byte[] in, int length, long received) {
    if (mode == Mode.SILENT || length < 48 || (in[0] & 0x7) != 3) {
      return null;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (mode == Mode.GARBAGE && random.nextBoolean()) {
      byte[] junk = new byte[48 + random.nextInt(32)];
      random.nextBytes(junk);
      return junk;
    }
    int version = (in[0] >> 3) & 0x7;
    ByteBuffer out = ByteBuffer.allocate(48);
    out.put((byte) ((version << 3) | 4)); // leap 0, version echoed, mode 4 (server)
    out.put((byte) 1); // stratum 1: a reference clock of its own
    out.put(in[2]); // poll echoed
    out.put((byte) -20); // precision ~1 µs
    out.putInt(0); // root delay
    out.putInt(65536 / 1000); // root dispersion: 1 ms, as a good stratum 1 server says
    out.put("SHFT".getBytes(StandardCharsets.US_ASCII)); // reference id
    out.putLong(ntp(received - 1_000_000_000L)); // reference: updated a second ago
    long originate = ByteBuffer.wrap(in, 40, 8).getLong();
    if (mode == Mode.GARBAGE) {
      originate ^= random.nextLong() | 1; // never our client's transmit
    }
    out.putLong(originate);
    out.putLong(ntp(received));
    out.putLong(ntp(now()));
    return out.array();
  }

  /** The shifted clock, in nanoseconds since the Unix epoch. */
  private long now() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano() + shiftNanos;
  }

  private static long ntp(long epochNanos) {
    long seconds = Math.floorDiv(epochNanos, 1_000_000_000L) + EPOCH_OFFSET;
    long nanos = Math.floorMod(epochNanos, 1_000_000_000L);
    return (seconds << 32) | ((nanos << 32) / 1_000_000_000L);
  }

  @Override
  public void close() {
    socket.close();
    try {
      thread.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
