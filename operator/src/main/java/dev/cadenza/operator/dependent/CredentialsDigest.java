package dev.cadenza.operator.dependent;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the stream pods' credentials are: the SHA-256 of what they read from Secrets, only when they
 * start: the data of {@code spec.dynamodb.credentialsSecret} (all of it, their environment), and
 * the admin password and secret key of {@code spec.auth} ({@link AuthSecrets}: one key of a Secret
 * each, the generated {@code <name>-auth} for what the spec does not name). On the pod template
 * ({@link #ANNOTATION}), so that a rotated Secret rolls the pods.
 *
 * <p>The operator reads those Secrets with {@code get}, when it reconciles and every {@link #POLL}
 * ({@link #eventSource}), rather than watching Secrets: a watch needs {@code list} and {@code
 * watch} on every Secret in the namespace (RBAC cannot narrow them to the Secrets that
 * MusicDeliveries name, nor to a label); a poll reconciles a MusicDelivery only when the digest
 * changed.
 *
 * @param secrets the names of the Secrets that were there, sorted
 * @param sha256 hex SHA-256 of what the pods read of them, by Secret and key
 */
public record CredentialsDigest(List<String> secrets, String sha256) {

  /** Pod-template annotation with {@link #sha256}. */
  public static final String ANNOTATION = "cadenza.dev/credentials-hash";

  /** How often the operator reads each MusicDelivery's Secrets. */
  public static final Duration POLL = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(CredentialsDigest.class);

  /**
   * The digest of the Secrets {@code md}'s pods read, as {@code secrets} finds them by name (null:
   * none, the data as the API serves it, base64); empty when none of them exists.
   */
  public static Optional<CredentialsDigest> of(MusicDelivery md, Function<String, Secret> secrets) {
    Map<String, String> read = new TreeMap<>();
    Set<String> found = new TreeSet<>();
    String credentials = md.getSpec().dynamodb.credentialsSecret;
    if (credentials != null && !credentials.isEmpty()) {
      Secret secret = secrets.apply(credentials);
      if (secret != null) {
        found.add(credentials);
        data(secret).forEach((key, value) -> read.put(credentials + "/" + key, value));
      }
    }
    for (SecretKeySelector ref : AuthSecrets.references(md)) {
      Secret secret = secrets.apply(ref.getName());
      if (secret != null) {
        found.add(ref.getName());
        String value = data(secret).get(ref.getKey());
        if (value != null) {
          read.put(ref.getName() + "/" + ref.getKey(), value);
        }
      }
    }
    return found.isEmpty()
        ? Optional.empty()
        : Optional.of(new CredentialsDigest(List.copyOf(found), StreamConfig.checksum(read)));
  }

  private static Map<String, String> data(Secret secret) {
    return secret.getData() == null ? Map.of() : secret.getData();
  }

  /**
   * The digest of the Secrets {@code md}'s pods read, read now, each once; empty when none exists.
   *
   * @throws KubernetesClientException when the API server does not answer or refuses a read
   */
  public static Optional<CredentialsDigest> read(KubernetesClient client, MusicDelivery md) {
    String namespace = md.getMetadata().getNamespace();
    Map<String, Optional<Secret>> read = new HashMap<>();
    return of(
        md,
        name ->
            read.computeIfAbsent(
                    name,
                    n ->
                        Optional.ofNullable(
                            client.secrets().inNamespace(namespace).withName(n).get()))
                .orElse(null));
  }

  /**
   * Polls the Secrets of each MusicDelivery, and triggers its reconciliation when the digest
   * changes (a Secret rotated, created or deleted); the reconciliation reads them again for the pod
   * template. A failed read keeps the digest read last: an unreachable API server must not look
   * like a rotation.
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
                "Cannot read the Secrets of {}/{}: {}",
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
