package dev.cadenza.operator.crd.v1alpha1;

/**
 * The string formats of the CRD, as regular expressions that both the API server (the schema's
 * {@code pattern}, RE2) and the operator ({@code SpecValidation}, java.util.regex) read the same
 * way. docs/crd.md lists them.
 */
public final class Formats {

  /**
   * A duration: a number and one unit, as in Kubernetes ({@code 64s}). At most six digits, so that
   * every value fits the API server's CEL durations (about 290 years) and the operator's rules can
   * compare it.
   */
  public static final String DURATION = "^[0-9]{1,6}(ms|s|m|h)$";

  /**
   * A size as a Kubernetes quantity ({@code 512Mi}, {@code 500M}, {@code 256Ki}, {@code 4096}) that
   * the stream service also reads. At most nine digits, so that no suffix overflows a long.
   */
  public static final String QUANTITY = "^[0-9]{1,9}(Ki|Mi|Gi|k|M|G)?$";

  /**
   * A DNS-1035 label: what a Service may be named (a letter first, then lower-case letters, digits
   * and {@code -}, a letter or digit last; at most 63 characters, checked separately).
   */
  public static final String DNS_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

  /** A port number, 1 to 65535. */
  static final String PORT =
      "(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})";

  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";

  /**
   * A host as Java's {@code java.net.URI} (the operator's and the stream service's DynamoDB
   * clients) takes it: an IPv4 address, an IPv6 address in brackets, or a DNS name whose last label
   * starts with a letter.
   */
  static final String HOST =
      "(("
          + OCTET
          + "\\.){3}"
          + OCTET
          + "|\\[[0-9A-Fa-f:.]+\\]"
          + "|([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?\\.)*[A-Za-z]([-A-Za-z0-9]*[A-Za-z0-9])?)";

  /** A DynamoDB endpoint, {@code http(s)://host[:port]}; empty for AWS. */
  public static final String ENDPOINT = "^$|^https?://" + HOST + "(:" + PORT + ")?/?$";

  /**
   * An NTP server as the stream service reads it: {@code host}, {@code host:port}, {@code [v6]} or
   * {@code [v6]:port}, the port 1 to 65535.
   */
  public static final String NTP_SERVER =
      "^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\])(:" + PORT + ")?$";

  /**
   * A container image reference, {@code [registry[:port]/]path[:tag][@digest]}, as the container
   * runtime parses it (distribution's reference grammar): lower-case path components, no spaces.
   */
  public static final String IMAGE =
      "^(([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)(\\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*"
          + "(:[0-9]+)?/)?"
          + "[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*"
          + "(:[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127})?"
          + "(@[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$";

  /**
   * A host name players use: a lower-case DNS name (labels of at most 63 characters), optionally
   * starting with {@code *.}; empty for none.
   */
  public static final String HOST_NAME =
      "^$|^(\\*\\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$";

  /**
   * A trusted proxy as the stream service reads it ({@code cadenza.server.trusted-proxies}): an
   * IPv4 address or an IPv6 address, each with an optional CIDR prefix length ({@code
   * 10.244.0.0/16}, {@code fd00::/8}). The IPv6 form is only roughly checked here; the operator
   * parses it exactly ({@code SpecValidation}).
   */
  public static final String TRUSTED_PROXY =
      "^("
          + OCTET
          + "(\\."
          + OCTET
          + "){3}(/(3[0-2]|[12]?[0-9]))?"
          + "|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*(/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))?)$";

  /** A name of a namespaced object such as a Secret or a claim, without dots. */
  public static final String NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  private Formats() {}
}
