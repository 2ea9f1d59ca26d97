package dev.cadenza.operator.crd.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
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
@ValidationRule(
    value =
        "size(self.metadata.name) <= 63 && self.metadata.name.matches('" + Formats.DNS_LABEL + "')",
    message = MusicDelivery.NAME_MESSAGE)
public class MusicDelivery extends CustomResource<MusicDeliverySpec, MusicDeliveryStatus>
    implements Namespaced {

  /** Why a name is refused: every resource the operator makes is named after the MusicDelivery. */
  public static final String NAME_MESSAGE =
      "metadata.name must be at most 63 lower-case letters, digits and '-', start with a letter"
          + " and end with a letter or digit: it names the Service of the stream pods (a DNS-1035"
          + " label) and is their app.kubernetes.io/instance label";

  @Override
  protected MusicDeliveryStatus initStatus() {
    return new MusicDeliveryStatus();
  }
}
