package dev.cadenza.operator.crd.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A music service: stream pods serving a library, their configuration, DynamoDB tables and routing.
 * docs/crd.md documents every field.
 */
@Group("cadenza.dev")
@Version("v1alpha1")
@Plural("musicdeliveries")
@ShortNames("md")
@AdditionalPrinterColumn(
    name = "Ready",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Replicas",
    type = AdditionalPrinterColumn.Type.INTEGER,
    jsonPath = ".status.readyReplicas")
@AdditionalPrinterColumn(
    name = "URL",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.url")
@AdditionalPrinterColumn(
    name = "Age",
    type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
public class MusicDelivery extends CustomResource<MusicDeliverySpec, MusicDeliveryStatus>
    implements Namespaced {

  @Override
  protected MusicDeliveryStatus initStatus() {
    return new MusicDeliveryStatus();
  }
}
