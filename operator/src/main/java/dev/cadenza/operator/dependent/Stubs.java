package dev.cadenza.operator.dependent;

import dev.cadenza.operator.Names;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Resources that carry only the identity of an optional secondary resource. */
final class Stubs {

  private Stubs() {}

  static <T extends HasMetadata> T named(T resource, MusicDelivery md) {
    resource.setMetadata(
        new ObjectMetaBuilder()
            .withName(Names.of(md))
            .withNamespace(md.getMetadata().getNamespace())
            .build());
    return resource;
  }
}
