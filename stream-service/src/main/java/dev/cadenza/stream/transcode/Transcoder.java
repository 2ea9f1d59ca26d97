package dev.cadenza.stream.transcode;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cadenza.stream.cache.ChunkCache;
import dev.cadenza.stream.cache.ChunkKey;
import dev.cadenza.stream.cache.ChunkSource;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.web.Problems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Makes transcoded variants with ffmpeg and finds those already made (docs/transcoding.md).
 *
 * <ul>
 *   <li>A variant is made once: its bytes become chunks of the tiered cache under the variant's
 *       name (L1, and L2 which every pod shares), then a manifest (its length and SHA-256) is
 *       written to L2 after them. A pod that finds the manifest serves the variant from the cache,
 *       with byte ranges and a strong ETag, and runs no ffmpeg.
 *   <li>Everyone asking for a variant being made on this pod shares its one run, from its first
 *       byte, as it is made.
 *   <li>At most {@link TranscodingProperties#slots} runs at once. When every slot is taken a run
 *       that nobody listens to any more (still finishing for the cache) gives its slot up; failing
 *       that the request gets 503 with {@code Retry-After}.
 *   <li>A run whose last listener leaves goes on only to complete its variant for the cache (the
 *       listener's next request, a seek or a replay, is then served from it); with the cache off,
 *       or a one-off run (a start offset), it is stopped at once.
 * </ul>
 */
@Component
public class Transcoder implements HealthIndicator, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(Transcoder.class);

  /** The manifest is chunk -1 of the variant: its length (8 bytes) and SHA-256 (32). */
  static final int MANIFEST_INDEX = -1;

  static final int MANIFEST_LENGTH = 8 + 32;

  /** A variant whose bytes are all in the cache. */
  public record Made(ChunkSource.Made source, String etag) {}

  /** What {@link #open} found: a variant made, or a run making it. */
  public sealed interface Opened permits Ready, Running {}

  /** Complete in the cache. */
  public record Ready(Made made) implements Opened {}

  /** Being made on this pod: follow the run. */
  public record Running(TranscodeRun run, Variant variant) implements Opened {}

  private final TranscodingProperties settings;
  private final ChunkCache cache;
  private final Ffmpeg ffmpeg;
  private final int slots;
  private final ScheduledExecutorService timeouts;
  private final Map<String, TranscodeRun> running = new LinkedHashMap<>(); // guarded by this
  private final Map<TranscodeRun, Boolean> finishing = new LinkedHashMap<>(); // guarded by this
  private final List<TranscodeRun> oneOff = new ArrayList<>(); // guarded by this
  private final Cache<String, Made> made = Caffeine.newBuilder().maximumSize(100_000).build();
  private final Timer firstByte;
  private final Counter busy;
  private final Counter joined;
  private final Counter madeBytes;
  private final Map<TranscodeRun.State, Counter> outcomes =
      new java.util.EnumMap<>(TranscodeRun.State.class);

  @Autowired
  Transcoder(TranscodingProperties settings, ChunkCache cache, MeterRegistry meters) {
    this(settings, cache, meters, Ffmpeg.locate(settings.ffmpeg()));
  }

  Transcoder(
      TranscodingProperties settings, ChunkCache cache, MeterRegistry meters, Ffmpeg ffmpeg) {
    this.settings = settings;
    this.cache = cache;
    this.ffmpeg = ffmpeg;
    this.slots = settings.slots();
    this.timeouts =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cadenza-transcode-timeouts");
              t.setDaemon(true);
              return t;
            });
    this.firstByte =
        Timer.builder("cadenza.transcode.first.byte")
            .description("From starting ffmpeg to its first output byte")
            .publishPercentileHistogram()
            .register(meters);
    this.busy =
        Counter.builder("cadenza.transcode.rejected")
            .description("Requests for a new run refused with 503: every slot was taken")
            .register(meters);
    this.joined =
        Counter.builder("cadenza.transcode.joined")
            .description("Requests that followed a run already making their variant")
            .register(meters);
    this.madeBytes =
        Counter.builder("cadenza.transcode.bytes")
            .description("Bytes ffmpeg made")
            .baseUnit("bytes")
            .register(meters);
    for (TranscodeRun.State outcome :
        List.of(TranscodeRun.State.DONE, TranscodeRun.State.FAILED, TranscodeRun.State.STOPPED)) {
      outcomes.put(
          outcome,
          Counter.builder("cadenza.transcode.runs")
              .description("ffmpeg runs, by how they ended")
              .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
              .register(meters));
    }
    Gauge.builder("cadenza.transcode.active", this, Transcoder::activeRuns)
        .description("ffmpeg runs now")
        .register(meters);
    Gauge.builder("cadenza.transcode.available", this, t -> t.available() ? 1 : 0)
        .description(
            "1 when ffmpeg runs and transcoding is on; 0 when every request gets the original")
        .register(meters);
    Gauge.builder("cadenza.transcode.slots", this, t -> t.slots)
        .description("ffmpeg runs allowed at once (cadenza.transcoding.max-concurrent)")
        .register(meters);
    if (!settings.enabled()) {
      log.info("Transcoding off (cadenza.transcoding.enabled=false): originals only");
    } else if (ffmpeg.available()) {
      log.info(
          "Transcoding with {} ({}), {} at once{}",
          ffmpeg.binary(),
          ffmpeg.version(),
          slots,
          ffmpeg.diesWithService()
              ? ""
              : "; no setpriv: a run outlives a killed service until its next write");
    } else {
      log.warn(
          "Transcoding unavailable: cannot run ffmpeg ('{}', cadenza.transcoding.ffmpeg); every"
              + " request is served the original (install Debian's ffmpeg package)",
          settings.ffmpeg());
    }
  }

  /** Whether requests for another format or bit rate can be honoured. */
  public boolean available() {
    return settings.enabled() && ffmpeg.available();
  }

  TranscodingProperties settings() {
    return settings;
  }

  /**
   * The variant made, or being made on this pod, or started now. Fails with a 503 problem when a
   * run is needed and every slot is taken.
   */
  public Mono<Opened> open(Track track, Variant variant) {
    String key = key(track, variant);
    TranscodeRun run = runFor(key);
    if (run != null && made.getIfPresent(key) == null) {
      joined.increment();
      return Mono.just(new Running(run, variant));
    }
    return find(track, variant)
        .map(found -> (Opened) new Ready(found))
        .switchIfEmpty(Mono.fromCallable(() -> startOrJoin(track, variant, key)));
  }

  /**
   * The variant if it is made: known here, or its manifest found in L2. Empty otherwise; starts
   * nothing.
   */
  public Mono<Made> find(Track track, Variant variant) {
    Made ready = made.getIfPresent(key(track, variant));
    if (ready != null) {
      return Mono.just(ready);
    }
    ChunkSource.Made unknownSize = source(track, variant, 0);
    return Mono.fromFuture(
            () -> cache.record(unknownSize.key(MANIFEST_INDEX), MANIFEST_LENGTH), true)
        .mapNotNull(manifest -> fromManifest(track, variant, manifest));
  }

  /**
   * A one-off run from {@code offsetSeconds} into the track (a player resuming mid-track): not
   * cached, not shared, stopped when its listener leaves. It takes a slot as any run.
   */
  public Mono<TranscodeRun> openAt(Track track, Variant variant, double offsetSeconds) {
    return Mono.fromCallable(
        () -> {
          synchronized (this) {
            takeSlot();
            TranscodeRun[] self = new TranscodeRun[1];
            TranscodeRun run =
                start(
                    track,
                    variant,
                    offsetSeconds,
                    Optional.empty(),
                    () -> self[0].stop("its listener left"));
            self[0] = run;
            oneOff.add(run);
            run.ended().thenAccept(r -> ended(null, variant, Optional.empty(), r));
            return run;
          }
        });
  }

  /**
   * A made variant whose chunk was found in no tier: forgotten here, so that the next request makes
   * it again.
   */
  public void gone(ChunkSource.Made source) {
    String key = source.trackId() + '#' + source.version() + '#' + source.variant();
    made.invalidate(key);
    log.info("{} is no longer in the cache: the next request makes it again", key);
  }

  private synchronized TranscodeRun runFor(String key) {
    return running.get(key);
  }

  private synchronized Opened startOrJoin(Track track, Variant variant, String key)
      throws IOException {
    Made ready = made.getIfPresent(key);
    if (ready != null) {
      return new Ready(ready);
    }
    TranscodeRun there = running.get(key);
    if (there != null) {
      joined.increment();
      return new Running(there, variant);
    }
    takeSlot();
    TranscodeRun[] self = new TranscodeRun[1];
    Optional<Path> mp3Copy = mp3Copy(variant);
    TranscodeRun run;
    try {
      run = start(track, variant, 0, mp3Copy, () -> abandoned(self[0]));
    } catch (IOException | RuntimeException e) {
      delete(mp3Copy);
      throw e;
    }
    self[0] = run;
    running.put(key, run);
    run.ended().thenAccept(r -> ended(key, variant, mp3Copy, r));
    return new Running(run, variant);
  }

  /**
   * A new file for the seekable copy of an MP3 run whose variant is kept (its Info frame, {@link
   * Mp3InfoFrame}); empty for other formats, without the cache, or when the temp directory takes no
   * file.
   */
  private Optional<Path> mp3Copy(Variant variant) {
    if (variant.format() != TranscodeFormat.MP3 || !cache.enabled()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.createTempFile("cadenza-mp3-info-", ".mp3"));
    } catch (IOException e) {
      return Optional.empty(); // kept without its Info frame, which keep() reports
    }
  }

  private static void delete(Optional<Path> file) {
    try {
      if (file.isPresent()) {
        Files.deleteIfExists(file.get());
      }
    } catch (IOException e) {
      log.warn("Cannot delete {}: {}", file.get(), e.getMessage());
    }
  }

  /** Frees a slot for a new run, or throws the 503. Called holding the lock. */
  private void takeSlot() {
    if (activeRuns() < slots) {
      return;
    }
    if (!finishing.isEmpty()) {
      TranscodeRun oldest = finishing.keySet().iterator().next();
      finishing.remove(oldest);
      running.values().remove(oldest);
      oldest.stop("its slot went to a listener (nobody was listening to it)");
      return;
    }
    busy.increment();
    long retry = Math.max(1, settings.retryAfter().toSeconds());
    throw Problems.retryable(
        HttpStatus.SERVICE_UNAVAILABLE,
        "transcoding-busy",
        "Transcoding busy",
        "All "
            + slots
            + " transcoding slots of this instance are in use; retry shortly, or ask for the"
            + " original (format=raw)",
        Map.of("slots", slots),
        retry);
  }

  private TranscodeRun start(
      Track track, Variant variant, double offset, Optional<Path> mp3Copy, Runnable abandoned)
      throws IOException {
    if (!available()) {
      throw new IllegalStateException("transcoding is not available");
    }
    List<String> args =
        Ffmpeg.arguments(track.file(), variant, offset, track.audio().channels(), mp3Copy);
    String name =
        variant.name() + " of track " + track.id() + (offset > 0 ? " from " + offset + " s" : "");
    Process process = ffmpeg.start(args);
    TranscodeRun run = new TranscodeRun(name, process, cache.chunkSize(), abandoned);
    long timeout = settings.runTimeout().toMillis();
    var timer =
        timeouts.schedule(
            () ->
                run.stop(
                    "it ran longer than cadenza.transcoding.run-timeout ("
                        + settings.runTimeout()
                        + ")"),
            timeout,
            TimeUnit.MILLISECONDS);
    run.ended().thenRun(() -> timer.cancel(false));
    log.debug("Started ffmpeg (pid {}) for {}", process.pid(), name);
    return run;
  }

  /** The last listener left a run. */
  private void abandoned(TranscodeRun run) {
    synchronized (this) {
      if (run.state() != TranscodeRun.State.RUNNING || run.listeners() > 0) {
        return;
      }
      if (cache.enabled()) {
        finishing.put(run, Boolean.TRUE);
        return;
      }
    }
    run.stop("nobody listens to it and the cache is off");
  }

  private void ended(String key, Variant variant, Optional<Path> mp3Copy, TranscodeRun run) {
    try {
      if (run.state() == TranscodeRun.State.DONE && key != null && cache.enabled()) {
        // known as made before the run is forgotten: no request in between starts it again
        keep(key, run, withGaplessInfo(run, variant, mp3Copy));
      }
    } finally {
      delete(mp3Copy);
    }
    // counted before it is forgotten: once activeRuns() no longer has it, its meters do
    if (run.firstByteNanos() >= 0) {
      firstByte.record(run.firstByteNanos(), TimeUnit.NANOSECONDS);
    }
    madeBytes.increment(run.produced());
    outcomes.get(run.state()).increment();
    synchronized (this) {
      finishing.remove(run);
      oneOff.remove(run);
      if (key != null) {
        running.remove(key, run);
      }
    }
    if (run.state() == TranscodeRun.State.FAILED) {
      log.warn("Transcoding {} failed: {}", run.name(), run.failure());
    } else if (run.state() == TranscodeRun.State.STOPPED) {
      log.debug("Transcoding {} stopped: {}", run.name(), run.failure());
    }
  }

  /**
   * A made variant's chunks into L1 and to L2, then its manifest to L2 once every chunk is there;
   * known as made here at once.
   */
  private void keep(String key, TranscodeRun run, GaplessInfo bytes) {
    String[] parts = key.split("#", 3);
    ChunkSource.Made source = new ChunkSource.Made(parts[0], parts[1], parts[2], run.produced());
    byte[] sha = bytes.sha256();
    cache
        .putMade(source, bytes.chunks())
        .thenCompose(
            all ->
                all
                    ? cache.putRecord(source.key(MANIFEST_INDEX), manifest(run.produced(), sha))
                    : CompletableFuture.completedFuture(false))
        .thenAccept(
            shared ->
                log.debug(
                    "Made {} ({} bytes){}",
                    run.name(),
                    run.produced(),
                    shared ? ", shared through L2" : ", in this pod's L1 only"));
    made.put(key, new Made(source, etag(source, sha)));
  }

  /**
   * The run's output with its gapless information written in (docs/transcoding.md); as it was made
   * when its format has none, or when it cannot be written (a WARN says why).
   */
  private static GaplessInfo withGaplessInfo(
      TranscodeRun run, Variant variant, Optional<Path> mp3Copy) {
    if (GaplessInfo.writtenFor(variant.format())) {
      try {
        return GaplessInfo.written(variant.format(), run.chunks(), mp3Copy);
      } catch (IOException | RuntimeException e) {
        log.warn(
            "{} kept without its gapless information, so it decodes longer than its source (the"
                + " encoder's delay and padding): {}",
            run.name(),
            e.getMessage());
      }
    }
    return new GaplessInfo(run.chunks(), run.sha256());
  }

  private Made fromManifest(Track track, Variant variant, byte[] manifest) {
    if (manifest == null || manifest.length != MANIFEST_LENGTH) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(manifest);
    long size = b.getLong();
    byte[] sha = Arrays.copyOfRange(manifest, 8, MANIFEST_LENGTH);
    if (size <= 0) {
      return null;
    }
    ChunkSource.Made source = source(track, variant, size);
    Made found = new Made(source, etag(source, sha));
    made.put(key(track, variant), found);
    return found;
  }

  static byte[] manifest(long size, byte[] sha256) {
    return ByteBuffer.allocate(MANIFEST_LENGTH).putLong(size).put(sha256).array();
  }

  /** {@code "<file version>-<variant>-<first 16 hex digits of the bytes' SHA-256>"}. */
  static String etag(ChunkSource.Made source, byte[] sha256) {
    return "\""
        + source.version()
        + '-'
        + source.variant()
        + '-'
        + HexFormat.of().formatHex(sha256, 0, 8)
        + "\"";
  }

  private static ChunkSource.Made source(Track track, Variant variant, long size) {
    String etag = track.etag();
    return new ChunkSource.Made(
        track.id(), etag.substring(1, etag.length() - 1), variant.name(), size);
  }

  private static String key(Track track, Variant variant) {
    ChunkKey k = source(track, variant, 0).key(0);
    return k.trackId() + '#' + k.version() + '#' + k.variant();
  }

  /** Runs now: followed, finishing for the cache, and one-off. */
  synchronized int activeRuns() {
    return running.size() + oneOff.size();
  }

  /** The pids of the ffmpeg processes running now: for tests. */
  synchronized List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    running.values().forEach(r -> pids.add(r.pid()));
    oneOff.forEach(r -> pids.add(r.pid()));
    return pids;
  }

  /** UP always: without ffmpeg the originals are served, which the details say. */
  @Override
  public Health health() {
    Health.Builder h = Health.up().withDetail("enabled", settings.enabled());
    if (!ffmpeg.available()) {
      h.withDetail(
          "warning",
          "ffmpeg cannot be run ('"
              + settings.ffmpeg()
              + "'): originals only; install ffmpeg or set cadenza.transcoding.ffmpeg");
    } else {
      h.withDetail("ffmpeg", ffmpeg.version());
    }
    return h.withDetail("active", activeRuns()).withDetail("slots", slots).build();
  }

  @Override
  public void destroy() {
    List<TranscodeRun> all;
    synchronized (this) {
      all = new ArrayList<>(running.values());
      all.addAll(oneOff);
    }
    all.forEach(r -> r.stop("the service is stopping"));
    for (TranscodeRun r : all) {
      try {
        r.ended().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("ffmpeg (pid {}) did not end with the service", r.pid());
      }
    }
    timeouts.shutdownNow();
    ffmpeg.close();
  }
}
