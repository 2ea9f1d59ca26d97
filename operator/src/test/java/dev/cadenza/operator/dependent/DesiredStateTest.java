package dev.cadenza.operator.dependent;

import static dev.cadenza.operator.testsupport.Jazz.BASE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.operator.OperatorSettings;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliveryStatus;
import dev.cadenza.operator.testsupport.Jazz;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The desired-state builders, without an API server. */
class DesiredStateTest {

  static final OperatorSettings SETTINGS =
      new OperatorSettings("cadenza/stream:1", Set.of(), "eu-central-1");

  static MusicDelivery md(String spec) {
    return Jazz.jazz(spec);
  }

  @Test
  void environmentHasDefaultsForEverythingLeftOut() {
    assertThat(StreamConfig.environment(md(BASE).getSpec(), SETTINGS))
        .containsEntry("CADENZA_LIBRARY_PATH", "/music")
        .containsEntry("SERVER_PORT", "8080")
        .containsEntry("MANAGEMENT_SERVER_PORT", "8081")
        .containsEntry("MANAGEMENT_SERVER_ADDRESS", "0.0.0.0")
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

  static final String TRUSTED = "CADENZA_SERVER_TRUSTED_PROXIES";
  static final String CONNECTION_CAP = "CADENZA_SERVER_MAX_CONNECTIONS_PER_CLIENT";
  static final String EVENT_STREAM_CAP = "CADENZA_SERVER_MAX_EVENT_STREAMS_PER_CLIENT";

  @Test
  void podsBehindTheIngressTellPlayersApartThroughTheTrustedProxiesOrElseCapNoClient() {
    String host = "routing: {host: music.example.com";
    assertThat(
            StreamConfig.environment(
                md(BASE + host + ", trustedProxies: [10.244.0.0/16, 'fd00::/8']}").getSpec(),
                SETTINGS))
        .containsEntry(TRUSTED, "10.244.0.0/16,fd00::/8")
        .doesNotContainKeys(CONNECTION_CAP, EVENT_STREAM_CAP);
    // every player comes from the controller's pods: per-client caps would hold them all together
    assertThat(StreamConfig.environment(md(BASE + host + "}").getSpec(), SETTINGS))
        .containsEntry(CONNECTION_CAP, "0")
        .containsEntry(EVENT_STREAM_CAP, "0")
        .doesNotContainKey(TRUSTED);
    // no front: the pods' own defaults; a front of the user's own, without a host
    assertThat(StreamConfig.environment(md(BASE).getSpec(), SETTINGS))
        .doesNotContainKeys(TRUSTED, CONNECTION_CAP, EVENT_STREAM_CAP);
    assertThat(
            StreamConfig.environment(
                md(BASE + "routing: {trustedProxies: [192.0.2.7]}").getSpec(), SETTINGS))
        .containsEntry(TRUSTED, "192.0.2.7")
        .doesNotContainKeys(CONNECTION_CAP, EVENT_STREAM_CAP);
  }

  @Test
  void podsStayWhereTheStatusRecordsTheTablesWhenTheSettingsMoveOn() {
    MusicDelivery md = md(BASE);
    md.setStatus(new MusicDeliveryStatus());
    md.getStatus().dynamodb = new MusicDeliveryStatus.TablesLocation();
    md.getStatus().dynamodb.region = "eu-west-1";
    md.getStatus().dynamodb.endpoint = "http://old.db:8000";
    OperatorSettings moved = SETTINGS.withDynamoDbEndpoint("http://new.db:8000");
    assertThat(StreamConfig.environment(md, moved))
        .containsEntry("CADENZA_DYNAMODB_ENDPOINT", "http://old.db:8000")
        .containsEntry("CADENZA_DYNAMODB_REGION", "eu-west-1");
    assertThat(StreamConfig.environment(md, SETTINGS))
        .containsEntry("CADENZA_DYNAMODB_ENDPOINT", "http://old.db:8000");
    // no rollout for a move the operator does not follow
    assertThat(
            StreamDeployment.build(md, moved)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(StreamDeployment.CONFIG_CHECKSUM))
        .isEqualTo(
            StreamDeployment.build(md, SETTINGS)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(StreamDeployment.CONFIG_CHECKSUM));
    // recorded AWS (no endpoint): none for the pods, whatever the default says
    md.getStatus().dynamodb.endpoint = null;
    assertThat(StreamConfig.environment(md, moved)).doesNotContainKey("CADENZA_DYNAMODB_ENDPOINT");
  }

  @Test
  void podsGetTheOperatorsDefaultEndpointWhenTheSpecNamesNoneAndTheSpecsOtherwise() {
    OperatorSettings withDefault = SETTINGS.withDynamoDbEndpoint("http://dynalite.db:8000");
    assertThat(StreamConfig.environment(md(BASE).getSpec(), withDefault))
        .containsEntry("CADENZA_DYNAMODB_ENDPOINT", "http://dynalite.db:8000");
    assertThat(
            StreamConfig.environment(
                md("library: {persistentVolumeClaim: music}\n"
                        + "dynamodb: {tablePrefix: jazz, endpoint: ''}\n")
                    .getSpec(),
                withDefault))
        .containsEntry("CADENZA_DYNAMODB_ENDPOINT", "http://dynalite.db:8000");
    String own =
        "library: {persistentVolumeClaim: music}\n"
            + "dynamodb: {tablePrefix: jazz, endpoint: 'https://own.example:8443'}\n";
    assertThat(StreamConfig.environment(md(own).getSpec(), withDefault))
        .containsEntry("CADENZA_DYNAMODB_ENDPOINT", "https://own.example:8443");
    assertThat(StreamConfig.environment(md(own).getSpec(), SETTINGS))
        .containsEntry("CADENZA_DYNAMODB_ENDPOINT", "https://own.example:8443");
    // a default endpoint set or changed rolls the pods of resources without their own
    assertThat(StreamDeployment.build(md(BASE), withDefault).getSpec().getTemplate())
        .extracting(t -> t.getMetadata().getAnnotations().get(StreamDeployment.CONFIG_CHECKSUM))
        .isNotEqualTo(
            StreamDeployment.build(md(BASE), SETTINGS)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(StreamDeployment.CONFIG_CHECKSUM));
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
    var container = streamContainer(md(BASE));
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
  void probesAndMetricsUseTheManagementPortWhichNoServicePortLeadsTo() {
    Deployment deployment = StreamDeployment.build(md(BASE), SETTINGS);
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("management");
              assertThat(p.getContainerPort()).isEqualTo(8081);
              assertThat(p.getProtocol()).isEqualTo("TCP");
            })
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(8080);
            });
    for (var probe :
        List.of(
            container.getLivenessProbe(),
            container.getReadinessProbe(),
            container.getStartupProbe())) {
      assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
      assertThat(probe.getHttpGet().getPath()).startsWith("/actuator/health/");
    }
    assertThat(container.getReadinessProbe().getHttpGet().getPath())
        .isEqualTo("/actuator/health/readiness");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", "8081")
        .containsEntry("prometheus.io/path", "/actuator/prometheus");
    // the Service (and so the Ingress and the HTTPRoute, which route to it) offers only the API
    // and SNTP: nothing of the management port
    assertThat(StreamService.build(md(BASE)).getSpec().getPorts())
        .extracting(p -> p.getTargetPort().getStrVal())
        .containsExactlyInAnyOrder("http", "sntp");
    for (String controller : List.of("nginx", "ingress-nginx")) {
      Ingress ingress =
          StreamIngress.build(
              md(BASE + "routing: {host: m.example.com, controller: " + controller + "}"));
      assertThat(ingress.getSpec().getRules())
          .flatExtracting(r -> r.getHttp().getPaths())
          .extracting(p -> p.getBackend().getService().getPort())
          .allSatisfy(
              port -> {
                assertThat(port.getName()).isEqualTo("http");
                assertThat(port.getNumber()).isNull();
              });
      assertThat(ingress.getMetadata().getAnnotations().toString())
          .doesNotContain("actuator")
          .doesNotContain("8081")
          .doesNotContain("snippet");
    }
  }

  @Test
  void aStreamContainerThatFailsLeavesItsTerminationMessageOrElseItsLastLog() {
    var container = streamContainer(md(BASE));

    assertThat(container.getName()).isEqualTo("stream");
    assertThat(container.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(container.getTerminationMessagePath())
        .as("Kubernetes' /dev/termination-log")
        .isNull();
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
  void theCredentialsDigestOnThePodTemplateFollowsTheSecretsData() {
    MusicDelivery md =
        md(
            "library: {persistentVolumeClaim: music}\n"
                + "dynamodb: {tablePrefix: jazz, credentialsSecret: aws}\n");
    CredentialsDigest first = digest(md, secret("AKIA1", "s3cr3t"));
    assertThat(digest(md, secret("AKIA1", "s3cr3t"))).isEqualTo(first);
    CredentialsDigest rotated = digest(md, secret("AKIA1", "n3w"));
    assertThat(rotated.sha256()).isNotEqualTo(first.sha256()).doesNotContain("s3cr3t", "n3w");
    assertThat(first.secrets()).containsExactly("aws");

    assertThat(annotations(StreamDeployment.build(md, SETTINGS, Optional.of(first))))
        .containsEntry(CredentialsDigest.ANNOTATION, first.sha256());
    assertThat(annotations(StreamDeployment.build(md, SETTINGS, Optional.of(rotated))))
        .containsEntry(CredentialsDigest.ANNOTATION, rotated.sha256())
        .containsEntry(
            StreamDeployment.CONFIG_CHECKSUM,
            annotations(StreamDeployment.build(md, SETTINGS, Optional.of(first)))
                .get(StreamDeployment.CONFIG_CHECKSUM));
    assertThat(annotations(StreamDeployment.build(md, SETTINGS)))
        .as("no Secret (yet)")
        .doesNotContainKey(CredentialsDigest.ANNOTATION);
    assertThat(CredentialsDigest.of(md, name -> null)).as("none of them exists").isEmpty();
  }

  @Test
  void theCredentialsDigestFollowsTheAdminPasswordAndTheSecretKeyAndOnlyTheirKeys() {
    MusicDelivery md =
        md(
            BASE
                + "auth: {adminPasswordSecret: {name: admin, key: pw},"
                + " secretKeySecret: {name: keys}}\n");
    Secret admin = opaque("admin", Map.of("pw", "first", "other", "x"));
    Secret keys = opaque("keys", Map.of("secret-key", "k1"));
    Map<String, Secret> secrets = new HashMap<>(Map.of("admin", admin, "keys", keys));

    CredentialsDigest first = CredentialsDigest.of(md, secrets::get).orElseThrow();
    secrets.put("admin", opaque("admin", Map.of("pw", "first", "other", "changed")));
    CredentialsDigest unrelated = CredentialsDigest.of(md, secrets::get).orElseThrow();
    secrets.put("admin", opaque("admin", Map.of("pw", "rotated", "other", "changed")));
    CredentialsDigest rotatedPassword = CredentialsDigest.of(md, secrets::get).orElseThrow();
    secrets.put("keys", opaque("keys", Map.of("secret-key", "k2")));
    CredentialsDigest rotatedKey = CredentialsDigest.of(md, secrets::get).orElseThrow();

    assertThat(first.secrets()).containsExactly("admin", "keys");
    assertThat(unrelated).as("a key the pods do not read").isEqualTo(first);
    assertThat(rotatedPassword.sha256()).isNotEqualTo(first.sha256());
    assertThat(rotatedKey.sha256()).isNotEqualTo(rotatedPassword.sha256());
  }

  @Test
  void thePodsReadTheAdminPasswordAndSecretKeyFromTheGeneratedSecretUnlessTheSpecNamesOthers() {
    Map<String, EnvVar> generated = env(StreamDeployment.build(md(BASE), SETTINGS));
    Map<String, EnvVar> named =
        env(
            StreamDeployment.build(
                md(
                    BASE
                        + "auth: {adminUsername: root, adminPasswordSecret: {name: admin},"
                        + " secretKeySecret: {name: keys, key: aes}}\n"),
                SETTINGS));

    assertThat(generated.get("CADENZA_AUTH_ADMIN_PASSWORD").getValueFrom().getSecretKeyRef())
        .isEqualTo(new SecretKeySelector("password", "jazz-auth", null));
    assertThat(generated.get("CADENZA_AUTH_SECRET_KEY").getValueFrom().getSecretKeyRef())
        .isEqualTo(new SecretKeySelector("secret-key", "jazz-auth", null));
    assertThat(named.get("CADENZA_AUTH_ADMIN_PASSWORD").getValueFrom().getSecretKeyRef())
        .isEqualTo(new SecretKeySelector("password", "admin", null));
    assertThat(named.get("CADENZA_AUTH_SECRET_KEY").getValueFrom().getSecretKeyRef())
        .isEqualTo(new SecretKeySelector("aes", "keys", null));
    assertThat(StreamConfig.environment(md(BASE).getSpec(), SETTINGS))
        .containsEntry("CADENZA_AUTH_ADMIN_USERNAME", "admin");
    assertThat(
            StreamConfig.environment(
                md(BASE + "auth: {adminUsername: root}\n").getSpec(), SETTINGS))
        .containsEntry("CADENZA_AUTH_ADMIN_USERNAME", "root");
  }

  @Test
  void theGeneratedSecretHoldsARandomPasswordAndKeyAndIsOwnedOnlyWithDeletionPolicyDelete() {
    MusicDelivery retained = md(BASE);
    MusicDelivery deleted =
        md(
            "library: {persistentVolumeClaim: music}\n"
                + "dynamodb: {tablePrefix: jazz, deletionPolicy: Delete}\n");
    deleted.getMetadata().setUid("uid-1");

    Secret one = AuthSecrets.desired(retained, new SecureRandom());
    Secret two = AuthSecrets.desired(retained, new SecureRandom());
    Secret owned = AuthSecrets.desired(deleted, new SecureRandom());

    String password = decoded(one, "password");
    byte[] key = Base64.getDecoder().decode(decoded(one, "secret-key"));
    assertThat(one.getMetadata().getName()).isEqualTo("jazz-auth");
    assertThat(password).hasSize(24).matches("[A-Za-z2-9]+");
    assertThat(key).hasSize(32);
    assertThat(decoded(two, "password")).isNotEqualTo(password);
    assertThat(decoded(two, "secret-key")).isNotEqualTo(decoded(one, "secret-key"));
    assertThat(one.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(owned.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo("uid-1"));
  }

  @Test
  void aNamedSecretThatIsMissingOrLacksItsKeySaysWhatToCreate() {
    MusicDelivery md =
        md(BASE + "auth: {adminPasswordSecret: {name: admin}, secretKeySecret: {name: keys}}\n");

    AuthSecrets.Report none = AuthSecrets.check(md, name -> null);
    AuthSecrets.Report noKey =
        AuthSecrets.check(
            md,
            Map.of("admin", opaque("admin", Map.of("pass", "x")), "keys", opaque("keys", Map.of()))
                ::get);
    AuthSecrets.Report fine =
        AuthSecrets.check(
            md,
            Map.of(
                    "admin",
                    opaque("admin", Map.of("password", "x")),
                    "keys",
                    opaque("keys", Map.of("secret-key", "k")))
                ::get);

    assertThat(none.problems())
        .containsExactly(
            "spec.auth.adminPasswordSecret: Secret admin not found in namespace music: create it"
                + " with the admin password under the key password (kubectl create secret generic"
                + " admin -n music --from-literal=password=<password>)",
            "spec.auth.secretKeySecret: Secret keys not found in namespace music: create it with a"
                + " random key under the key secret-key (kubectl create secret generic keys -n"
                + " music --from-literal=secret-key=$(openssl rand -base64 32))");
    assertThat(noKey.problems())
        .containsExactly(
            "spec.auth.adminPasswordSecret: Secret admin has no key password: add the admin"
                + " password under it",
            "spec.auth.secretKeySecret: Secret keys has no key secret-key: add a random key under"
                + " it");
    assertThat(fine.ok()).isTrue();
  }

  static CredentialsDigest digest(MusicDelivery md, Secret credentials) {
    return CredentialsDigest.of(md, name -> name.equals("aws") ? credentials : null).orElseThrow();
  }

  static Secret opaque(String name, Map<String, String> values) {
    SecretBuilder secret = new SecretBuilder().withNewMetadata().withName(name).endMetadata();
    values.forEach(
        (k, v) -> secret.addToData(k, Base64.getEncoder().encodeToString(v.getBytes(UTF_8))));
    return secret.build();
  }

  static String decoded(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), UTF_8);
  }

  /** The stream container of the Deployment made for {@code md} with the default settings. */
  static Container streamContainer(MusicDelivery md) {
    return StreamDeployment.build(md, SETTINGS)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }

  static Map<String, EnvVar> env(Deployment d) {
    Map<String, EnvVar> env = new HashMap<>();
    d.getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .forEach(e -> env.put(e.getName(), e));
    return env;
  }

  static Secret secret(String keyId, String key) {
    Base64.Encoder base64 = Base64.getEncoder();
    return new SecretBuilder()
        .withNewMetadata()
        .withName("aws")
        .endMetadata()
        .addToData("AWS_SECRET_ACCESS_KEY", base64.encodeToString(key.getBytes(UTF_8)))
        .addToData("AWS_ACCESS_KEY_ID", base64.encodeToString(keyId.getBytes(UTF_8)))
        .build();
  }

  static Map<String, String> annotations(Deployment d) {
    return d.getSpec().getTemplate().getMetadata().getAnnotations();
  }

  @Test
  void podsKeepServingUntilTheServiceStopsSendingThemConnectionsThenStopGracefully() {
    var pod = StreamDeployment.build(md(BASE), SETTINGS).getSpec().getTemplate().getSpec();
    var preStop = pod.getContainers().get(0).getLifecycle().getPreStop();
    assertThat(preStop.getSleep().getSeconds()).isEqualTo(5L);
    // the wait, then 20 s for in-flight streams (application.yaml), within the grace period
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(5L + 20L);
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
    // the chunk cache lives on the heap: the JVM's heap is the budget's (MemoryBudgetTest)
    assertThat(container.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
              assertThat(e.getValue()).contains("-Xmx896m");
            });
  }

  @Test
  void ingressSpeaksTheDialectOfItsController() {
    String behaviours = " tls: {secretName: m-tls}, rateLimit: {requestsPerSecond: 5}}";
    Ingress f5 =
        StreamIngress.build(
            md(BASE + "routing: {host: m.example.com, controller: nginx," + behaviours));
    Ingress legacy =
        StreamIngress.build(
            md(BASE + "routing: {host: m.example.com, controller: ingress-nginx," + behaviours));
    // hash by URI, no buffering (64 KiB relay), the template's timeouts, retry on the next pod
    // (nginx retries only idempotent requests on its own), rate limit: the same behaviours, each
    // in its controller's words
    assertThat(f5.getMetadata().getAnnotations())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "nginx.org/lb-method", "hash $request_uri consistent",
                "nginx.org/proxy-buffering", "False",
                "nginx.org/proxy-buffer-size", "64k",
                "nginx.org/proxy-buffers", "4 64k",
                "nginx.org/proxy-connect-timeout", "2s",
                "nginx.org/proxy-read-timeout", "30s",
                "nginx.org/proxy-send-timeout", "30s",
                "nginx.org/proxy-next-upstream", "error timeout http_502",
                "nginx.org/limit-req-rate", "5r/s"));
    assertThat(legacy.getMetadata().getAnnotations())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "nginx.ingress.kubernetes.io/upstream-hash-by", "$request_uri",
                "nginx.ingress.kubernetes.io/proxy-buffering", "off",
                "nginx.ingress.kubernetes.io/proxy-buffer-size", "64k",
                "nginx.ingress.kubernetes.io/proxy-connect-timeout", "2",
                "nginx.ingress.kubernetes.io/proxy-read-timeout", "30",
                "nginx.ingress.kubernetes.io/proxy-send-timeout", "30",
                "nginx.ingress.kubernetes.io/proxy-next-upstream", "error timeout http_502",
                "nginx.ingress.kubernetes.io/proxy-next-upstream-timeout", "40",
                "nginx.ingress.kubernetes.io/proxy-next-upstream-tries", "2",
                "nginx.ingress.kubernetes.io/limit-rps", "5"));
    for (Ingress ingress : List.of(f5, legacy)) {
      assertThat(ingress.getSpec().getTls())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.getHosts()).containsExactly("m.example.com");
                assertThat(t.getSecretName()).isEqualTo("m-tls");
              });
      assertThat(ingress.getSpec().getIngressClassName()).isNull();
    }
    Ingress plain =
        StreamIngress.build(md(BASE + "routing: {host: m.example.com, controller: nginx}"));
    assertThat(plain.getMetadata().getAnnotations()).doesNotContainKey("nginx.org/limit-req-rate");
    assertThat(plain.getSpec().getTls()).isNullOrEmpty();
  }
}
