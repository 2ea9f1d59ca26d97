package dev.cadenza.stream.delivery;

import org.springframework.test.context.TestPropertySource;

/** The range matrix with the chunk cache off: bodies go straight from the file (sendfile). */
@TestPropertySource(properties = "cadenza.cache.enabled=false")
class StreamEndpointUncachedTest extends StreamEndpointTest {}
