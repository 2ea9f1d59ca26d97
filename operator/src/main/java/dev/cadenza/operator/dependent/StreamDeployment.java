package dev.cadenza.operator.dependent;

import dev.cadenza.operator.Names;
import dev.cadenza.operator.OperatorSettings;
import dev.cadenza.operator.crd.v1alpha1.Autoscaling;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliverySpec;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The stream pods: probes on the actuator endpoints of their management port, locked-down security
 * context, the library mounted read-only, spread across nodes, scraped by Prometheus (on the
 * management port too), rolled when the config or a Secret they read (DynamoDB credentials, admin
 * password, secret key) changes.
 */
public class StreamDeployment extends CRUDKubernetesDependentResource<Deployment, MusicDelivery> {

  public static final String CONFIG_CHECKSUM = "cadenza.dev/config-checksum";

  /** Name of the stream service's container, the pods' only one. */
  public static final String CONTAINER = "stream";

  /** Name of the pods' HTTP port ({@link StreamConfig#HTTP_PORT}), which the Service targets. */
  public static final String HTTP_PORT_NAME = "http";

  /**
   * Name of the pods' management port ({@link StreamConfig#MANAGEMENT_PORT}): probes, info and
   * metrics. No Service port targets it, so neither the Ingress nor the HTTPRoute can route to it.
   */
  public static final String MANAGEMENT_PORT_NAME = "management";

  /** Name of the pods' SNTP port ({@link StreamConfig#SNTP_PORT}), which the Service targets. */
  public static final String SNTP_PORT_NAME = "sntp";

  static final long RUN_AS = 10001L;

  /**
   * How long a stopping pod keeps serving before it is sent SIGTERM: a deleted pod leaves the
   * Service's endpoints at once, but every kube-proxy (and ingress controller) takes a moment to
   * stop sending it new connections, which a service that has stopped accepting would refuse.
   */
  static final int PRE_STOP_SECONDS = 5;

  /**
   * The pod's whole stop: the pre-stop wait, then the service's graceful shutdown, in which
   * in-flight streams get 20 s (spring.lifecycle.timeout-per-shutdown-phase), and a margin.
   */
  static final long TERMINATION_GRACE_SECONDS = 30;

  private final OperatorSettings settings;

  public StreamDeployment() {
    this(OperatorSettings.load());
  }

  public StreamDeployment(OperatorSettings settings) {
    super(Deployment.class);
    this.settings = settings;
  }

  @Override
  protected Deployment desired(MusicDelivery md, Context<MusicDelivery> context) {
    return build(md, settings, CredentialsDigest.read(context.getClient(), md));
  }

  /** A Deployment made with autoscaling starts at its minReplicas, not the API server's 1. */
  @Override
  public Deployment create(Deployment desired, MusicDelivery md, Context<MusicDelivery> context) {
    Autoscaling autoscaling = md.getSpec().autoscaling;
    if (autoscaling != null) {
      desired.getSpec().setReplicas(autoscaling.minReplicas);
    }
    return super.create(desired, md, context);
  }

  /**
   * With autoscaling the operator's apply leaves out spec.replicas, so that it never undoes the
   * HorizontalPodAutoscaler's count. A field its field manager stops applying is removed, though,
   * and the API server then defaults it to 1: the operator first hands the count over to a field
   * manager of its own that the autoscaler's first scale takes it from (as Kubernetes documents for
   * handing replicas to an HPA), keeping the count it had, raised to minReplicas or lowered to
   * maxReplicas.
   */
  @Override
  public Deployment update(
      Deployment actual, Deployment desired, MusicDelivery md, Context<MusicDelivery> context) {
    Autoscaling autoscaling = md.getSpec().autoscaling;
    String manager = context.getControllerConfiguration().fieldManager();
    if (autoscaling != null && appliesReplicas(actual, manager)) {
      int current = Objects.requireNonNullElse(actual.getSpec().getReplicas(), 1);
      int replicas = Math.min(Math.max(current, autoscaling.minReplicas), autoscaling.maxReplicas);
      handOverReplicas(context.getClient(), actual, replicas, manager + HANDOVER_SUFFIX);
    }
    return super.update(actual, desired, md, context);
  }

  /** Suffix of the field manager that holds spec.replicas between the operator and an HPA. */
  static final String HANDOVER_SUFFIX = "-handover-to-hpa";

  /** Whether {@code manager}'s server-side apply set spec.replicas of the Deployment. */
  static boolean appliesReplicas(Deployment actual, String manager) {
    return actual.getMetadata().getManagedFields().stream()
        .filter(f -> manager.equals(f.getManager()) && "Apply".equals(f.getOperation()))
        .map(f -> f.getFieldsV1() == null ? null : f.getFieldsV1().getAdditionalProperties())
        .anyMatch(
            fields ->
                fields != null
                    && fields.get("f:spec") instanceof Map<?, ?> spec
                    && spec.containsKey("f:replicas"));
  }

  /**
   * Applies only spec.replicas, as {@code manager}: it then holds the field (taken, when the value
   * changes, from the operator's own manager, which set the count until now) and keeps it when the
   * operator's manager lets go, until the autoscaler's first scale takes it.
   */
  private static void handOverReplicas(
      KubernetesClient client, Deployment actual, int replicas, String manager) {
    GenericKubernetesResource replicasOnly = new GenericKubernetesResource();
    replicasOnly.setApiVersion("apps/v1");
    replicasOnly.setKind("Deployment");
    replicasOnly.setMetadata(
        new ObjectMetaBuilder()
            .withName(actual.getMetadata().getName())
            .withNamespace(actual.getMetadata().getNamespace())
            .build());
    replicasOnly.setAdditionalProperty("spec", Map.of("replicas", replicas));
    client.resource(replicasOnly).fieldManager(manager).forceConflicts().serverSideApply();
  }

  /** The Deployment of a MusicDelivery whose Secrets are not read (none exists yet). */
  public static Deployment build(MusicDelivery md, OperatorSettings settings) {
    return build(md, settings, Optional.empty());
  }

  /**
   * The Deployment of a MusicDelivery whose Secrets have the digest {@code credentials}: a change
   * of either checksum on the pod template rolls the pods.
   */
  public static Deployment build(
      MusicDelivery md, OperatorSettings settings, Optional<CredentialsDigest> credentials) {
    MusicDeliverySpec spec = md.getSpec();
    String checksum = StreamConfig.checksum(StreamConfig.environment(md, settings));
    Map<String, String> selector = Names.selector(md);
    Integer replicas =
        spec.autoscaling != null
            ? null // the HorizontalPodAutoscaler owns the replica count
            : Objects.requireNonNullElse(spec.replicas, MusicDeliverySpec.DEFAULT_REPLICAS);
    return new DeploymentBuilder()
        .withMetadata(Names.metadata(md))
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(selector)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Names.labels(md))
        .addToAnnotations(CONFIG_CHECKSUM, checksum)
        .addToAnnotations(
            credentials.map(c -> Map.of(CredentialsDigest.ANNOTATION, c.sha256())).orElse(Map.of()))
        .addToAnnotations("prometheus.io/scrape", "true")
        .addToAnnotations("prometheus.io/port", Integer.toString(StreamConfig.MANAGEMENT_PORT))
        .addToAnnotations("prometheus.io/path", "/actuator/prometheus")
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUN_AS)
        .withRunAsGroup(RUN_AS)
        .withFsGroup(RUN_AS)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewTopologySpreadConstraint()
        .withMaxSkew(1)
        .withTopologyKey("kubernetes.io/hostname")
        .withWhenUnsatisfiable("ScheduleAnyway")
        .withNewLabelSelector()
        .withMatchLabels(selector)
        .endLabelSelector()
        .endTopologySpreadConstraint()
        .addToContainers(
            new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(Objects.requireNonNullElse(spec.image, settings.streamImage()))
                .addNewPort()
                .withName(HTTP_PORT_NAME)
                .withContainerPort(StreamConfig.HTTP_PORT)
                .withProtocol("TCP")
                .endPort()
                .addNewPort()
                .withName(MANAGEMENT_PORT_NAME)
                .withContainerPort(StreamConfig.MANAGEMENT_PORT)
                .withProtocol("TCP")
                .endPort()
                .addNewPort()
                .withName(SNTP_PORT_NAME)
                .withContainerPort(StreamConfig.SNTP_PORT)
                .withProtocol("UDP")
                .endPort()
                .addNewEnvFrom()
                .withNewConfigMapRef()
                .withName(Names.of(md))
                .endConfigMapRef()
                .endEnvFrom()
                .addAllToEnvFrom(credentials(spec))
                // read by the service only when it starts: a rotation rolls the pods (the digest)
                .addNewEnv()
                .withName("CADENZA_AUTH_ADMIN_PASSWORD")
                .withNewValueFrom()
                .withSecretKeyRef(AuthSecrets.adminPassword(md))
                .endValueFrom()
                .endEnv()
                .addNewEnv()
                .withName("CADENZA_AUTH_SECRET_KEY")
                .withNewValueFrom()
                .withSecretKeyRef(AuthSecrets.secretKey(md))
                .endValueFrom()
                .endEnv()
                // the JVM held to the memory budget the container's resources are made of
                .addNewEnv()
                .withName("JAVA_TOOL_OPTIONS")
                .withValue(String.join(" ", MemoryBudget.of(spec).jvmOptions()))
                .endEnv()
                .withResources(resources(spec))
                // the service writes why it could not start to /dev/termination-log; any other
                // failure leaves the end of its log there, and both reach the CrashLooping
                // condition
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withLivenessProbe(probe("/actuator/health/liveness", 3))
                .withReadinessProbe(probe("/actuator/health/readiness", 1))
                .withStartupProbe(probe("/actuator/health/liveness", 60))
                .withNewLifecycle()
                .withNewPreStop()
                .withNewSleep()
                .withSeconds((long) PRE_STOP_SECONDS)
                .endSleep()
                .endPreStop()
                .endLifecycle()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                .addToDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .addNewVolumeMount()
                .withName("library")
                .withMountPath(StreamConfig.LIBRARY_MOUNT)
                .withSubPath(
                    spec.library.subPath == null || spec.library.subPath.isEmpty()
                        ? null
                        : spec.library.subPath)
                .withReadOnly(true)
                .endVolumeMount()
                .addNewVolumeMount()
                .withName("tmp")
                .withMountPath("/tmp")
                .endVolumeMount()
                .build())
        .addNewVolume()
        .withName("library")
        .withNewPersistentVolumeClaim()
        .withClaimName(spec.library.persistentVolumeClaim)
        .withReadOnly(true)
        .endPersistentVolumeClaim()
        .endVolume()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** AWS_ACCESS_KEY_ID and friends from spec.dynamodb.credentialsSecret, when one is named. */
  private static List<EnvFromSource> credentials(MusicDeliverySpec spec) {
    String secret = spec.dynamodb.credentialsSecret;
    if (secret == null || secret.isEmpty()) {
      return List.of();
    }
    return List.of(
        new EnvFromSourceBuilder().withNewSecretRef().withName(secret).endSecretRef().build());
  }

  /**
   * The container's resources: memory from the budget, asked for and limited to the same amount
   * (memory is not compressible: a pod that asks for less than it may use is the first evicted
   * under pressure). A memory that spec.resources names wins (a request alone is its limit too, a
   * limit alone its request: docs/memory.md); cpu 250m is asked for when spec.resources is left
   * out.
   */
  static ResourceRequirements resources(MusicDeliverySpec spec) {
    Quantity memory = MemoryBudget.of(spec).container();
    Map<String, Quantity> requests = new HashMap<>();
    Map<String, Quantity> limits = new HashMap<>();
    if (spec.resources == null) {
      requests.put("cpu", new Quantity("250m"));
    } else {
      requests.putAll(Objects.requireNonNullElse(spec.resources.requests, Map.of()));
      limits.putAll(Objects.requireNonNullElse(spec.resources.limits, Map.of()));
    }
    requests.putIfAbsent("memory", limits.getOrDefault("memory", memory));
    limits.putIfAbsent("memory", requests.get("memory"));
    return new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build();
  }

  private static Probe probe(String path, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(MANAGEMENT_PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(5)
        .withFailureThreshold(failureThreshold)
        .build();
  }
}
