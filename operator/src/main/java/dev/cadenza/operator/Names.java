package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;

/** Names and labels of everything the operator creates for a MusicDelivery. */
public final class Names {

  /**
   * The operator's own name: its {@code app.kubernetes.io/managed-by} label and DynamoDB tag, the
   * field manager of what it applies itself, the component of its Events and the default name of
   * its leader-election Lease.
   */
  public static final String OPERATOR = "cadenza-operator";

  public static final String APP = "cadenza-stream";
  public static final String MANAGED_BY = OPERATOR;

  private Names() {}

  /** Every secondary resource is named after its MusicDelivery. */
  public static String of(MusicDelivery md) {
    return md.getMetadata().getName();
  }

  /** Name, namespace and labels of a resource the operator creates for {@code md}. */
  public static ObjectMeta metadata(MusicDelivery md) {
    return new ObjectMetaBuilder()
        .withName(of(md))
        .withNamespace(md.getMetadata().getNamespace())
        .withLabels(labels(md))
        .build();
  }

  /** Labels that select this MusicDelivery's stream pods. */
  public static Map<String, String> selector(MusicDelivery md) {
    return Map.of("app.kubernetes.io/name", APP, "app.kubernetes.io/instance", of(md));
  }

  /** Labels on every resource the operator creates. */
  public static Map<String, String> labels(MusicDelivery md) {
    return Map.of(
        "app.kubernetes.io/name",
        APP,
        "app.kubernetes.io/instance",
        of(md),
        "app.kubernetes.io/managed-by",
        MANAGED_BY,
        "app.kubernetes.io/part-of",
        "cadenza");
  }
}
