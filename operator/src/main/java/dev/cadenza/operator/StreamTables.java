package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.DynamoDb;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliveryStatus;
import dev.cadenza.operator.dynamodb.DynamoDbClients;
import dev.cadenza.operator.dynamodb.DynamoDbTables;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The DynamoDB tables of MusicDeliveries: one client per endpoint and credentials, shared by all
 * reconciliations, with credentials from the resource's secret or the default chain, and the
 * resource's endpoint or else the operator's default one (the one its pods are given).
 *
 * <p>Where a resource's tables were made is recorded in its status ({@code status.dynamodb}): its
 * tables are deleted there, even when the operator's default endpoint or region has changed since,
 * and they are not reconciled at another place that the spec or the defaults now give (see {@link
 * LocationChanged}).
 */
final class StreamTables implements AutoCloseable {

  /** A credentials secret that is missing or incomplete: the user must fix the resource. */
  static final class CredentialsProblem extends RuntimeException {
    CredentialsProblem(String message) {
      super(message);
    }
  }

  /**
   * Where a resource's tables are: the region and endpoint of its DynamoDB calls.
   *
   * @param region AWS region
   * @param endpoint a DynamoDB endpoint, or null for AWS
   */
  record Location(String region, String endpoint) {

    /** The location recorded in a resource's status; null when none is. */
    static Location recorded(MusicDelivery md) {
      MusicDeliveryStatus status = md.getStatus();
      if (status == null || status.dynamodb == null || status.dynamodb.region == null) {
        return null;
      }
      String endpoint = status.dynamodb.endpoint;
      return new Location(
          status.dynamodb.region, endpoint == null || endpoint.isBlank() ? null : endpoint);
    }

    MusicDeliveryStatus.TablesLocation toStatus() {
      MusicDeliveryStatus.TablesLocation status = new MusicDeliveryStatus.TablesLocation();
      status.region = region;
      status.endpoint = endpoint;
      return status;
    }

    @Override
    public String toString() {
      return (endpoint == null ? "AWS DynamoDB" : endpoint) + " (region " + region + ")";
    }
  }

  /**
   * The spec or the operator's defaults now give another location than the one the tables were
   * created at: the operator neither creates tables at the new one nor touches the old ones there,
   * until the user restores the setting or removes {@code status.dynamodb} to move on.
   */
  static final class LocationChanged extends RuntimeException {
    LocationChanged(Location recorded, Location now) {
      super(
          "the DynamoDB tables were created at "
              + recorded
              + ", but spec.dynamodb and the operator's defaults now give "
              + now
              + ". The operator creates no tables there and leaves those at the old place alone;"
              + " deletionPolicy Delete would delete the old ones. Restore the former setting, or,"
              + " to use the new place, remove status.dynamodb (kubectl patch musicdelivery NAME"
              + " --subresource=status --type=json"
              + " -p '[{\"op\":\"remove\",\"path\":\"/status/dynamodb\"}]')");
    }
  }

  private final OperatorSettings settings;
  private volatile DynamoDbClients clients;

  StreamTables(OperatorSettings settings) {
    this.settings = settings;
    this.clients = new DynamoDbClients(settings.awsRegion());
  }

  /**
   * Where a resource's tables go now: its spec's region and endpoint, else the operator's defaults.
   *
   * @throws IllegalArgumentException if the endpoint is not an http(s) URL with a host
   */
  Location location(MusicDelivery md) {
    DynamoDb spec = md.getSpec().dynamodb;
    DynamoDbClients.Target target =
        clients.target(spec.region, settings.dynamoDbEndpoint(spec.endpoint), null);
    return new Location(
        target.region(), target.endpoint() == null ? null : target.endpoint().toString());
  }

  /**
   * Brings the tables towards the spec at {@link #location}; the caller records that location in
   * the status once this succeeds.
   *
   * @throws LocationChanged if the status records another location
   */
  DynamoDbTables.Report reconcile(MusicDelivery md, KubernetesClient kubernetes) {
    Location now = location(md);
    Location recorded = Location.recorded(md);
    if (recorded != null && !recorded.equals(now)) {
      throw new LocationChanged(recorded, now);
    }
    return tables(md, kubernetes, now).reconcile();
  }

  /**
   * Deletes the tables where the status records they were made; only when nothing is recorded (a
   * resource from before the record, or one whose tables were never reached) at {@link #location}.
   */
  DynamoDbTables.DeletionReport delete(MusicDelivery md, KubernetesClient kubernetes) {
    Location recorded = Location.recorded(md);
    return tables(md, kubernetes, recorded != null ? recorded : location(md)).delete();
  }

  private DynamoDbTables tables(MusicDelivery md, KubernetesClient kubernetes, Location at) {
    DynamoDb spec = md.getSpec().dynamodb;
    String namespace = md.getMetadata().getNamespace();
    DynamoDbClients.StaticCredentials credentials = null;
    if (spec.credentialsSecret != null && !spec.credentialsSecret.isEmpty()) {
      Secret secret =
          kubernetes.secrets().inNamespace(namespace).withName(spec.credentialsSecret).get();
      if (secret == null) {
        throw new CredentialsProblem(
            "dynamodb.credentialsSecret '" + spec.credentialsSecret + "' does not exist");
      }
      Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
      try {
        credentials =
            new DynamoDbClients.StaticCredentials(
                decode(data.get("AWS_ACCESS_KEY_ID")),
                decode(data.get("AWS_SECRET_ACCESS_KEY")),
                decode(data.get("AWS_SESSION_TOKEN")));
      } catch (IllegalArgumentException e) {
        throw new CredentialsProblem(
            "dynamodb.credentialsSecret '" + spec.credentialsSecret + "': " + e.getMessage());
      }
    }
    return new DynamoDbTables(
        clients.client(at.region(), at.endpoint(), credentials),
        DynamoDbTables.Settings.of(spec, namespace, md.getMetadata().getName()));
  }

  private static String decode(String base64) {
    return base64 == null
        ? null
        : new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8).strip();
  }

  /**
   * Closes the clients built so far (on the operator's stop). Later reconciliations, after the
   * operator is started again, build new ones: a closed client is never handed out.
   */
  @Override
  public synchronized void close() {
    DynamoDbClients old = clients;
    clients = new DynamoDbClients(settings.awsRegion());
    old.close();
  }
}
