package dev.cadenza.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The node's connection-tracking table ({@code /proc/net/nf_conntrack}), which records where
 * kube-proxy's DNAT sent each connection to a Service: so a test learns which pod serves a download
 * in flight without the service telling.
 */
final class Conntrack {

  private static final Path TABLE = Path.of("/proc/net/nf_conntrack");

  private Conntrack() {}

  /**
   * The address (host:port) that an established TCP connection from {@code client} to {@code
   * destination}:{@code port} is answered from: the pod behind a Service, or the destination
   * itself.
   */
  static Optional<String> backend(String client, String destination, int port) {
    try {
      for (String line : Files.readAllLines(TABLE)) {
        if (!line.contains(" tcp ") || !line.contains(" ESTABLISHED ")) {
          continue;
        }
        Map<String, String> original = new HashMap<>();
        Map<String, String> reply = new HashMap<>();
        for (String field : line.trim().split("\\s+")) {
          int eq = field.indexOf('=');
          if (eq > 0) {
            String key = field.substring(0, eq);
            // each tuple has src, dst, sport and dport: the first four are the original direction
            (original.containsKey(key) ? reply : original)
                .putIfAbsent(key, field.substring(eq + 1));
          }
        }
        if (client.equals(original.get("src"))
            && destination.equals(original.get("dst"))
            && String.valueOf(port).equals(original.get("dport"))) {
          return Optional.of(reply.get("src") + ":" + reply.get("sport"));
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
