package dev.cadenza.operator;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the leader-election Lease a dependent of the operator's own Deployment. The operator
 * creates the Lease at run time, so Helm does not know it; owned by the Deployment, it goes when
 * the Deployment goes ({@code helm uninstall}), through Kubernetes' garbage collector. The leader
 * does this each time it starts leading; a failure costs only the clean-up, so it is logged once
 * and leading goes on.
 */
final class LeaseOwner {

  private static final Logger log = LoggerFactory.getLogger(LeaseOwner.class);

  private LeaseOwner() {}

  /** Sets the Lease's owner to the Deployment; true when the Lease now has that owner. */
  static boolean adopt(KubernetesClient client, String namespace, String lease, String deployment) {
    try {
      Deployment owner =
          client.apps().deployments().inNamespace(namespace).withName(deployment).get();
      if (owner == null) {
        log.warn(
            "The Lease {}/{} stays after the operator is uninstalled: its owner, the Deployment {}"
                + " (CADENZA_LEASE_OWNER), does not exist",
            namespace,
            lease,
            deployment);
        return false;
      }
      var reference =
          new OwnerReferenceBuilder()
              .withApiVersion("apps/v1")
              .withKind("Deployment")
              .withName(deployment)
              .withUid(owner.getMetadata().getUid())
              .build();
      // a merge patch of the owners alone: the holder and renew time are left as they are
      String patch =
          Serialization.asJson(Map.of("metadata", Map.of("ownerReferences", List.of(reference))));
      client
          .resources(Lease.class)
          .inNamespace(namespace)
          .withName(lease)
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      log.info("The Lease {}/{} is owned by the Deployment {}", namespace, lease, deployment);
      return true;
    } catch (KubernetesClientException e) {
      log.warn(
          "The Lease {}/{} stays after the operator is uninstalled: making the Deployment {} its"
              + " owner failed ({} {})",
          namespace,
          lease,
          deployment,
          e.getCode(),
          e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage());
      return false;
    }
  }
}
