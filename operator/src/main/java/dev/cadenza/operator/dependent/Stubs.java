package dev.cadenza.operator.dependent;

import dev.cadenza.operator.Names;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** Resources that carry only the identity of an optional secondary resource. */
final class Stubs {

  private Stubs() {}

  static <T extends HasMetadata> T named(T resource, MusicDelivery md) {
    resource.setMetadata(Names.metadata(md));
    return resource;
  }
}
