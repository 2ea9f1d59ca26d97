package dev.cadenza.operator;

import dev.cadenza.operator.dependent.StreamConfig;
import dev.cadenza.operator.dynamodb.DynamoDbClients;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The operator's own configuration, from its environment (the Helm chart sets it).
 *
 * @param streamImage image of the stream pods when a MusicDelivery names none
 * @param namespaces namespaces to watch; empty watches all
 * @param awsRegion region for DynamoDB when a MusicDelivery names none
 * @param leaseNamespace namespace of the leader-election Lease; null runs without leader election
 * @param healthPort port of the /healthz, /readyz and /metrics endpoints; 0 for none
 * @param healthAddress address those endpoints bind to
 * @param dynamoDbEndpoint DynamoDB endpoint ({@code http(s)://host[:port]}) when a MusicDelivery
 *     names none; null for AWS
 * @param leaseName name of the leader-election Lease in {@code leaseNamespace}: replicas of one
 *     installation share it, two installations in one namespace must not
 * @param podPolling where and how often the operator reads what the ready stream pods report
 */
public record OperatorSettings(
    String streamImage,
    Set<String> namespaces,
    String awsRegion,
    String leaseNamespace,
    int healthPort,
    String healthAddress,
    String dynamoDbEndpoint,
    String leaseName,
    PodPolling podPolling) {

  /**
   * Where and how often the operator reads each ready stream pod's {@code /actuator/info} for the
   * status's clock and catalogue: always the pods' HTTP port and every 30 s, except in tests (a
   * stub server on another port, a shorter interval).
   *
   * @param port the pods' HTTP port
   * @param interval time between two reads of one MusicDelivery's pods
   */
  public record PodPolling(int port, Duration interval) {
    public static final PodPolling DEFAULT =
        new PodPolling(StreamConfig.HTTP_PORT, Duration.ofSeconds(30));
  }

  /** With the pods' reports read as always ({@link PodPolling#DEFAULT}). */
  public OperatorSettings(
      String streamImage,
      Set<String> namespaces,
      String awsRegion,
      String leaseNamespace,
      int healthPort,
      String healthAddress,
      String dynamoDbEndpoint,
      String leaseName) {
    this(
        streamImage,
        namespaces,
        awsRegion,
        leaseNamespace,
        healthPort,
        healthAddress,
        dynamoDbEndpoint,
        leaseName,
        PodPolling.DEFAULT);
  }

  public static final String DYNAMODB_ENDPOINT = "CADENZA_DYNAMODB_ENDPOINT";

  public static final String LEASE_NAME = "CADENZA_LEASE_NAME";

  /** The Lease name when CADENZA_LEASE_NAME is not set. */
  public static final String DEFAULT_LEASE_NAME = Names.OPERATOR;

  /** A Lease's name: a DNS subdomain (RFC 1123), at most 253 characters. */
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  public static final String DEFAULT_IMAGE = "ghcr.io/cadenza/stream-service:0.1.0";

  /** For tests and tools: no leader election, no endpoints. */
  public OperatorSettings(String streamImage, Set<String> namespaces, String awsRegion) {
    this(streamImage, namespaces, awsRegion, null, 0, "127.0.0.1");
  }

  /** Without a default DynamoDB endpoint (AWS), with the default Lease name. */
  public OperatorSettings(
      String streamImage,
      Set<String> namespaces,
      String awsRegion,
      String leaseNamespace,
      int healthPort,
      String healthAddress) {
    this(
        streamImage,
        namespaces,
        awsRegion,
        leaseNamespace,
        healthPort,
        healthAddress,
        null,
        DEFAULT_LEASE_NAME);
  }

  /** The same settings with another default DynamoDB endpoint (null for AWS). */
  public OperatorSettings withDynamoDbEndpoint(String endpoint) {
    return new OperatorSettings(
        streamImage,
        namespaces,
        awsRegion,
        leaseNamespace,
        healthPort,
        healthAddress,
        endpoint,
        leaseName,
        podPolling);
  }

  /** The same settings reading the pods' reports at another port and interval; for tests. */
  public OperatorSettings withPodPolling(int port, Duration interval) {
    return new OperatorSettings(
        streamImage,
        namespaces,
        awsRegion,
        leaseNamespace,
        healthPort,
        healthAddress,
        dynamoDbEndpoint,
        leaseName,
        new PodPolling(port, interval));
  }

  /**
   * The DynamoDB endpoint of a MusicDelivery: its {@code spec.dynamodb.endpoint} when set, else
   * this default; null for AWS. The operator's client and the stream pods both use this one.
   */
  public String dynamoDbEndpoint(String specEndpoint) {
    return specEndpoint == null || specEndpoint.isBlank() ? dynamoDbEndpoint : specEndpoint;
  }

  /**
   * Reads CADENZA_STREAM_IMAGE, CADENZA_WATCH_NAMESPACES (comma-separated), AWS_REGION,
   * CADENZA_LEASE_NAMESPACE, CADENZA_LEASE_NAME, CADENZA_HEALTH_PORT, CADENZA_HEALTH_ADDRESS and
   * CADENZA_DYNAMODB_ENDPOINT, each from a system property of that name or else the environment.
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
            : new TreeSet<>(List.of(namespaces.strip().split("\\s*,\\s*"))),
        Objects.requireNonNullElse(lookup.apply("AWS_REGION"), "us-east-1"),
        lookup.apply("CADENZA_LEASE_NAMESPACE"),
        port(Objects.requireNonNullElse(lookup.apply("CADENZA_HEALTH_PORT"), "8081")),
        Objects.requireNonNullElse(lookup.apply("CADENZA_HEALTH_ADDRESS"), "0.0.0.0"),
        endpoint(lookup.apply(DYNAMODB_ENDPOINT)),
        leaseName(lookup.apply(LEASE_NAME)));
  }

  /** Empty or unset: the default; else a DNS subdomain name, as Kubernetes requires of a Lease. */
  private static String leaseName(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_LEASE_NAME;
    }
    String name = value.strip();
    if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
      throw new IllegalArgumentException(
          LEASE_NAME
              + " must be a Lease name (lower-case letters, digits, '-' and '.', at most 253"
              + " characters, starting and ending with a letter or digit), got '"
              + value
              + "'");
    }
    return name;
  }

  /** Empty or unset: none (AWS); else an absolute http(s) URL with a host. */
  private static String endpoint(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return DynamoDbClients.endpoint(value).toString();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          DYNAMODB_ENDPOINT + " must be http(s)://host[:port], got '" + value + "'", e);
    }
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
