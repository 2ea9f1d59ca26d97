package dev.cadenza.operator.dynamodb;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The operator's DynamoDB clients, one per (region, endpoint, credentials), built on first use and
 * closed by {@link #close()} (on the operator's shutdown).
 *
 * <p>Every client uses the JDK's URL-connection HTTP client with {@value #TIMEOUT_SECONDS} s
 * connect and read timeouts, at most {@value #MAX_ATTEMPTS} attempts per call and a bound on the
 * whole call, so that an endpoint that is down makes a call fail within seconds (connection
 * refused: well under one) instead of blocking a reconciler thread.
 *
 * <p>Credentials are the static ones a MusicDelivery's secret gives, or else the default AWS
 * credential chain (environment, web identity/IRSA, profile, container and instance roles). The
 * region is the MusicDelivery's or else the operator's default; the endpoint, chosen by the caller,
 * likewise (see {@code OperatorSettings.dynamoDbEndpoint(String)}).
 *
 * <p>At most {@value #MAX_CLIENTS} clients are kept; the least recently used one beyond that is
 * closed (rotated credentials otherwise leave old clients behind).
 */
public final class DynamoDbClients implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbClients.class);

  /** Connect and socket (read) timeout of every request, in seconds. */
  public static final int TIMEOUT_SECONDS = 5;

  /** Attempts per call: one retry for a transient failure, no long retry storms. */
  public static final int MAX_ATTEMPTS = 2;

  /** Clients kept at once. */
  public static final int MAX_CLIENTS = 32;

  /** Bound on one attempt, including reading the answer. */
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(TIMEOUT_SECONDS + 1L);

  /** Bound on one call, retries and back-off included. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(2L * (TIMEOUT_SECONDS + 1L) + 2L);

  /**
   * Static credentials (from a MusicDelivery's credentials secret). {@link #toString()} does not
   * show the secret.
   *
   * @param accessKeyId AWS_ACCESS_KEY_ID
   * @param secretAccessKey AWS_SECRET_ACCESS_KEY
   * @param sessionToken AWS_SESSION_TOKEN, or null
   */
  public record StaticCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {

    public StaticCredentials {
      if (accessKeyId == null || accessKeyId.isBlank()) {
        throw new IllegalArgumentException("AWS_ACCESS_KEY_ID is missing or empty");
      }
      if (secretAccessKey == null || secretAccessKey.isBlank()) {
        throw new IllegalArgumentException("AWS_SECRET_ACCESS_KEY is missing or empty");
      }
      if (sessionToken != null && sessionToken.isBlank()) {
        sessionToken = null;
      }
    }

    public StaticCredentials(String accessKeyId, String secretAccessKey) {
      this(accessKeyId, secretAccessKey, null);
    }

    AwsCredentialsProvider provider() {
      return StaticCredentialsProvider.create(
          sessionToken == null
              ? AwsBasicCredentials.create(accessKeyId, secretAccessKey)
              : AwsSessionCredentials.create(accessKeyId, secretAccessKey, sessionToken));
    }

    @Override
    public String toString() {
      return "StaticCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=***]";
    }
  }

  /**
   * Where a client goes and as whom.
   *
   * @param region AWS region (also the signing region of a custom endpoint)
   * @param endpoint a DynamoDB-compatible endpoint, or null for AWS
   * @param credentials static credentials, or null for the default credential chain
   */
  public record Target(String region, URI endpoint, StaticCredentials credentials) {
    public Target {
      Objects.requireNonNull(region, "region");
    }
  }

  private final String defaultRegion;
  private final Map<Target, DynamoDbClient> clients = new LinkedHashMap<>(16, 0.75f, true);
  private AwsCredentialsProvider defaultChain;
  private boolean closed;

  /**
   * @param defaultRegion the region of a MusicDelivery that names none (the operator's AWS_REGION)
   */
  public DynamoDbClients(String defaultRegion) {
    if (defaultRegion == null || defaultRegion.isBlank()) {
      throw new IllegalArgumentException("the operator's default AWS region is not set");
    }
    this.defaultRegion = defaultRegion;
  }

  /**
   * The client for a MusicDelivery's {@code spec.dynamodb}.
   *
   * @param region the spec's region, or null/empty for the operator's default
   * @param endpoint the spec's endpoint ({@code http(s)://host[:port]}), or null/empty for AWS
   * @param credentials the credentials secret's keys, or null for the default credential chain
   * @throws IllegalArgumentException if the endpoint is not an http(s) URL
   */
  public DynamoDbClient client(String region, String endpoint, StaticCredentials credentials) {
    return client(target(region, endpoint, credentials));
  }

  /** The client for a target, built on first use. */
  public synchronized DynamoDbClient client(Target target) {
    if (closed) {
      throw new IllegalStateException("DynamoDbClients is closed");
    }
    DynamoDbClient client = clients.get(target);
    if (client == null) {
      if (target.credentials() == null && defaultChain == null) {
        defaultChain = DefaultCredentialsProvider.builder().build();
      }
      client = build(target, target.credentials() == null ? defaultChain : null);
      clients.put(target, client);
      LOG.debug("DynamoDB client for {}", target);
      evictBeyondLimit();
    }
    return client;
  }

  /** The target for a MusicDelivery's settings, with the operator's defaults filled in. */
  public Target target(String region, String endpoint, StaticCredentials credentials) {
    return new Target(
        region == null || region.isBlank() ? defaultRegion : region,
        endpoint(endpoint),
        credentials);
  }

  /** Number of clients kept. */
  public synchronized int size() {
    return clients.size();
  }

  /** Closes every client. Later {@link #client} calls fail. */
  @Override
  public synchronized void close() {
    closed = true;
    List<SdkAutoCloseable> all = new ArrayList<>(clients.values());
    clients.clear();
    if (defaultChain instanceof SdkAutoCloseable chain) {
      all.add(chain);
    }
    defaultChain = null;
    for (SdkAutoCloseable c : all) {
      try {
        c.close();
      } catch (RuntimeException e) {
        LOG.warn("closing a DynamoDB client failed", e);
      }
    }
  }

  /**
   * Builds a client for a target (not cached). With no static credentials, {@code defaultChain} is
   * used (the default credential chain when null).
   */
  public static DynamoDbClient build(Target target, AwsCredentialsProvider defaultChain) {
    AwsCredentialsProvider credentials =
        target.credentials() != null
            ? target.credentials().provider()
            : defaultChain != null ? defaultChain : DefaultCredentialsProvider.builder().build();
    DynamoDbClientBuilder builder =
        DynamoDbClient.builder()
            .region(Region.of(target.region()))
            .credentialsProvider(credentials)
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(TIMEOUT_SECONDS))
                    .socketTimeout(Duration.ofSeconds(TIMEOUT_SECONDS)))
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .retryStrategy(b -> b.maxAttempts(MAX_ATTEMPTS))
                    .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                    .apiCallTimeout(CALL_TIMEOUT)
                    .build());
    if (target.endpoint() != null) {
      builder.endpointOverride(target.endpoint());
    }
    return builder.build();
  }

  /**
   * Parses an endpoint (a spec's or the operator's default): null/empty for none, else an absolute
   * http(s) URL with a host.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static URI endpoint(String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      return null;
    }
    URI uri;
    try {
      uri = URI.create(endpoint.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("DynamoDB endpoint is not a URL: " + endpoint, e);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "DynamoDB endpoint must be http(s)://host[:port], not " + endpoint);
    }
    return uri;
  }

  private void evictBeyondLimit() {
    var it = clients.entrySet().iterator();
    while (clients.size() > MAX_CLIENTS && it.hasNext()) {
      Map.Entry<Target, DynamoDbClient> eldest = it.next();
      it.remove();
      LOG.debug("closing the least recently used DynamoDB client for {}", eldest.getKey());
      eldest.getValue().close();
    }
  }
}
