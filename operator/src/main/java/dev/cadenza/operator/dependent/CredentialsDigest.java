package dev.cadenza.operator.dependent;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the stream pods' credentials are: the SHA-256 of the data of the Secret {@code
 * spec.dynamodb.credentialsSecret} names, which the pods read (as environment) only when they
 * start. On the pod template ({@link #ANNOTATION}), so that a rotated Secret rolls the pods.
 *
 * <p>The operator reads that one Secret with {@code get}, when it reconciles and every {@link
 * #POLL} ({@link #eventSource}), rather than watching Secrets: a watch needs {@code list} and
 * {@code watch} on every Secret in the namespace (RBAC cannot narrow them to the Secrets that
 * MusicDeliveries name, nor to a label); a poll reconciles a MusicDelivery only when the digest
 * changed.
 *
 * @param secret the Secret's name
 * @param sha256 hex SHA-256 of its data, keys sorted
 */
public record CredentialsDigest(String secret, String sha256) {

  /** Pod-template annotation with {@link #sha256}. */
  public static final String ANNOTATION = "cadenza.dev/credentials-hash";

  /** How often the operator reads each credentials Secret. */
  public static final Duration POLL = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(CredentialsDigest.class);

  /** The digest of a Secret's data (as the API serves it, base64). */
  public static CredentialsDigest of(Secret secret) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    return new CredentialsDigest(
        secret.getMetadata().getName(), StreamConfig.checksum(new TreeMap<>(data)));
  }

  /**
   * The digest of the credentials Secret {@code md} names, read now; empty when it names none or
   * the Secret does not exist.
   *
   * @throws KubernetesClientException when the API server does not answer or refuses the read
   */
  public static Optional<CredentialsDigest> read(KubernetesClient client, MusicDelivery md) {
    String name = md.getSpec().dynamodb.credentialsSecret;
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    Secret secret =
        client.secrets().inNamespace(md.getMetadata().getNamespace()).withName(name).get();
    return Optional.ofNullable(secret).map(CredentialsDigest::of);
  }

  /**
   * Polls the credentials Secret of each MusicDelivery that names one, and triggers its
   * reconciliation when the digest changes (the Secret rotated, created or deleted); the
   * reconciliation reads the Secret again for the pod template. A failed read keeps the digest read
   * last: an unreachable API server must not look like a rotation.
   */
  public static PerResourcePollingEventSource<CredentialsDigest, MusicDelivery, String> eventSource(
      EventSourceContext<MusicDelivery> context) {
    KubernetesClient client = context.getClient();
    AtomicReference<PerResourcePollingEventSource<CredentialsDigest, MusicDelivery, String>> self =
        new AtomicReference<>();
    PerResourcePollingEventSource.ResourceFetcher<CredentialsDigest, MusicDelivery> fetcher =
        md -> {
          try {
            return read(client, md).map(Set::of).orElse(Set.of());
          } catch (KubernetesClientException e) {
            // reported by the reconciliation, which reads the same Secret
            log.debug(
                "Cannot read the credentials Secret of {}/{}: {}",
                md.getMetadata().getNamespace(),
                md.getMetadata().getName(),
                e.getMessage());
            return self.get().getSecondaryResources(ResourceID.fromResource(md));
          }
        };
    PerResourcePollingEventSource<CredentialsDigest, MusicDelivery, String> source =
        new PerResourcePollingEventSource<>(
            CredentialsDigest.class,
            context,
            new PerResourcePollingConfigurationBuilder<CredentialsDigest, MusicDelivery, String>(
                    fetcher, POLL)
                .withName("credentials-secret")
                .withResourceIDMapper(ResourceIDMapper.singleResourceResourceIDMapper())
                .build());
    self.set(source);
    return source;
  }
}
