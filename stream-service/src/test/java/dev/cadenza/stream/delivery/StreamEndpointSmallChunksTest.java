package dev.cadenza.stream.delivery;

import org.springframework.test.context.TestPropertySource;

/**
 * The range matrix assembled from 4 KiB chunks of L1: nearly every range crosses chunk boundaries.
 */
@TestPropertySource(
    properties = {
      "cadenza.cache.chunk-size=4KB",
      "cadenza.cache.read-ahead=3",
      "cadenza.cache.originals=l1"
    })
class StreamEndpointSmallChunksTest extends StreamEndpointTest {}
