package dev.cadenza.stream.metadata;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Track metadata from a local model ({@code cadenza.metadata.*}; environment variables {@code
 * CADENZA_METADATA_EMBEDDINGS} and so on). docs/metadata.md describes each.
 *
 * @param embeddings whether to load the sentence-embedding model at all
 * @param batchSize texts run through the model together at most. The default, 1, makes a track's
 *     vector depend on its text alone: the model quantises activations with one scale per run, so
 *     in a larger batch the other texts (and the padding) move each vector a little (cosine to the
 *     text alone down to 0.986 at 32). Larger batches take less CPU per text (1.1-1.4× the texts
 *     per CPU-second at 8).
 * @param threads onnxruntime intra-op threads of one model run (bounds the CPU one batch takes).
 *     The default, 1, runs the model on the worker's own thread: a run of one short text is too
 *     small to share between threads (two workers of one thread embedded 0.9-1.6× the texts per
 *     CPU-second of one worker of two, and up to 2.9× the texts per second on free cores)
 * @param workers batches that run at the same time; a request is shared among them. The default, 2,
 *     with one thread each, takes the same two cores at most as one worker of two threads did
 * @param queue embedding requests waiting for a worker at most; more are refused
 * @param maxTokens tokens of one text the model sees at most (the rest is cut); 256, as
 *     sentence-transformers uses for this model
 * @param nativeCacheDir where the tokenizer unpacks its native library, unless {@code
 *     DJL_CACHE_DIR} is set; empty means {@code <java.io.tmpdir>/cadenza-djl}
 * @param exactSearchMaxTracks catalogues of at most this many embedded tracks are searched exactly
 *     (cosine against every track); larger ones by binary code first, re-ranking the nearest {@code
 *     searchCandidates} by cosine
 * @param searchCandidates codes re-ranked by cosine in a search of a large catalogue (at least the
 *     number of results asked for)
 * @param modelIdleTimeout how long the model stays loaded after its last run; then its native
 *     memory (60-70 MiB) is freed until the next track to embed loads it again (0.4-0.6 s). Zero
 *     keeps it loaded for good
 */
@Validated
@ConfigurationProperties("cadenza.metadata")
public record MetadataSettings(
    @DefaultValue("true") boolean embeddings,
    @Min(1) @Max(256) @DefaultValue("1") int batchSize,
    @Min(1) @Max(64) @DefaultValue("1") int threads,
    @Min(1) @Max(64) @DefaultValue("2") int workers,
    @Min(1) @DefaultValue("64") int queue,
    @Min(8) @Max(512) @DefaultValue("256") int maxTokens,
    @DefaultValue("") String nativeCacheDir,
    @Min(0) @DefaultValue("2000") int exactSearchMaxTracks,
    @Min(1) @Max(100000) @DefaultValue("200") int searchCandidates,
    @DefaultValue("30s") Duration modelIdleTimeout) {

  public MetadataSettings {
    range("cadenza.metadata.batch-size", batchSize, 1, 256);
    range("cadenza.metadata.threads", threads, 1, 64);
    range("cadenza.metadata.workers", workers, 1, 64);
    range("cadenza.metadata.queue", queue, 1, Integer.MAX_VALUE);
    // 512 is the model's position limit
    range("cadenza.metadata.max-tokens", maxTokens, 8, 512);
    nativeCacheDir = nativeCacheDir == null ? "" : nativeCacheDir;
    range("cadenza.metadata.exact-search-max-tracks", exactSearchMaxTracks, 0, Integer.MAX_VALUE);
    range("cadenza.metadata.search-candidates", searchCandidates, 1, 100000);
    if (modelIdleTimeout == null || modelIdleTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "cadenza.metadata.model-idle-timeout: must be zero or more, got " + modelIdleTimeout);
    }
  }

  /** The defaults, as the service starts without any {@code cadenza.metadata.*} setting. */
  public static MetadataSettings defaults() {
    return new MetadataSettings(true, 1, 1, 2, 64, 256, "", 2000, 200, Duration.ofSeconds(30));
  }

  private static void range(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + ": must be between " + min + " and " + max + ", got " + value);
    }
  }
}
