package dev.cadenza.stream.delivery;

import org.springframework.test.context.TestPropertySource;

/** The range matrix with originals served through L1 in 256 KiB chunks (the default size). */
@TestPropertySource(properties = "cadenza.cache.originals=l1")
class StreamEndpointL1Test extends StreamEndpointTest {}
