package dev.cadenza.operator;

import dev.cadenza.operator.dependent.StreamConfig;
import dev.cadenza.operator.dynamodb.DynamoDbClients;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
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
 * @param shutdownTimeout how long a stop (SIGTERM) may take before the process halts
 * @param podPolling where and how often the operator reads what the ready stream pods report
 * @param leaseOwner the operator's own Deployment in {@code leaseNamespace}, which the leader makes
 *     the Lease's owner so that deleting the Deployment ({@code helm uninstall}) deletes the Lease;
 *     null leaves the Lease unowned
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
    Duration shutdownTimeout,
    PodPolling podPolling,
    String leaseOwner) {

  /**
   * Where and how often the operator reads each ready stream pod's {@code /actuator/info} for the
   * status's clock and catalogue: always the pods' management port and every 30 s, except in tests
   * (a stub server on another port, a shorter interval).
   *
   * @param port the pods' management port
   * @param interval time between two reads of one MusicDelivery's pods
   */
  public record PodPolling(int port, Duration interval) {
    public static final PodPolling DEFAULT =
        new PodPolling(StreamConfig.MANAGEMENT_PORT, Duration.ofSeconds(30));
  }

  public static final String DYNAMODB_ENDPOINT = "CADENZA_DYNAMODB_ENDPOINT";

  public static final String LEASE_NAME = "CADENZA_LEASE_NAME";

  public static final String LEASE_OWNER = "CADENZA_LEASE_OWNER";

  /** The Lease name when CADENZA_LEASE_NAME is not set. */
  public static final String DEFAULT_LEASE_NAME = Names.OPERATOR;

  /** A Lease's name: a DNS subdomain (RFC 1123), at most 253 characters. */
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  public static final String DEFAULT_IMAGE = "ghcr.io/cadenza/stream-service:0.1.0";

  public static final String SHUTDOWN_TIMEOUT = "CADENZA_SHUTDOWN_TIMEOUT";

  /**
   * The stop's bound when CADENZA_SHUTDOWN_TIMEOUT is not set: room for a DynamoDB call in flight
   * ({@link DynamoDbClients#CALL_TIMEOUT}) and the closing after it, within Kubernetes' default 30
   * s termination grace period.
   */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

  /** A duration: a number and a unit ({@code 20s}), as the CRD writes them. */
  private static final Pattern DURATION = Pattern.compile("^([0-9]{1,9})(ms|s|m)$");

  public OperatorSettings {
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    Objects.requireNonNull(podPolling, "podPolling");
  }

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
        DEFAULT_LEASE_NAME,
        DEFAULT_SHUTDOWN_TIMEOUT,
        PodPolling.DEFAULT,
        null);
  }

  /** The same settings with another default DynamoDB endpoint (null for AWS). */
  public OperatorSettings withDynamoDbEndpoint(String endpoint) {
    return with(endpoint, podPolling);
  }

  /** The same settings reading the pods' reports at another port and interval; for tests. */
  public OperatorSettings withPodPolling(int port, Duration interval) {
    return with(dynamoDbEndpoint, new PodPolling(port, interval));
  }

  private OperatorSettings with(String endpoint, PodPolling polling) {
    return new OperatorSettings(
        streamImage,
        namespaces,
        awsRegion,
        leaseNamespace,
        healthPort,
        healthAddress,
        endpoint,
        leaseName,
        shutdownTimeout,
        polling,
        leaseOwner);
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
   * CADENZA_LEASE_NAMESPACE, CADENZA_LEASE_NAME, CADENZA_LEASE_OWNER, CADENZA_HEALTH_PORT,
   * CADENZA_HEALTH_ADDRESS, CADENZA_DYNAMODB_ENDPOINT and CADENZA_SHUTDOWN_TIMEOUT, each from a
   * system property of that name or else the environment.
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
        leaseName(lookup.apply(LEASE_NAME)),
        shutdownTimeout(lookup.apply(SHUTDOWN_TIMEOUT)),
        PodPolling.DEFAULT,
        leaseOwner(lookup.apply(LEASE_OWNER)));
  }

  /** Empty or unset: the default; else a positive duration such as {@code 20s}. */
  private static Duration shutdownTimeout(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_SHUTDOWN_TIMEOUT;
    }
    Matcher m = DURATION.matcher(value.strip());
    Duration timeout =
        !m.matches()
            ? Duration.ZERO
            : switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(Long.parseLong(m.group(1)));
              case "s" -> Duration.ofSeconds(Long.parseLong(m.group(1)));
              default -> Duration.ofMinutes(Long.parseLong(m.group(1)));
            };
    if (timeout.isZero()) {
      throw new IllegalArgumentException(
          SHUTDOWN_TIMEOUT
              + " must be a duration greater than zero, a number and ms, s or m (such as 20s), got '"
              + value
              + "'");
    }
    return timeout;
  }

  /** Empty or unset: the default; else a DNS subdomain name, as Kubernetes requires of a Lease. */
  private static String leaseName(String value) {
    return Objects.requireNonNullElse(objectName(LEASE_NAME, "a Lease", value), DEFAULT_LEASE_NAME);
  }

  /** Empty or unset: none; else a Deployment's name. */
  private static String leaseOwner(String value) {
    return objectName(LEASE_OWNER, "a Deployment", value);
  }

  /** Empty or unset: null; else an object's name, a DNS subdomain name (RFC 1123). */
  private static String objectName(String variable, String what, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String name = value.strip();
    if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
      throw new IllegalArgumentException(
          variable
              + " must be "
              + what
              + " name (lower-case letters, digits, '-' and '.', at most 253"
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
