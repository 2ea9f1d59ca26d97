package dev.cadenza.stream.store;

/** The {@link ItemStoreContract} of the test double, so tests above the seam can trust it. */
class InMemoryItemStoreTest extends ItemStoreContract {

  @Override
  ItemStore open() {
    return new InMemoryItemStore();
  }
}
