package dev.cadenza.stream.bench;

/**
 * The cache key of a chunk, shaped like the stream service's: a track id and a chunk index. The
 * track id matters to Caffeine through {@link #hashCode}, which its frequency sketch hashes: with
 * ids like the service's (base64url of a digest, unrelated between tracks) chunks of different
 * tracks do not share a hash, as they would with consecutive integer track ids ({@code 31 * track +
 * index} collides for chunk {@code i + 31} of a track and chunk {@code i} of the next).
 */
record ChunkKey(String trackId, int index) {}
