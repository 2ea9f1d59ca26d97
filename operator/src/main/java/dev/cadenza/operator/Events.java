package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on a MusicDelivery for notable transitions, as {@code kubectl describe} shows.
 */
final class Events {

  private static final Logger log = LoggerFactory.getLogger(Events.class);
  static final String COMPONENT = Names.OPERATOR;

  private Events() {}

  static void normal(KubernetesClient client, MusicDelivery md, String reason, String message) {
    record(client, md, "Normal", reason, message);
  }

  static void warning(KubernetesClient client, MusicDelivery md, String reason, String message) {
    record(client, md, "Warning", reason, message);
  }

  private static void record(
      KubernetesClient client, MusicDelivery md, String type, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    byte[] suffix = new byte[6];
    ThreadLocalRandom.current().nextBytes(suffix);
    try {
      client
          .v1()
          .events()
          .inNamespace(md.getMetadata().getNamespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(md.getMetadata().getName() + "." + HexFormat.of().formatHex(suffix))
                  .withNamespace(md.getMetadata().getNamespace())
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(md.getApiVersion())
                          .withKind(md.getKind())
                          .withName(md.getMetadata().getName())
                          .withNamespace(md.getMetadata().getNamespace())
                          .withUid(md.getMetadata().getUid())
                          .withResourceVersion(md.getMetadata().getResourceVersion())
                          .build())
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent(COMPONENT)
                  .endSource()
                  .withReportingComponent(COMPONENT)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      // an event is a courtesy: never fail a reconciliation over it
      log.debug("Could not record event {} on {}: {}", reason, Names.of(md), e.getMessage());
    }
  }
}
