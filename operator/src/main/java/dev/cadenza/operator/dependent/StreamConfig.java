package dev.cadenza.operator.dependent;

import dev.cadenza.operator.Names;
import dev.cadenza.operator.OperatorSettings;
import dev.cadenza.operator.crd.v1alpha1.Cache;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliverySpec;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliveryStatus;
import dev.cadenza.operator.crd.v1alpha1.Ntp;
import dev.cadenza.operator.crd.v1alpha1.Routing;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The ConfigMap of environment variables the stream pods start with: the contract between the
 * operator and the stream service (docs/configuration.md lists every key).
 */
public class StreamConfig extends CRUDKubernetesDependentResource<ConfigMap, MusicDelivery> {

  /** TCP port of the stream pods' HTTP server ({@code SERVER_PORT}): the API and the streams. */
  public static final int HTTP_PORT = 8080;

  /**
   * TCP port of the stream pods' management server ({@code MANAGEMENT_SERVER_PORT}): the actuator,
   * that is the probes, {@code /actuator/info} (which the operator reads) and the metrics. Read
   * without credentials, so no Service, Ingress or HTTPRoute leads to it (docs/operator.md).
   */
  public static final int MANAGEMENT_PORT = 8081;

  /**
   * The address the management server binds to in a pod: every interface, since the kubelet's
   * probes, the operator and Prometheus reach it at the pod's IP. The service's own default is
   * loopback, for runs outside a cluster.
   */
  static final String MANAGEMENT_ADDRESS = "0.0.0.0";

  /** UDP port of the pods' SNTP responder (the Service offers it as the standard port 123). */
  public static final int SNTP_PORT = 1123;

  /** Where the library volume is mounted in the stream pods. */
  public static final String LIBRARY_MOUNT = "/music";

  private final OperatorSettings settings;

  public StreamConfig() {
    this(OperatorSettings.load());
  }

  public StreamConfig(OperatorSettings settings) {
    super(ConfigMap.class);
    this.settings = settings;
  }

  @Override
  protected ConfigMap desired(MusicDelivery md, Context<MusicDelivery> context) {
    return build(md, settings);
  }

  public static ConfigMap build(MusicDelivery md, OperatorSettings settings) {
    return new ConfigMapBuilder()
        .withMetadata(Names.metadata(md))
        .withData(environment(md, settings))
        .build();
  }

  /**
   * The environment of {@code md}'s stream pods. Once the status records where the tables were
   * made, the pods are told that region and endpoint, so that a later change of spec.dynamodb or of
   * the operator's default (which the operator reports as Degraded DynamoDbLocationChanged and does
   * not follow) never points them where no tables are.
   */
  public static Map<String, String> environment(MusicDelivery md, OperatorSettings settings) {
    Map<String, String> env = environment(md.getSpec(), settings);
    MusicDeliveryStatus status = md.getStatus();
    if (status != null && status.dynamodb != null && status.dynamodb.region != null) {
      env.put("CADENZA_DYNAMODB_REGION", status.dynamodb.region);
      if (status.dynamodb.endpoint == null || status.dynamodb.endpoint.isBlank()) {
        env.remove("CADENZA_DYNAMODB_ENDPOINT");
      } else {
        env.put("CADENZA_DYNAMODB_ENDPOINT", status.dynamodb.endpoint);
      }
    }
    return env;
  }

  /** The environment of a stream pod, sorted so that its checksum is stable. */
  public static Map<String, String> environment(MusicDeliverySpec spec, OperatorSettings settings) {
    Map<String, String> env = new TreeMap<>();
    env.put("CADENZA_LIBRARY_PATH", LIBRARY_MOUNT);
    env.put("SERVER_PORT", Integer.toString(HTTP_PORT));
    env.put("MANAGEMENT_SERVER_PORT", Integer.toString(MANAGEMENT_PORT));
    env.put("MANAGEMENT_SERVER_ADDRESS", MANAGEMENT_ADDRESS);
    env.put("CADENZA_DYNAMODB_TABLE_PREFIX", spec.dynamodb.tablePrefix);
    env.put(
        "CADENZA_DYNAMODB_REGION",
        Objects.requireNonNullElse(spec.dynamodb.region, settings.awsRegion()));
    String endpoint = settings.dynamoDbEndpoint(spec.dynamodb.endpoint);
    if (endpoint != null) {
      env.put("CADENZA_DYNAMODB_ENDPOINT", endpoint);
    }
    Cache cache = Objects.requireNonNullElseGet(spec.cache, Cache::new);
    env.put("CADENZA_AUTH_ADMIN_USERNAME", AuthSecrets.adminUsername(spec));
    env.put("CADENZA_CACHE_MEMORY", Objects.requireNonNullElse(cache.memory, Cache.DEFAULT_MEMORY));
    env.put("CADENZA_CACHE_CHUNK_SIZE", Objects.requireNonNullElse(cache.chunkSize, "256Ki"));
    env.put("CADENZA_CACHE_TTL", Objects.requireNonNullElse(cache.ttl, "24h"));
    Ntp ntp = Objects.requireNonNullElseGet(spec.ntp, Ntp::new);
    env.put("CADENZA_CLOCK_NTP_SERVERS", ntp.servers == null ? "" : String.join(",", ntp.servers));
    env.put("CADENZA_CLOCK_NTP_POLL_INTERVAL", Objects.requireNonNullElse(ntp.pollInterval, "64s"));
    env.put("CADENZA_CLOCK_NTP_MAX_OFFSET", Objects.requireNonNullElse(ntp.maxOffset, "50ms"));
    env.put("CADENZA_CLOCK_NTP_REQUIRED", String.valueOf(Boolean.TRUE.equals(ntp.required)));
    env.put("CADENZA_CLOCK_SNTP_PORT", Integer.toString(SNTP_PORT));
    env.put(
        "CADENZA_METADATA_EMBEDDINGS",
        String.valueOf(spec.metadata == null || !Boolean.FALSE.equals(spec.metadata.embeddings)));
    env.putAll(clientLimits(spec.routing));
    return env;
  }

  /**
   * Who the pods count as one client. Behind the Ingress or HTTPRoute every player arrives from the
   * controller's few pods, whose addresses the operator cannot know (the cluster's pod network):
   * with spec.routing.trustedProxies the pods read the player from X-Forwarded-For; without, their
   * per-client caps on connections and event streams would hold all players together, so they are
   * off. Without a host the pods keep their own defaults.
   */
  static Map<String, String> clientLimits(Routing routing) {
    if (routing == null) {
      return Map.of();
    }
    if (routing.trustedProxies != null && !routing.trustedProxies.isEmpty()) {
      return Map.of("CADENZA_SERVER_TRUSTED_PROXIES", String.join(",", routing.trustedProxies));
    }
    if (routing.host != null && !routing.host.isEmpty()) {
      return Map.of(
          "CADENZA_SERVER_MAX_CONNECTIONS_PER_CLIENT", "0",
          "CADENZA_SERVER_MAX_EVENT_STREAMS_PER_CLIENT", "0");
    }
    return Map.of();
  }

  /** SHA-256 of the environment; on the pod template, so a configuration change rolls the pods. */
  public static String checksum(Map<String, String> environment) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      environment.forEach(
          (k, v) -> sha.update((k + '=' + v + '\n').getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
