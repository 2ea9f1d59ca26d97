package dev.cadenza.operator.testsupport;

import dev.cadenza.operator.OperatorSettings;
import dev.cadenza.operator.TestOperators;
import dev.cadenza.testsupport.Dynalite;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The operator, in the test JVM, for one test class: against a {@link KubeApi} of its own, with the
 * MusicDelivery CRD installed and the watched namespaces (and the Lease's) created, started before
 * the class's first test and stopped after its last, before its API server:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final OperatorUnderTest operator = OperatorUnderTest.with(TestOperators.settings("music"));
 *
 * static final KubeApi kube = operator.kube();
 * }</pre>
 *
 * <p>The operator has its own client, as its own process would. Its DynamoDB calls sign with
 * dynalite's credentials ({@link Dynalite#useAsDefaultCredentials()}); the MusicDeliveries name the
 * endpoint. Nested classes share their outer class's operator.
 */
public final class OperatorUnderTest implements BeforeAllCallback, AfterAllCallback {

  private final KubeApi kube;
  private final OperatorSettings settings;
  private final boolean deployedClusterRole;
  private KubernetesClient client;
  private Operator operator;

  private OperatorUnderTest(KubeApi kube, OperatorSettings settings, boolean deployedClusterRole) {
    this.kube = kube;
    this.settings = settings;
    this.deployedClusterRole = deployedClusterRole;
  }

  /** The operator with these settings and an admin's rights, on a new API server. */
  public static OperatorUnderTest with(OperatorSettings settings) {
    return new OperatorUnderTest(new KubeApi(), settings, false);
  }

  /** The API server the operator runs against (started on first use, like any {@link KubeApi}). */
  public KubeApi kube() {
    return kube;
  }

  /**
   * The same operator with only the rights of operator/deploy/cluster-role.yaml: its client
   * impersonates {@link KubeApi#OPERATOR_SERVICE_ACCOUNT}, bound to that role.
   */
  public OperatorUnderTest withDeployedClusterRole() {
    return new OperatorUnderTest(kube, settings, true);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (nested(context)) {
      return;
    }
    Dynalite.useAsDefaultCredentials();
    KubernetesClient admin = kube.client();
    KubeApi.installCrd(admin);
    settings.namespaces().forEach(ns -> KubeApi.createNamespace(admin, ns));
    if (settings.leaseNamespace() != null) {
      KubeApi.createNamespace(admin, settings.leaseNamespace());
    }
    client = deployedClusterRole ? kube.clientWithDeployedClusterRole() : kube.newClient();
    operator = TestOperators.create(client, settings, o -> {});
    operator.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (nested(context)) {
      return;
    }
    try {
      if (operator != null) {
        operator.stop();
      }
    } finally {
      if (client != null) {
        client.close();
      }
      kube.afterAll(context);
    }
  }

  /** The operator's own client (with {@link #withDeployedClusterRole()}, the restricted one). */
  public KubernetesClient client() {
    return client;
  }

  public Operator operator() {
    return operator;
  }

  private static boolean nested(ExtensionContext context) {
    return context.getParent().flatMap(ExtensionContext::getParent).isPresent();
  }
}
