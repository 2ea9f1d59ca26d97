package dev.cadenza.operator.testsupport;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The MusicDelivery {@code music/jazz} that the desired-state and status tests build resources
 * from, without an API server: {@code jazz(BASE + "replicas: 3\n")}.
 */
public final class Jazz {

  /** The least a spec needs: a library and a table prefix. */
  public static final String BASE =
      "library: {persistentVolumeClaim: music}\ndynamodb: {tablePrefix: jazz}\n";

  private Jazz() {}

  /** {@code music/jazz} with this spec (YAML, unindented). */
  public static MusicDelivery jazz(String spec) {
    return jazz("", spec);
  }

  /** {@code music/jazz} with more metadata (e.g. {@code "generation: 3"}) and this spec. */
  public static MusicDelivery jazz(String metadata, String spec) {
    return Serialization.unmarshal(
        "apiVersion: cadenza.dev/v1alpha1\nkind: MusicDelivery\n"
            + "metadata: {name: jazz, namespace: music"
            + (metadata.isEmpty() ? "" : ", " + metadata)
            + "}\nspec:\n"
            + spec.indent(2),
        MusicDelivery.class);
  }
}
