package dev.cadenza.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator process: reconciles MusicDelivery resources in the watched namespaces (all when
 * CADENZA_WATCH_NAMESPACES is empty), using KUBECONFIG or the in-cluster configuration.
 */
public final class CadenzaOperator {

  private static final Logger log = LoggerFactory.getLogger(CadenzaOperator.class);

  private CadenzaOperator() {}

  /** An operator with the MusicDelivery reconciler registered, not yet started. */
  public static Operator create(KubernetesClient client, OperatorSettings settings) {
    Operator operator =
        new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
    operator.register(
        new MusicDeliveryReconciler(),
        c -> {
          if (!settings.namespaces().isEmpty()) {
            c.settingNamespaces(settings.namespaces());
          }
        });
    return operator;
  }

  public static void main(String[] args) {
    OperatorSettings settings = OperatorSettings.load();
    KubernetesClient client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().build();
    Operator operator = create(client, settings);
    Runtime.getRuntime().addShutdownHook(new Thread(operator::stop, "operator-stop"));
    operator.start();
    log.info(
        "Cadenza operator started; watching {}",
        settings.namespaces().isEmpty() ? "all namespaces" : settings.namespaces());
  }
}
