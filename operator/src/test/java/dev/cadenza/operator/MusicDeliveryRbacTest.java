package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.dependent.CredentialsDigest;
import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.operator.testsupport.OperatorUnderTest;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator with only the rights of operator/deploy/cluster-role.yaml (impersonating its
 * ServiceAccount against the RBAC-enabled API server) still elects itself leader and brings a
 * MusicDelivery up.
 */
@ExtendWith(DynaliteExtension.class)
class MusicDeliveryRbacTest {

  static final String NS = "rbac";
  static final String SERVICE_ACCOUNT = KubeApi.OPERATOR_SERVICE_ACCOUNT;

  /** Leader election in the watched namespace, with the settings the pods get. */
  @RegisterExtension
  static final OperatorUnderTest operator =
      OperatorUnderTest.with(
              new OperatorSettings("cadenza/rbac:1", Set.of(NS), "ap-south-1", NS, 0, "127.0.0.1"))
          .withDeployedClusterRole();

  static final KubeApi kube = operator.kube();

  @Test
  void operatorSucceedsWithOnlyItsClusterRole(Dynalite dynalite) {
    KubernetesClient admin = kube.client();
    assertThatThrownBy(() -> operator.client().pods().inNamespace(NS).withName("x").delete())
        .as(
            "impersonation is in force: the ClusterRole lets the operator watch pods, not delete them")
        .hasMessageContaining("Forbidden");
    String yaml =
        """
              apiVersion: cadenza.dev/v1alpha1
              kind: MusicDelivery
              metadata: {name: blues, namespace: rbac}
              spec:
                library: {persistentVolumeClaim: music}
                dynamodb: {tablePrefix: rbac-blues, endpoint: 'ENDPOINT', deletionPolicy: Delete}
                routing: {host: blues.example.com}
              """
            .replace("ENDPOINT", dynalite.endpoint().toString());
    KubeApi.create(admin, yaml);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Deployment deployment =
                  admin.resources(Deployment.class).inNamespace(NS).withName("blues").get();
              assertThat(deployment).isNotNull();
              assertThat(deployment.getSpec().getTemplate().getSpec().getContainers())
                  .as("the pods get the operator's settings")
                  .singleElement()
                  .satisfies(c -> assertThat(c.getImage()).isEqualTo("cadenza/rbac:1"));
              assertThat(admin.configMaps().inNamespace(NS).withName("blues").get().getData())
                  .containsEntry("CADENZA_DYNAMODB_REGION", "ap-south-1");
              MusicDelivery md =
                  admin.resources(MusicDelivery.class).inNamespace(NS).withName("blues").get();
              assertThat(md.getStatus()).isNotNull();
              assertThat(md.getStatus().tables).hasSize(4);
              assertThat(md.getMetadata().getFinalizers()).isNotEmpty();
              // the operator could read the claim (not there) and watches the pods
              assertThat(md.getStatus().conditions)
                  .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("LibraryClaimMissing"))
                  .noneSatisfy(c -> assertThat(c.getReason()).isEqualTo("ReconcileFailed"));
            });
  }

  /**
   * With only the role's rights on Secrets: the operator creates the auth Secret, and the
   * credentials Secret, created after the MusicDelivery and then rotated, puts each version's
   * digest on the pod template, which rolls the pods.
   */
  @Test
  void aCreatedAndARotatedCredentialsSecretRollThePods(Dynalite dynalite) {
    KubernetesClient admin = kube.client();
    KubeApi.create(
        admin,
        """
        apiVersion: cadenza.dev/v1alpha1
        kind: MusicDelivery
        metadata: {name: rotate, namespace: rbac}
        spec:
          library: {persistentVolumeClaim: music}
          dynamodb: {tablePrefix: rbac-rotate, endpoint: 'ENDPOINT', credentialsSecret: aws}
        """
            .replace("ENDPOINT", dynalite.endpoint().toString()));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(KubeApi.condition(admin, NS, "rotate", "Degraded"))
                    .isNotNull()
                    .extracting(Condition::getReason)
                    .isEqualTo("CredentialsSecretInvalid"));
    // the operator may create Secrets: the generated auth Secret is the digest's only one so far
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(credentialsAnnotation(admin))
                    .isNotNull()
                    .isEqualTo(digest(admin).sha256()));
    assertThat(digest(admin).secrets()).containsExactly("rotate-auth");

    Secret secret =
        admin
            .resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("aws")
                    .withNamespace(NS)
                    .endMetadata()
                    .addToStringData("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
                    .addToStringData("AWS_SECRET_ACCESS_KEY", "first")
                    .build())
            .create();
    String first = digest(admin).sha256();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(() -> assertThat(credentialsAnnotation(admin)).isEqualTo(first));

    secret.setStringData(Map.of("AWS_SECRET_ACCESS_KEY", "rotated"));
    admin.resource(secret).update();
    String rotated = digest(admin).sha256();
    assertThat(rotated).isNotEqualTo(first);
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(() -> assertThat(credentialsAnnotation(admin)).isEqualTo(rotated));
  }

  /** The digest of the Secrets the pods of "rotate" read, as they are now. */
  static CredentialsDigest digest(KubernetesClient admin) {
    MusicDelivery md =
        admin.resources(MusicDelivery.class).inNamespace(NS).withName("rotate").get();
    return CredentialsDigest.read(admin, md).orElseThrow();
  }

  static String credentialsAnnotation(KubernetesClient admin) {
    Deployment deployment =
        admin.resources(Deployment.class).inNamespace(NS).withName("rotate").get();
    return deployment == null
        ? null
        : deployment
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get(CredentialsDigest.ANNOTATION);
  }
}
