package dev.cadenza.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.operator.OperatorSettings;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The desired-state builders, without an API server. */
class DesiredStateTest {

  static final OperatorSettings SETTINGS =
      new OperatorSettings("cadenza/stream:1", Set.of(), "eu-central-1");

  static MusicDelivery md(String spec) {
    return Serialization.unmarshal(
        "apiVersion: cadenza.dev/v1alpha1\nkind: MusicDelivery\n"
            + "metadata: {name: jazz, namespace: music}\nspec:\n"
            + spec.indent(2),
        MusicDelivery.class);
  }

  static final String BASE =
      "library: {persistentVolumeClaim: music}\ndynamodb: {tablePrefix: jazz}\n";

  @Test
  void environmentHasDefaultsForEverythingLeftOut() {
    assertThat(StreamConfig.environment(md(BASE).getSpec(), SETTINGS))
        .containsEntry("CADENZA_LIBRARY_PATH", "/music")
        .containsEntry("SERVER_PORT", "8080")
        .containsEntry("CADENZA_DYNAMODB_REGION", "eu-central-1")
        .containsEntry("CADENZA_CACHE_MEMORY", "512Mi")
        .containsEntry("CADENZA_CACHE_CHUNK_SIZE", "256Ki")
        .containsEntry("CADENZA_CACHE_TTL", "24h")
        .containsEntry("CADENZA_CLOCK_NTP_SERVERS", "")
        .containsEntry("CADENZA_CLOCK_NTP_REQUIRED", "false")
        .containsEntry("CADENZA_CLOCK_SNTP_PORT", "1123")
        .containsEntry("CADENZA_METADATA_EMBEDDINGS", "true")
        .doesNotContainKey("CADENZA_DYNAMODB_ENDPOINT");
  }

  @Test
  void checksumIsStableAndFollowsEveryValue() {
    var a = StreamConfig.environment(md(BASE).getSpec(), SETTINGS);
    var b = StreamConfig.environment(md(BASE).getSpec(), SETTINGS);
    var c =
        StreamConfig.environment(md(BASE + "ntp: {servers: [time.example]}").getSpec(), SETTINGS);
    assertThat(StreamConfig.checksum(a)).isEqualTo(StreamConfig.checksum(b)).hasSize(64);
    assertThat(StreamConfig.checksum(c)).isNotEqualTo(StreamConfig.checksum(a));
  }

  @Test
  void podsAnswerSntpOnUdpAndTheServiceOffersItOnTheStandardPort() {
    var container =
        StreamDeployment.build(md(BASE), SETTINGS)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(container.getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("sntp");
              assertThat(p.getContainerPort()).isEqualTo(1123);
              assertThat(p.getProtocol()).isEqualTo("UDP");
            });
    assertThat(StreamService.build(md(BASE)).getSpec().getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("sntp");
              assertThat(p.getPort()).isEqualTo(123);
              assertThat(p.getTargetPort().getStrVal()).isEqualTo("sntp");
              assertThat(p.getProtocol()).isEqualTo("UDP");
            });
  }

  @Test
  void deploymentLeavesReplicasToTheAutoscalerWhenThereIsOne() {
    Deployment fixed = StreamDeployment.build(md(BASE), SETTINGS);
    Deployment scaled =
        StreamDeployment.build(
            md(BASE + "autoscaling: {minReplicas: 2, maxReplicas: 5}"), SETTINGS);
    assertThat(fixed.getSpec().getReplicas()).isEqualTo(2);
    assertThat(scaled.getSpec().getReplicas()).isNull();
    assertThat(fixed.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("cadenza/stream:1");
  }

  @Test
  void deploymentTakesTheCredentialsSecretAndTheImageFromTheSpec() {
    Deployment d =
        StreamDeployment.build(
            md(
                "image: my/stream:2\nlibrary: {persistentVolumeClaim: music}\n"
                    + "dynamodb: {tablePrefix: jazz, credentialsSecret: aws}\n"),
            SETTINGS);
    var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("my/stream:2");
    assertThat(container.getEnvFrom())
        .extracting(e -> e.getSecretRef() == null ? null : e.getSecretRef().getName())
        .contains("aws");
    // the chunk cache lives on the heap: the JVM may use most of the memory limit
    assertThat(container.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
              assertThat(e.getValue()).contains("MaxRAMPercentage=75");
            });
  }

  @Test
  void ingressSpeaksTheDialectOfItsController() {
    Ingress f5 =
        StreamIngress.build(md(BASE + "routing: {host: m.example.com, controller: nginx}"));
    Ingress legacy =
        StreamIngress.build(
            md(
                BASE
                    + "routing: {host: m.example.com, controller: ingress-nginx,"
                    + " rateLimit: {requestsPerSecond: 5}}"));
    assertThat(f5.getMetadata().getAnnotations())
        .containsEntry("nginx.org/lb-method", "hash $request_uri consistent")
        .containsEntry("nginx.org/proxy-buffering", "False")
        .doesNotContainKey("nginx.org/limit-req-rate");
    assertThat(legacy.getMetadata().getAnnotations())
        .containsEntry("nginx.ingress.kubernetes.io/upstream-hash-by", "$request_uri")
        .containsEntry("nginx.ingress.kubernetes.io/limit-rps", "5");
    assertThat(f5.getSpec().getTls()).isNullOrEmpty();
  }
}
