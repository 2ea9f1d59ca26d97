package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.DynamoDb;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
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
 */
final class StreamTables implements AutoCloseable {

  /** A credentials secret that is missing or incomplete: the user must fix the resource. */
  static final class CredentialsProblem extends RuntimeException {
    CredentialsProblem(String message) {
      super(message);
    }
  }

  private final OperatorSettings settings;
  private volatile DynamoDbClients clients;

  StreamTables(OperatorSettings settings) {
    this.settings = settings;
    this.clients = new DynamoDbClients(settings.awsRegion());
  }

  DynamoDbTables.Report reconcile(MusicDelivery md, KubernetesClient kubernetes) {
    return tables(md, kubernetes).reconcile();
  }

  DynamoDbTables.DeletionReport delete(MusicDelivery md, KubernetesClient kubernetes) {
    return tables(md, kubernetes).delete();
  }

  private DynamoDbTables tables(MusicDelivery md, KubernetesClient kubernetes) {
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
        clients.client(spec.region, settings.dynamoDbEndpoint(spec.endpoint), credentials),
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
