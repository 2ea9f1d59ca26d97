package dev.cadenza.stream.web;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A block of IP addresses in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}), or one address
 * ({@code 192.0.2.7}: a /32 or /128). An IPv4 address written as IPv4-mapped IPv6 ({@code
 * ::ffff:192.0.2.7}) is the IPv4 address.
 */
public final class AddressRange {

  private final byte[] network;
  private final int prefix;

  private AddressRange(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /** Parses {@code text} without any name lookup: only address literals are accepted. */
  public static AddressRange parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    String address = slash < 0 ? s : s.substring(0, slash);
    byte[] bytes = literal(address);
    if (bytes == null) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an IP address or CIDR range (e.g. 10.0.0.0/8, fd00::/8)");
    }
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String length = s.substring(slash + 1);
      if (!length.matches("[0-9]{1,3}") || Integer.parseInt(length) > bits) {
        throw new IllegalArgumentException(
            "'" + text + "' has no valid prefix length: expected /0 to /" + bits);
      }
      prefix = Integer.parseInt(length);
    }
    return new AddressRange(mask(bytes, prefix), prefix);
  }

  /**
   * The address {@code text} names, or null when it is not an IPv4 or IPv6 literal (names are never
   * looked up).
   */
  public static InetAddress literalAddress(String text) {
    byte[] bytes = literal(text);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      return null; // cannot happen for 4 or 16 bytes
    }
  }

  public boolean contains(InetAddress address) {
    byte[] bytes = ipv4IfMapped(address.getAddress());
    return bytes.length == network.length && Arrays.equals(mask(bytes, prefix), network);
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 4 or 16 bytes
    }
  }

  /**
   * The bytes of an IPv4 address in dotted-quad form (Netty's parser) or of an IPv6 address
   * (Java's, which also reads an IPv4 tail anywhere it may stand, as the operator's check does), or
   * null. Java reads a string with a {@code :} that starts with a hex digit or {@code :} as an IPv6
   * literal or refuses it; it never looks one up.
   */
  private static byte[] literal(String text) {
    String s =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (s.isEmpty() || s.indexOf('%') >= 0) {
      return null; // no zone ids: they name an interface, not a client
    }
    if (s.indexOf(':') < 0) {
      return NetUtil.isValidIpV4Address(s) ? NetUtil.createByteArrayFromIpAddressString(s) : null;
    }
    if (Character.digit(s.charAt(0), 16) < 0 && s.charAt(0) != ':') {
      return null;
    }
    try {
      return ipv4IfMapped(InetAddress.getByName(s).getAddress());
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] ipv4IfMapped(byte[] bytes) {
    if (bytes.length != 16) {
      return bytes;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return bytes;
      }
    }
    if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
      return bytes;
    }
    return Arrays.copyOfRange(bytes, 12, 16);
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] masked = bytes.clone();
    for (int i = 0; i < masked.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      masked[i] &= (byte) (0xff << (8 - keep));
    }
    return masked;
  }
}
