package dev.cadenza.stream.library;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The {@link CatalogSharingContract} of the embedded default: no sharing. */
class LocalCatalogSharingTest extends CatalogSharingContract {

  @Override
  CatalogSharing sharing(SimpleMeterRegistry meters) {
    return new LocalCatalogSharing();
  }

  @Override
  String loneMode() {
    return "local";
  }
}
