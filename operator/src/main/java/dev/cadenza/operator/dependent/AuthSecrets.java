package dev.cadenza.operator.dependent;

import dev.cadenza.operator.Names;
import dev.cadenza.operator.crd.v1alpha1.Auth;
import dev.cadenza.operator.crd.v1alpha1.DynamoDb;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliverySpec;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecretKeySelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Secrets the stream pods read to authenticate ({@code spec.auth}): the first admin's password
 * ({@code CADENZA_AUTH_ADMIN_PASSWORD}) and the secret key that encrypts the users' recoverable
 * Subsonic secrets ({@code CADENZA_AUTH_SECRET_KEY}), each a {@code secretKeyRef} on the pod
 * template, never a value the operator copies.
 *
 * <p>What the spec does not name, the operator generates once in the Secret {@code <name>-auth} (a
 * random {@value #PASSWORD_LENGTH}-character password under {@code password}, {@value
 * #SECRET_KEY_BYTES} random bytes in base64 under {@code secret-key}) and never overwrites: a new
 * secret key would make every stored Subsonic secret unreadable. With {@code deletionPolicy:
 * Delete} the MusicDelivery owns it, so it goes with the resource and its tables; with {@code
 * Retain} it stays with the tables, so that a MusicDelivery made again under the same name reads
 * the retained users with the same key.
 *
 * <p>A named Secret that is missing, or lacks its key, is a problem the status reports with what to
 * create ({@link Report}); the pods could not start without it.
 */
public final class AuthSecrets {

  private static final Logger log = LoggerFactory.getLogger(AuthSecrets.class);

  /** Suffix of the generated Secret's name: {@code <name>-auth}. */
  public static final String SUFFIX = "-auth";

  static final int PASSWORD_LENGTH = 24;
  static final int SECRET_KEY_BYTES = 32;

  /** Letters and digits without the look-alikes (0 O 1 l I), for a password people may type. */
  private static final String ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

  private static final SecureRandom RANDOM = new SecureRandom();

  private AuthSecrets() {}

  /**
   * What this step found.
   *
   * @param problems each named Secret that is missing or lacks its key, with what to create; empty
   *     when the pods can read everything
   */
  public record Report(List<String> problems) {

    public static final Report OK = new Report(List.of());

    public Report {
      problems = List.copyOf(problems);
    }

    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /** The name of the Secret the operator generates for {@code md}. */
  public static String generatedName(MusicDelivery md) {
    return Names.of(md) + SUFFIX;
  }

  /** The first admin's name: {@code spec.auth.adminUsername}, else {@code admin}. */
  public static String adminUsername(MusicDeliverySpec spec) {
    Auth auth = spec.auth;
    return auth == null || auth.adminUsername == null
        ? Auth.DEFAULT_ADMIN_USERNAME
        : auth.adminUsername;
  }

  /** Where the pods read the admin password: the named Secret's key, else the generated one. */
  public static SecretKeySelector adminPassword(MusicDelivery md) {
    Auth auth = md.getSpec().auth;
    return selector(md, auth == null ? null : auth.adminPasswordSecret, Auth.DEFAULT_PASSWORD_KEY);
  }

  /** Where the pods read the secret key: the named Secret's key, else the generated one. */
  public static SecretKeySelector secretKey(MusicDelivery md) {
    Auth auth = md.getSpec().auth;
    return selector(md, auth == null ? null : auth.secretKeySecret, Auth.DEFAULT_SECRET_KEY_KEY);
  }

  /** Both references, the admin password's first. */
  static List<SecretKeySelector> references(MusicDelivery md) {
    return List.of(adminPassword(md), secretKey(md));
  }

  private static SecretKeySelector selector(
      MusicDelivery md, Auth.SecretKey named, String defaultKey) {
    if (named == null || named.name == null || named.name.isEmpty()) {
      return new SecretKeySelectorBuilder().withName(generatedName(md)).withKey(defaultKey).build();
    }
    return new SecretKeySelectorBuilder()
        .withName(named.name)
        .withKey(Objects.requireNonNullElse(named.key, defaultKey))
        .build();
  }

  /** Whether the operator generates a Secret for {@code md}: when it names one of the two not. */
  static boolean generates(MusicDelivery md) {
    String generated = generatedName(md);
    return references(md).stream().anyMatch(r -> r.getName().equals(generated));
  }

  /**
   * Creates the generated Secret if it is needed and missing, keeps its ownership in step with the
   * deletion policy, and checks that every Secret the pods read has its key.
   *
   * @throws KubernetesClientException when the API server does not answer or refuses
   */
  public static Report reconcile(MusicDelivery md, KubernetesClient client) {
    String namespace = md.getMetadata().getNamespace();
    Map<String, Secret> read = new HashMap<>();
    Function<String, Secret> secrets =
        name ->
            read.computeIfAbsent(
                name, n -> client.secrets().inNamespace(namespace).withName(n).get());
    if (generates(md)) {
      read.put(generatedName(md), generated(md, client, secrets.apply(generatedName(md))));
    }
    return check(md, secrets);
  }

  /** The problems of the Secrets {@code secrets} finds by name (null: none). */
  static Report check(MusicDelivery md, Function<String, Secret> secrets) {
    List<String> problems = new ArrayList<>();
    problem(
            md,
            "spec.auth.adminPasswordSecret",
            adminPassword(md),
            "the admin password",
            "<password>",
            secrets)
        .ifPresent(problems::add);
    problem(
            md,
            "spec.auth.secretKeySecret",
            secretKey(md),
            "a random key",
            "$(openssl rand -base64 32)",
            secrets)
        .ifPresent(problems::add);
    return new Report(problems);
  }

  private static Optional<String> problem(
      MusicDelivery md,
      String field,
      SecretKeySelector ref,
      String value,
      String literal,
      Function<String, Secret> secrets) {
    Secret secret = secrets.apply(ref.getName());
    String example =
        "kubectl create secret generic "
            + ref.getName()
            + " -n "
            + md.getMetadata().getNamespace()
            + " --from-literal="
            + ref.getKey()
            + "="
            + literal;
    boolean generated = ref.getName().equals(generatedName(md));
    String which = generated ? "the generated Secret " : field + ": Secret ";
    if (secret == null) {
      return Optional.of(
          which
              + ref.getName()
              + " not found in namespace "
              + md.getMetadata().getNamespace()
              + ": create it with "
              + value
              + " under the key "
              + ref.getKey()
              + " ("
              + example
              + ")");
    }
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    String encoded = data.get(ref.getKey());
    if (encoded == null || encoded.isEmpty()) {
      return Optional.of(
          which
              + ref.getName()
              + " has no key "
              + ref.getKey()
              + ": add "
              + value
              + " under it"
              + (generated ? " (the operator generates a Secret only when there is none)" : ""));
    }
    return Optional.empty();
  }

  /**
   * The generated Secret: {@code existing}, its owner reference added or removed to follow the
   * deletion policy (its data never touched), else a new one.
   */
  private static Secret generated(MusicDelivery md, KubernetesClient client, Secret existing) {
    if (existing == null) {
      Secret created = create(md, client);
      if (created != null) {
        log.info(
            "Generated the Secret {}/{} (admin password, secret key) for {}",
            md.getMetadata().getNamespace(),
            generatedName(md),
            Names.of(md));
        return created;
      }
      // another operator created it between our read and our create: use theirs
      existing =
          client
              .secrets()
              .inNamespace(md.getMetadata().getNamespace())
              .withName(generatedName(md))
              .get();
      if (existing == null) {
        return null;
      }
    }
    Map<String, String> labels = existing.getMetadata().getLabels();
    if (labels == null || !Names.MANAGED_BY.equals(labels.get("app.kubernetes.io/managed-by"))) {
      return existing; // the user's own Secret under that name: used, never changed
    }
    boolean owned = ownedBy(existing, md);
    if (owned == owns(md)) {
      return existing;
    }
    return client
        .secrets()
        .inNamespace(md.getMetadata().getNamespace())
        .withName(generatedName(md))
        .edit(
            s -> {
              List<OwnerReference> refs =
                  new ArrayList<>(
                      s.getMetadata().getOwnerReferences() == null
                          ? List.of()
                          : s.getMetadata().getOwnerReferences());
              refs.removeIf(r -> md.getMetadata().getUid().equals(r.getUid()));
              if (owns(md)) {
                refs.add(owner(md));
              }
              s.getMetadata().setOwnerReferences(refs);
              return s;
            });
  }

  /** A new generated Secret; null when one exists already (created by someone else meanwhile). */
  private static Secret create(MusicDelivery md, KubernetesClient client) {
    Secret secret = desired(md, RANDOM);
    try {
      return client.resource(secret).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return null;
      }
      throw e;
    }
  }

  /** The generated Secret with fresh random values from {@code random}. */
  static Secret desired(MusicDelivery md, SecureRandom random) {
    StringBuilder password = new StringBuilder(PASSWORD_LENGTH);
    for (int i = 0; i < PASSWORD_LENGTH; i++) {
      password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    byte[] key = new byte[SECRET_KEY_BYTES];
    random.nextBytes(key);
    Base64.Encoder base64 = Base64.getEncoder();
    return new SecretBuilder()
        .withNewMetadata()
        .withName(generatedName(md))
        .withNamespace(md.getMetadata().getNamespace())
        .withLabels(Names.labels(md))
        .withOwnerReferences(owns(md) ? List.of(owner(md)) : List.of())
        .endMetadata()
        .withType("Opaque")
        .addToData(
            Auth.DEFAULT_PASSWORD_KEY,
            base64.encodeToString(password.toString().getBytes(StandardCharsets.US_ASCII)))
        .addToData(Auth.DEFAULT_SECRET_KEY_KEY, base64.encodeToString(base64.encode(key)))
        .build();
  }

  /** With deletionPolicy Delete the generated Secret goes with the resource; Retain keeps it. */
  static boolean owns(MusicDelivery md) {
    return md.getSpec().dynamodb.deletionPolicy == DynamoDb.DeletionPolicy.Delete;
  }

  private static boolean ownedBy(Secret secret, MusicDelivery md) {
    List<OwnerReference> refs = secret.getMetadata().getOwnerReferences();
    return refs != null
        && refs.stream().anyMatch(r -> md.getMetadata().getUid().equals(r.getUid()));
  }

  private static OwnerReference owner(MusicDelivery md) {
    return new OwnerReferenceBuilder()
        .withApiVersion(md.getApiVersion())
        .withKind(md.getKind())
        .withName(Names.of(md))
        .withUid(md.getMetadata().getUid())
        .withController(true)
        .build();
  }
}
