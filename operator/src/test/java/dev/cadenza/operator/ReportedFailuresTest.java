package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.operator.testsupport.LogCapture;
import dev.cadenza.operator.testsupport.OperatorUnderTest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the operator reports and logs, against a real kube-apiserver, for a spec that cannot work
 * and for a reconciliation that fails: a condition naming the fields, one log line per
 * reconciliation and no stack trace, retries with growing delays.
 */
class ReportedFailuresTest {

  static final String NS = "failing";

  @RegisterExtension
  static final OperatorUnderTest operator = OperatorUnderTest.with(TestOperators.settings(NS));

  static final KubeApi kube = operator.kube();

  LogCapture log;

  @BeforeEach
  void captureTheLog() {
    log = LogCapture.start();
  }

  @AfterEach
  void noStackTraceWasLoggedAboveDebug() {
    try {
      assertThat(log.events())
          .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .allSatisfy(e -> assertThat(e.getThrowableProxy()).as(e.getFormattedMessage()).isNull());
    } finally {
      log.close();
    }
  }

  /**
   * A cluster whose CRD is older than the operator (helm upgrade leaves CRDs alone) stores what
   * today's CRD refuses: the operator reports it and makes nothing from it, until it is fixed.
   */
  @Test
  void aSpecThatCannotWorkIsReportedByFieldAndNothingIsMadeFromIt() throws Exception {
    KubernetesClient admin = kube.client();
    KubeApi.installCrd(admin, withoutRules(committedCrd()));
    try {
      KubeApi.applyMusicDelivery(
          admin,
          NS,
          "9lives",
          """
          library: {persistentVolumeClaim: music, subPath: ../etc}
          dynamodb: {tablePrefix: jazz, endpoint: 'http://127.0.0.1:1'}
          cache: {chunkSize: 1Mi}
          ntp: {servers: ['time.example.com:0'], pollInterval: 0s}
          resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}
          """);

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                var degraded = KubeApi.condition(admin, NS, "9lives", "Degraded");
                assertThat(degraded).isNotNull();
                assertThat(degraded.getReason()).isEqualTo("InvalidSpec");
                assertThat(degraded.getMessage())
                    .contains("metadata.name: metadata.name must be at most 63")
                    .contains("spec.library.subPath: must be a relative path")
                    .contains("spec.cache.chunkSize: must be between 4Ki and 350Ki")
                    .contains("spec.ntp.servers[0]: is not host, host:port")
                    .contains("spec.ntp.pollInterval: must be more than 0")
                    .contains("spec.resources.requests.memory: resources.requests must not exceed");
                assertThat(KubeApi.condition(admin, NS, "9lives", "Ready").getReason())
                    .isEqualTo("InvalidSpec");
                assertThat(admin.v1().events().inNamespace(NS).list().getItems())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason()).isEqualTo("InvalidSpec");
                        });
              });
      assertThat(admin.resources(ConfigMap.class).inNamespace(NS).withName("9lives").get())
          .isNull();
      assertThat(admin.resources(Deployment.class).inNamespace(NS).withName("9lives").get())
          .isNull();
      // one reconciliation, one line; not retried, as only a change of the spec can help
      assertThat(log.warnings(NS + "/9lives")).singleElement().asString().contains("cannot work");
    } finally {
      KubeApi.installCrd(admin, committedCrd());
      admin.resources(MusicDelivery.class).inNamespace(NS).withName("9lives").delete();
    }
  }

  /**
   * An admission policy refuses the stream pods' Deployment: each failed reconciliation is one
   * line, the condition says what the API server answered, and the retries come at growing
   * intervals.
   */
  @Test
  void aFailedReconciliationIsOneLineAndRetriedWithBackoff() throws Exception {
    KubernetesClient admin = kube.client();
    try (InputStream policy =
        Files.newInputStream(Path.of("src/test/resources/admission/no-deployments.yaml"))) {
      admin.load(policy).serverSideApply();
    }
    try {
      // the policy takes effect once the API server has compiled it
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                try {
                  admin
                      .resource(
                          Serialization.unmarshal(
                              """
                              apiVersion: apps/v1
                              kind: Deployment
                              metadata: {name: probe, namespace: failing}
                              spec:
                                selector: {matchLabels: {app: probe}}
                                template:
                                  metadata: {labels: {app: probe}}
                                  spec: {containers: [{name: c, image: busybox}]}
                              """,
                              Deployment.class))
                      .dryRun()
                      .create();
                  return false;
                } catch (RuntimeException refused) {
                  return true;
                }
              });

      KubeApi.applyMusicDelivery(
          admin,
          NS,
          "blocked",
          "library: {persistentVolumeClaim: music}\n"
              + "dynamodb: {tablePrefix: blocked, endpoint: 'http://127.0.0.1:1'}");

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(log.warnings(NS + "/blocked failed")).hasSizeGreaterThanOrEqualTo(3);
                var degraded = KubeApi.condition(admin, NS, "blocked", "Degraded");
                assertThat(degraded.getReason()).isEqualTo("ReconcileFailed");
                assertThat(degraded.getMessage())
                    .startsWith("deployment: the API server answered 422: ")
                    .contains("no Deployments in this namespace (test policy)")
                    .doesNotContain("\tat ");
              });

      // each failed reconciliation logged once: failures 1, 2, 3, … in a row, none twice, and the
      // delays JOSDK waits before the next (2 s twice, then doubling)
      List<String> lines = log.warnings(NS + "/blocked failed");
      Pattern counted = Pattern.compile("failed \\((\\d+) in a row; next try in (\\d+) s\\)");
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = counted.matcher(lines.get(i));
        assertThat(m.find()).as(lines.get(i)).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(i + 1);
        assertThat(Long.parseLong(m.group(2)))
            .isEqualTo(MusicDeliveryReconciler.nextTry(i + 1).toSeconds());
      }
      assertThat(lines.get(0)).contains("next try in 2 s");
      assertThat(lines.get(2)).contains("next try in 4 s");
      assertThat(log.events())
          .filteredOn(e -> e.getLoggerName().startsWith("io.javaoperatorsdk"))
          .noneSatisfy(e -> assertThat(e.getLevel().isGreaterOrEqual(Level.WARN)).isTrue());
    } finally {
      try (InputStream policy =
          Files.newInputStream(Path.of("src/test/resources/admission/no-deployments.yaml"))) {
        admin.load(policy).delete();
      }
      admin.resources(MusicDelivery.class).inNamespace(NS).withName("blocked").delete();
    }
  }

  static CustomResourceDefinition committedCrd() throws Exception {
    try (InputStream in =
        Files.newInputStream(Path.of("../crds/musicdeliveries.cadenza.dev-v1.yml"))) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
  }

  /** The CRD without the rules (patterns, bounds, CEL) an older one did not have. */
  static CustomResourceDefinition withoutRules(CustomResourceDefinition crd) {
    crd.getSpec().getVersions().forEach(v -> strip(v.getSchema().getOpenAPIV3Schema()));
    return crd;
  }

  private static void strip(JSONSchemaProps schema) {
    if (schema == null) {
      return;
    }
    schema.setXKubernetesValidations(null);
    schema.setPattern(null);
    schema.setMaxLength(null);
    schema.setMaximum(null);
    if (schema.getProperties() != null) {
      schema.getProperties().values().forEach(ReportedFailuresTest::strip);
    }
    if (schema.getItems() != null) {
      strip(schema.getItems().getSchema());
    }
    if (schema.getAdditionalProperties() != null) {
      strip(schema.getAdditionalProperties().getSchema());
    }
  }
}
