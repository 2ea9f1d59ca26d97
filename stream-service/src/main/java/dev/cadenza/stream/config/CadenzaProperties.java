package dev.cadenza.stream.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code cadenza.*} setting with its default. Each can be overridden by an environment
 * variable through Spring's relaxed binding ({@code CADENZA_LIBRARY_PATH}, {@code
 * CADENZA_LIBRARY_RESCAN_INTERVAL}); docs/configuration.md lists them.
 */
@Validated
@ConfigurationProperties("cadenza")
public record CadenzaProperties(
    @Valid @NotNull @DefaultValue Library library,
    @Valid @NotNull @DefaultValue Api api,
    @Valid @NotNull @DefaultValue Cache cache,
    @Valid @NotNull @DefaultValue DynamoDb dynamodb) {

  /**
   * The music library.
   *
   * @param path root directory of the library; empty serves the bundled demo library
   * @param rescanInterval how often the tree is rescanned for added, changed and removed files; 0
   *     disables rescans
   * @param scanThreads threads reading tags during a scan; unset, one per CPU (at most 64): a scan
   *     reads files in parallel up to what the machine can use
   * @param progressInterval how often a running scan logs its progress
   * @param watch whether added, changed and removed files are picked up as the file system notifies
   *     them (inotify), between rescans
   */
  public record Library(
      Path path,
      @NotNull @DefaultValue("60s") Duration rescanInterval,
      @Min(1) @Max(64) Integer scanThreads,
      @NotNull @DefaultValue("5s") Duration progressInterval,
      @DefaultValue("true") boolean watch) {

    public Library {
      if (scanThreads == null) {
        scanThreads = Math.min(64, Runtime.getRuntime().availableProcessors());
      }
      if (path != null && !Files.isDirectory(path)) {
        throw new IllegalArgumentException(
            "cadenza.library.path: '" + path + "' is not a readable directory");
      }
      if (scanThreads < 1 || scanThreads > 64) {
        throw new IllegalArgumentException(
            "cadenza.library.scan-threads: must be between 1 and 64, got " + scanThreads);
      }
      if (rescanInterval != null && rescanInterval.isNegative()) {
        throw new IllegalArgumentException(
            "cadenza.library.rescan-interval: must not be negative, got " + rescanInterval);
      }
      if (progressInterval != null
          && (progressInterval.isNegative() || progressInterval.isZero())) {
        throw new IllegalArgumentException(
            "cadenza.library.progress-interval: must be positive, got " + progressInterval);
      }
    }
  }

  /**
   * The JSON API.
   *
   * @param defaultPageSize page size when a listing request gives no {@code limit}
   * @param maxPageSize the largest {@code limit} a listing accepts
   */
  public record Api(
      @Min(1) @DefaultValue("50") int defaultPageSize,
      @Min(1) @Max(10000) @DefaultValue("500") int maxPageSize) {

    public Api {
      if (maxPageSize < 1 || maxPageSize > 10000) {
        throw new IllegalArgumentException(
            "cadenza.api.max-page-size: must be between 1 and 10000, got " + maxPageSize);
      }
      if (defaultPageSize < 1 || defaultPageSize > maxPageSize) {
        throw new IllegalArgumentException(
            "cadenza.api.default-page-size: must be between 1 and cadenza.api.max-page-size ("
                + maxPageSize
                + "), got "
                + defaultPageSize);
      }
    }
  }

  /**
   * The chunk cache (docs/caching.md). Sizes take Spring ({@code 256KB}, binary) or Kubernetes
   * ({@code 256Ki}, {@code 512Mi}) notation.
   *
   * @param enabled whether audio goes through the chunk cache at all; off, every response is read
   *     from the file (zero-copy)
   * @param memory the in-process (L1) cache's bound, in bytes of audio
   * @param chunkSize bytes per chunk; a chunk is also one DynamoDB item, which holds at most 400 KB
   * @param ttl how long a chunk stays in the DynamoDB chunks table (L2)
   * @param readAhead chunks fetched ahead of a sequential reader (one BatchGetItem from L2)
   * @param writeQueue chunks waiting to be written to L2; when full, new writes are dropped
   * @param writeConcurrency L2 writes in flight at once
   * @param prefetch warming the first chunks of the likely next tracks when a track starts
   * @param originals where the originals of tracks are served from: {@code auto}, {@code l1} or
   *     {@code page-cache} ({@link Originals})
   */
  public record Cache(
      @DefaultValue("true") boolean enabled,
      @NotNull @DefaultValue("256MB") DataSize memory,
      @NotNull @DefaultValue("256KB") DataSize chunkSize,
      @NotNull @DefaultValue("24h") Duration ttl,
      @DefaultValue("4") int readAhead,
      @DefaultValue("64") int writeQueue,
      @DefaultValue("4") int writeConcurrency,
      @Valid @NotNull @DefaultValue Prefetch prefetch,
      @NotNull @DefaultValue("auto") Originals originals) {

    /** The defaults, as configuration without {@code cadenza.cache.*} gets them. */
    public static Cache defaults() {
      return new Cache(
          true,
          DataSize.ofMegabytes(256),
          DataSize.ofKilobytes(256),
          Duration.ofHours(24),
          4,
          64,
          4,
          Prefetch.defaults(),
          Originals.AUTO);
    }

    /** Leaves room for the item's key and attributes within DynamoDB's 400 KB item limit. */
    public static final DataSize MAX_CHUNK = DataSize.ofKilobytes(350);

    public Cache {
      if (memory != null && memory.isNegative()) {
        throw new IllegalArgumentException(
            "cadenza.cache.memory: must not be negative, got " + memory);
      }
      if (chunkSize != null
          && (chunkSize.toBytes() < 4096 || chunkSize.toBytes() > MAX_CHUNK.toBytes())) {
        throw new IllegalArgumentException(
            "cadenza.cache.chunk-size: must be between 4KB and 350KB (a DynamoDB item holds at"
                + " most 400 KB), got "
                + chunkSize.toBytes()
                + " bytes");
      }
      if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
        throw new IllegalArgumentException("cadenza.cache.ttl: must be positive, got " + ttl);
      }
      if (readAhead < 0 || readAhead > 64) {
        throw new IllegalArgumentException(
            "cadenza.cache.read-ahead: must be between 0 and 64 chunks, got " + readAhead);
      }
      if (writeQueue < 1 || writeQueue > 100_000) {
        throw new IllegalArgumentException(
            "cadenza.cache.write-queue: must be between 1 and 100000, got " + writeQueue);
      }
      if (writeConcurrency < 1 || writeConcurrency > 256) {
        throw new IllegalArgumentException(
            "cadenza.cache.write-concurrency: must be between 1 and 256, got " + writeConcurrency);
      }
      if (prefetch == null) {
        prefetch = Prefetch.defaults();
      }
      if (originals == null) {
        originals = Originals.AUTO;
      }
    }

    /**
     * Where the original bytes of tracks are served from (docs/caching.md#originals). A local file
     * system's page cache holds hot files already, and sending them from there (sendfile) costs
     * neither heap nor a copy per response; L1 earns its memory where reading the file is dear: a
     * network file system, or pods that share chunks through L2.
     */
    public enum Originals {
      /** The page cache when the library is on a local file system and there is no L2, else L1. */
      AUTO,
      /** Always through L1 (and L2, when there is one). */
      L1,
      /** Always from the file, through the page cache; L1 holds transcoded variants only. */
      PAGE_CACHE;

      /**
       * The value as it is written in configuration ({@code page-cache}); Spring lists these when a
       * bad value stops start-up, and logs and health details say the same.
       */
      @Override
      public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
      }
    }

    /**
     * Predictive prefetch (docs/caching.md#predictive-prefetch): when a track starts, the first
     * chunks of the likely next tracks are loaded into L1 in the background.
     *
     * @param enabled whether to prefetch at all (always off while the cache is off)
     * @param tracks how many likely next tracks to warm per track start
     * @param chunks how many chunks from the start of each of those tracks
     * @param maxShare the largest share of L1 that prefetched chunks not yet read may take
     * @param queue track starts waiting to be prefetched; when full, new ones are dropped
     */
    public record Prefetch(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2") int tracks,
        @DefaultValue("2") int chunks,
        @DefaultValue("0.1") double maxShare,
        @DefaultValue("64") int queue) {

      public static Prefetch defaults() {
        return new Prefetch(true, 2, 2, 0.1, 64);
      }

      public Prefetch {
        if (tracks < 1 || tracks > 16) {
          throw new IllegalArgumentException(
              "cadenza.cache.prefetch.tracks: must be between 1 and 16, got " + tracks);
        }
        if (chunks < 1 || chunks > 64) {
          throw new IllegalArgumentException(
              "cadenza.cache.prefetch.chunks: must be between 1 and 64, got " + chunks);
        }
        if (!(maxShare > 0 && maxShare <= 0.5)) {
          throw new IllegalArgumentException(
              "cadenza.cache.prefetch.max-share: must be above 0 and at most 0.5, got " + maxShare);
        }
        if (queue < 1 || queue > 10_000) {
          throw new IllegalArgumentException(
              "cadenza.cache.prefetch.queue: must be between 1 and 10000, got " + queue);
        }
      }
    }
  }

  /**
   * DynamoDB: the shared chunk cache (L2) and the shared catalogue. Off while {@code table-prefix}
   * is empty: then the service keeps everything in process (the embedded default).
   *
   * @param tablePrefix tables {@code <prefix>-catalog}, {@code <prefix>-chunks}, {@code
   *     <prefix>-sessions}; empty turns DynamoDB off
   * @param region AWS region; empty uses the SDK's default chain ({@code AWS_REGION}, profile)
   * @param endpoint a DynamoDB-compatible endpoint instead of AWS's
   * @param createTables create missing tables at start-up (for local use; in Kubernetes the
   *     operator creates them)
   * @param timeout the longest one DynamoDB call may take before the request falls back to the
   *     library file
   * @param breakerWait how long the circuit breaker stays open before probing DynamoDB again
   * @param leaseDuration how long the scan lease (only its holder scans the library) lasts without
   *     being renewed
   * @param catalogPoll how often pods that do not scan check the shared catalogue for changes
   */
  public record DynamoDb(
      @DefaultValue("") String tablePrefix,
      @DefaultValue("") String region,
      URI endpoint,
      @DefaultValue("false") boolean createTables,
      @NotNull @DefaultValue("1s") Duration timeout,
      @NotNull @DefaultValue("5s") Duration breakerWait,
      @NotNull @DefaultValue("30s") Duration leaseDuration,
      @NotNull @DefaultValue("5s") Duration catalogPoll) {

    public DynamoDb {
      if (tablePrefix != null
          && !tablePrefix.isEmpty()
          && !tablePrefix.matches("[a-zA-Z0-9_.-]{1,200}")) {
        throw new IllegalArgumentException(
            "cadenza.dynamodb.table-prefix: letters, digits, '_', '-' and '.' only (1-200), got '"
                + tablePrefix
                + "'");
      }
      if (endpoint != null
          && (endpoint.getScheme() == null
              || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))
              || endpoint.getHost() == null)) {
        throw new IllegalArgumentException(
            "cadenza.dynamodb.endpoint: must be an http(s) URL such as http://127.0.0.1:8000, got '"
                + endpoint
                + "'");
      }
      positive("cadenza.dynamodb.timeout", timeout);
      positive("cadenza.dynamodb.breaker-wait", breakerWait);
      positive("cadenza.dynamodb.lease-duration", leaseDuration);
      positive("cadenza.dynamodb.catalog-poll", catalogPoll);
    }

    /** No DynamoDB: the embedded default. */
    public static DynamoDb off() {
      return new DynamoDb(
          "",
          "",
          null,
          false,
          Duration.ofSeconds(1),
          Duration.ofSeconds(5),
          Duration.ofSeconds(30),
          Duration.ofSeconds(5));
    }

    /** Whether DynamoDB is configured at all. */
    public boolean enabled() {
      return tablePrefix != null && !tablePrefix.isEmpty();
    }

    private static void positive(String name, Duration value) {
      if (value != null && (value.isNegative() || value.isZero())) {
        throw new IllegalArgumentException(name + ": must be positive, got " + value);
      }
    }
  }
}
