package dev.cadenza.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.testsupport.CannotWork;
import dev.cadenza.operator.testsupport.KubeApi;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The CRD's schema and CEL rules, enforced by a real kube-apiserver. */
class MusicDeliveryValidationTest {

  static final String NS = "validation";

  @RegisterExtension static final KubeApi kube = new KubeApi();

  static KubernetesClient client;

  @BeforeAll
  static void installCrd() throws Exception {
    client = kube.client();
    KubeApi.installCrd(client);
    KubeApi.createNamespace(client, NS);
  }

  static final String VALID =
      """
      apiVersion: cadenza.dev/v1alpha1
      kind: MusicDelivery
      metadata: {name: NAME, namespace: validation}
      spec:
        library: {persistentVolumeClaim: music}
        dynamodb: {tablePrefix: jazz}
      """;

  static GenericKubernetesResource resource(String name, String specYaml) {
    String yaml =
        "apiVersion: cadenza.dev/v1alpha1\nkind: MusicDelivery\n"
            + "metadata: {name: "
            + name
            + ", namespace: "
            + NS
            + "}\nspec:\n"
            + specYaml.indent(2);
    return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }

  @Test
  void minimalResourceIsAcceptedWithDefaults() {
    KubeApi.create(client, VALID.replace("NAME", "minimal"));
    MusicDelivery md =
        client.resources(MusicDelivery.class).inNamespace(NS).withName("minimal").get();
    assertThat(md.getSpec().dynamodb.billingMode.name()).isEqualTo("PAY_PER_REQUEST");
    assertThat(md.getSpec().dynamodb.deletionPolicy.name()).isEqualTo("Retain");
  }

  static Stream<Arguments> invalid() {
    String lib = "library: {persistentVolumeClaim: music}\n";
    String ddb = "dynamodb: {tablePrefix: jazz}\n";
    return Stream.of(
        Arguments.of("dynamodb: {tablePrefix: jazz}", "spec.library: Required value"),
        Arguments.of(lib, "spec.dynamodb: Required value"),
        Arguments.of(
            lib + "dynamodb: {region: eu-west-1}", "spec.dynamodb.tablePrefix: Required value"),
        Arguments.of(lib + "dynamodb: {tablePrefix: ab}", "spec.dynamodb.tablePrefix"),
        Arguments.of(lib + ddb + "replicas: -1", "spec.replicas: Invalid value"),
        Arguments.of(
            lib + ddb + "replicas: 2\nautoscaling: {minReplicas: 1, maxReplicas: 3}",
            "set either spec.replicas or spec.autoscaling, not both"),
        Arguments.of(
            lib + ddb + "autoscaling: {minReplicas: 5, maxReplicas: 3}",
            "autoscaling.minReplicas must not exceed autoscaling.maxReplicas"),
        Arguments.of(
            lib + ddb + "autoscaling: {minReplicas: 1, maxReplicas: 3, targetCPUUtilization: 150}",
            "spec.autoscaling.targetCPUUtilization"),
        Arguments.of(
            lib + "dynamodb: {tablePrefix: jazz, billingMode: PROVISIONED}",
            "dynamodb.billingMode PROVISIONED needs dynamodb.readCapacity and dynamodb.writeCapacity"),
        Arguments.of(
            lib + "dynamodb: {tablePrefix: jazz, readCapacity: 5}",
            "dynamodb.readCapacity and writeCapacity apply only with billingMode PROVISIONED"),
        Arguments.of(
            lib + "dynamodb: {tablePrefix: jazz, billingMode: FREE}",
            "spec.dynamodb.billingMode: Unsupported value: \"FREE\""),
        Arguments.of(
            lib + "dynamodb: {tablePrefix: jazz, deletionPolicy: Destroy}",
            "spec.dynamodb.deletionPolicy: Unsupported value: \"Destroy\""),
        Arguments.of(
            lib + "dynamodb: {tablePrefix: jazz, region: EU-WEST}", "spec.dynamodb.region"),
        Arguments.of(
            lib + "dynamodb: {tablePrefix: jazz, endpoint: 'dynamo:8000'}",
            "spec.dynamodb.endpoint"),
        Arguments.of(
            lib + ddb + "routing: {tls: {secretName: cert}}", "routing.tls needs routing.host"),
        Arguments.of(
            lib + ddb + "routing: {host: music.example.com, controller: traefik}",
            "spec.routing.controller: Unsupported value: \"traefik\""),
        Arguments.of(lib + ddb + "routing: {host: 'Music Example'}", "spec.routing.host"),
        Arguments.of(
            lib + ddb + "routing: {host: m.example.com, controller: gateway}",
            "routing.controller gateway needs routing.gateway.name"),
        Arguments.of(
            lib + ddb + "routing: {host: m.example.com, gateway: {name: public}}",
            "routing.gateway applies only with routing.controller gateway"),
        Arguments.of(
            lib + ddb + "routing: {host: m.example.com, controller: gateway, gateway: {}}",
            "spec.routing.gateway.name: Required value"),
        Arguments.of(
            lib
                + ddb
                + "routing: {host: m.example.com, controller: gateway,"
                + " gateway: {name: public, namespace: Infra}}",
            "spec.routing.gateway.namespace"),
        Arguments.of(
            lib + ddb + "routing: {host: m.example.com, rateLimit: {requestsPerSecond: 0}}",
            "spec.routing.rateLimit.requestsPerSecond"),
        Arguments.of(
            "library: {persistentVolumeClaim: Music_Lib}\n" + ddb,
            "spec.library.persistentVolumeClaim"),
        Arguments.of(lib + ddb + "cache: {memory: lots}", "spec.cache.memory"),
        Arguments.of(lib + ddb + "ntp: {pollInterval: '64'}", "spec.ntp.pollInterval"),
        Arguments.of(
            lib + ddb + "ntp: {required: true}",
            "ntp.required needs at least one server in ntp.servers"),
        Arguments.of(
            lib + ddb + "ntp: {servers: [a, b, c, d, e, f, g, h, i]}",
            "spec.ntp.servers: Too many"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("invalid")
  void invalidResourceIsRefusedWithAMessageThatSaysWhatToFix(String spec, String message) {
    assertThatThrownBy(() -> client.resource(resource("bad", spec)).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(message);
  }

  static List<CannotWork.Case> cannotWork() {
    return CannotWork.CASES;
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("cannotWork")
  void resourceThatCannotWorkIsRefusedWithAMessageNamingTheField(CannotWork.Case c) {
    assertThatThrownBy(() -> client.resource(resource(c.name(), c.spec())).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(c.refusal());
  }

  /** The bounds themselves work, and are accepted. */
  @Test
  void valuesAtTheLimitsAreAccepted() {
    String base = "library: {persistentVolumeClaim: music, subPath: jazz/..more}\n";
    client.resource(resource(CannotWork.NAME_AT_THE_LIMIT, CannotWork.SPEC_AT_THE_LIMITS)).create();
    client
        .resource(
            resource(
                "smallest-chunks",
                base + "dynamodb: {tablePrefix: jazz}\ncache: {chunkSize: 4Ki}\nreplicas: 1000"))
        .create();
  }

  @ParameterizedTest
  @ValueSource(strings = {"minimal.yaml", "production.yaml", "local.yaml", "gateway.yaml"})
  void examplesAreAccepted(String example) throws Exception {
    String yaml =
        Files.readString(Path.of("../examples", example))
            .replaceAll("(?m)^  namespace: .*$", "  namespace: " + NS)
            .replaceAll("(?m)^  name: .*$", "  name: example-" + example.replace(".yaml", ""));
    GenericKubernetesResource created = KubeApi.create(client, yaml);
    assertThat(created.getMetadata().getUid()).isNotBlank();
  }

  @Test
  void tablePrefixCannotChange() {
    client
        .resource(
            resource(
                "immutable",
                "library: {persistentVolumeClaim: music}\ndynamodb: {tablePrefix: jazz}"))
        .create();
    assertThatThrownBy(
            () ->
                client
                    .resources(MusicDelivery.class)
                    .inNamespace(NS)
                    .withName("immutable")
                    .edit(
                        md -> {
                          md.getSpec().dynamodb.tablePrefix = "rock";
                          return md;
                        }))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("dynamodb.tablePrefix cannot be changed");
  }

  @Test
  void scaleSubresourceSetsReplicas() {
    client
        .resource(
            resource(
                "scalable",
                "library: {persistentVolumeClaim: music}\ndynamodb: {tablePrefix: pop}\nreplicas: 2"))
        .create();
    client.resources(MusicDelivery.class).inNamespace(NS).withName("scalable").scale(3);
    assertThat(
            client
                .resources(MusicDelivery.class)
                .inNamespace(NS)
                .withName("scalable")
                .get()
                .getSpec()
                .replicas)
        .isEqualTo(3);
  }
}
