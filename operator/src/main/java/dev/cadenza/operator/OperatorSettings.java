package dev.cadenza.operator;

import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The operator's own configuration, from its environment (the Helm chart sets it).
 *
 * @param streamImage image of the stream pods when a MusicDelivery names none
 * @param namespaces namespaces to watch; empty watches all
 * @param awsRegion region for DynamoDB when a MusicDelivery names none
 * @param leaseNamespace namespace of the leader-election Lease; null runs without leader election
 * @param healthPort port of the /healthz, /readyz and /metrics endpoints; 0 for none
 * @param healthAddress address those endpoints bind to
 */
public record OperatorSettings(
    String streamImage,
    Set<String> namespaces,
    String awsRegion,
    String leaseNamespace,
    int healthPort,
    String healthAddress) {

  public static final String DEFAULT_IMAGE = "ghcr.io/cadenza/stream-service:0.1.0";

  /** For tests and tools: no leader election, no endpoints. */
  public OperatorSettings(String streamImage, Set<String> namespaces, String awsRegion) {
    this(streamImage, namespaces, awsRegion, null, 0, "127.0.0.1");
  }

  /**
   * Reads CADENZA_STREAM_IMAGE, CADENZA_WATCH_NAMESPACES (comma-separated), AWS_REGION,
   * CADENZA_LEASE_NAMESPACE, CADENZA_HEALTH_PORT and CADENZA_HEALTH_ADDRESS, each from a system
   * property of that name or else the environment.
   */
  public static OperatorSettings load() {
    return from(
        key -> {
          String value = System.getProperty(key);
          return value != null ? value : System.getenv(key);
        });
  }

  static OperatorSettings from(Function<String, String> lookup) {
    String namespaces = Objects.requireNonNullElse(lookup.apply("CADENZA_WATCH_NAMESPACES"), "");
    return new OperatorSettings(
        Objects.requireNonNullElse(lookup.apply("CADENZA_STREAM_IMAGE"), DEFAULT_IMAGE),
        namespaces.isBlank()
            ? Set.of()
            : new java.util.TreeSet<>(java.util.List.of(namespaces.strip().split("\\s*,\\s*"))),
        Objects.requireNonNullElse(lookup.apply("AWS_REGION"), "us-east-1"),
        lookup.apply("CADENZA_LEASE_NAMESPACE"),
        port(Objects.requireNonNullElse(lookup.apply("CADENZA_HEALTH_PORT"), "8081")),
        Objects.requireNonNullElse(lookup.apply("CADENZA_HEALTH_ADDRESS"), "0.0.0.0"));
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value.strip());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "CADENZA_HEALTH_PORT must be a port number (0-65535), got '" + value + "'");
    }
  }
}
