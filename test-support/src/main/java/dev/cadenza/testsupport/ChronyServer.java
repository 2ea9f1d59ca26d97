package dev.cadenza.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real chronyd serving NTP on 127.0.0.1 and a free port, for tests: no sources of its own, it
 * serves the system clock at {@code local stratum 8} (so its clients are stratum 9). It never
 * touches the system clock ({@code -x}).
 */
public final class ChronyServer implements AutoCloseable {

  /** The stratum it serves. */
  public static final int STRATUM = 8;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Path dir;
  private final int port;
  private final Process process;

  private ChronyServer(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Starts chronyd and returns once it answers an NTP request. */
  public static ChronyServer start() {
    Path dir = Chrony.tempDir();
    int port = Ports.freeUdp();
    Path config = dir.resolve("chrony.conf");
    try {
      Files.writeString(
          config,
          String.join(
              "\n",
              "port " + port,
              "bindaddress 127.0.0.1",
              "cmdport 0",
              "bindcmdaddress /",
              "local stratum " + STRATUM,
              "allow 127.0.0.1",
              "pidfile " + dir.resolve("chronyd.pid"),
              "driftfile " + dir.resolve("chronyd.drift"),
              ""));
      Process process =
          new ProcessBuilder(Chrony.command(config))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("chronyd.log").toFile())
              .start();
      ChronyServer server = new ChronyServer(dir, port, process);
      Runtime.getRuntime()
          .addShutdownHook(new Thread(process::destroyForcibly, "chronyd-" + port + "-stop"));
      server.awaitAnswer();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}, as an NTP server setting. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** What chronyd logged, for failure messages. */
  public String log() {
    try {
      return Files.readString(dir.resolve("chronyd.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void awaitAnswer() throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      socket.setSoTimeout(200);
      byte[] request = new byte[48];
      request[0] = 0x23; // version 4, mode 3 (client)
      request[47] = 1; // a non-zero transmit timestamp
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          break;
        }
        try {
          socket.send(new DatagramPacket(request, request.length));
          DatagramPacket reply = new DatagramPacket(new byte[512], 512);
          socket.receive(reply);
          int stratum = reply.getData()[1] & 0xFF;
          if (reply.getLength() >= 48 && stratum > 0 && stratum < 16) {
            return;
          }
        } catch (SocketTimeoutException | PortUnreachableException e) {
          // not up yet
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    close();
    throw new IllegalStateException(
        "chronyd did not answer on 127.0.0.1:" + port + " within " + START_TIMEOUT + ":\n" + log());
  }

  @Override
  public void close() {
    Processes.stop(process);
    Chrony.delete(dir);
  }
}
