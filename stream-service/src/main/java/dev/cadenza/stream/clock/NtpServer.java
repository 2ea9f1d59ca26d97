package dev.cadenza.stream.clock;

/** An upstream NTP server as configured: {@code host} or {@code host:port}. */
public record NtpServer(String host, int port) {

  static final int DEFAULT_PORT = 123;

  /** Parses {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}. */
  public static NtpServer parse(String text) {
    String s = text.trim();
    String host = s;
    int port = DEFAULT_PORT;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'" + text + "' has no closing ']'");
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("'" + text + "' is not host or host:port");
        }
        port = port(text, rest.substring(1));
      }
    } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
      host = s.substring(0, s.indexOf(':'));
      port = port(text, s.substring(s.indexOf(':') + 1));
    }
    if (host.isEmpty() || !host.matches("[A-Za-z0-9.:%_-]+")) {
      throw new IllegalArgumentException("'" + text + "' is not host or host:port");
    }
    return new NtpServer(host, port);
  }

  private static int port(String text, String port) {
    try {
      int p = Integer.parseInt(port);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("'" + text + "' has no valid port (1-65535)");
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
