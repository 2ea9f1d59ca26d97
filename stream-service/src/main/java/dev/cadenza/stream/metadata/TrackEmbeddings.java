package dev.cadenza.stream.metadata;

import dev.cadenza.stream.cache.SimilarTracks;
import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.store.DataProperties;
import dev.cadenza.stream.web.Problems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Every track of the catalogue in service, embedded: after each scan (and each load of the shared
 * catalogue) a pass on this component's own thread finds the tracks whose embedding key ({@link
 * EmbeddingKeys}: model, settings and text) it has no vector for, reads those from the catalog
 * table when DynamoDB is configured, embeds the rest with the {@link Embedder} and stores them
 * there. A track is therefore embedded again only when its metadata or the model changes, and pods
 * share the work: each goes through the missing tracks in its own random order, in chunks, and
 * looks each chunk up in the table first.
 *
 * <p>Without DynamoDB the vectors are saved in {@code cadenza.data.dir} ({@link EmbeddingFile})
 * after each pass that changed them and loaded before the first pass, so a restart embeds only what
 * changed while it was down.
 *
 * <p>Requests never wait for a pass: {@link #index()} is the last published snapshot, republished
 * as the pass goes. docs/metadata.md describes it.
 */
@Component
public final class TrackEmbeddings implements SmartLifecycle, SimilarTracks {

  private static final Logger log = LoggerFactory.getLogger(TrackEmbeddings.class);

  /** Tracks looked up, embedded and stored together. */
  static final int CHUNK = 64;

  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);
  private static final Duration EMBED_BOUND = Duration.ofMinutes(5);

  private final Library library;
  private final Embedder embedder;
  private final MetadataSettings settings;
  private final EmbeddingKeys keys;
  private final EmbeddingTable table;
  private final SavedEmbeddings saved;
  private final Duration progressInterval;

  private final Map<String, TrackVector> vectors = new ConcurrentHashMap<>();
  private volatile SimilarityIndex index = SimilarityIndex.EMPTY;

  /** The catalogue the last complete pass covered; null: none yet. */
  private volatile Catalog covered;

  private volatile boolean passRunning;
  private volatile int passDone;
  private volatile int passTotal;
  private volatile String lastError;
  private long retryNotBefore; // pass thread only; System.nanoTime()
  private boolean unsaved; // pass thread only: the vectors differ from the saved ones

  private final Counter computed;
  private final Counter loaded;
  private final Counter stored;
  private final Counter errors;
  private final Timer embedTime;

  private volatile ScheduledExecutorService worker;
  private volatile boolean stopping;

  @Autowired
  public TrackEmbeddings(
      Library library,
      Embedder embedder,
      MetadataSettings settings,
      CadenzaProperties properties,
      ObjectProvider<SharedTables> tables,
      DataProperties data,
      MeterRegistry meters) {
    this(
        library,
        embedder,
        settings,
        properties.library().progressInterval(),
        tables.getIfAvailable() == null ? null : new EmbeddingTable(tables.getIfAvailable()),
        tables.getIfAvailable() == null
            ? new EmbeddingFile(data.directory())
            : SavedEmbeddings.NONE,
        meters);
  }

  TrackEmbeddings(
      Library library,
      Embedder embedder,
      MetadataSettings settings,
      Duration progressInterval,
      EmbeddingTable table,
      MeterRegistry meters) {
    this(library, embedder, settings, progressInterval, table, SavedEmbeddings.NONE, meters);
  }

  TrackEmbeddings(
      Library library,
      Embedder embedder,
      MetadataSettings settings,
      Duration progressInterval,
      EmbeddingTable table,
      SavedEmbeddings saved,
      MeterRegistry meters) {
    this.library = library;
    this.saved = saved;
    this.embedder = embedder;
    this.settings = settings;
    this.keys = new EmbeddingKeys(settings);
    this.table = table;
    this.progressInterval = progressInterval;
    this.computed =
        Counter.builder("cadenza.metadata.embeddings.computed")
            .description("Track embeddings this pod computed with the model")
            .register(meters);
    this.loaded =
        Counter.builder("cadenza.metadata.embeddings.loaded")
            .description("Track embeddings read from the catalog table instead of computed")
            .register(meters);
    this.stored =
        Counter.builder("cadenza.metadata.embeddings.stored")
            .description("Track embeddings this pod wrote to the catalog table")
            .register(meters);
    this.errors =
        Counter.builder("cadenza.metadata.embeddings.errors")
            .description("Embedding passes or catalog table calls that failed")
            .register(meters);
    this.embedTime =
        Timer.builder("cadenza.metadata.embeddings.chunk")
            .description("Time the model took for one chunk of up to " + CHUNK + " tracks")
            .register(meters);
    Gauge.builder("cadenza.metadata.embeddings.tracks", this, e -> e.index.size())
        .description("Tracks of the catalogue in service that have an embedding")
        .register(meters);
    Gauge.builder(
            "cadenza.metadata.embeddings.missing",
            this,
            e -> Math.max(0, e.library.catalog().tracks().size() - e.index.size()))
        .description("Tracks of the catalogue in service without an embedding yet")
        .register(meters);
    library.onCatalogChange(this::catalogChanged);
  }

  /** The last published snapshot of the embedded catalogue. */
  SimilarityIndex index() {
    return index;
  }

  /** The 48-byte binary code of a track's embedding, if it has one yet. */
  public Optional<byte[]> code(Track track) {
    return index.vector(track).map(TrackVector::code);
  }

  /**
   * The {@code limit} tracks most like {@code track} by embedding, most similar first; empty when
   * the track has no embedding yet.
   */
  @Override
  public List<Track> similarTo(Track track, int limit) {
    return index
        .similar(track, limit)
        .map(r -> r.tracks().stream().map(ScoredTrack::track).toList())
        .orElse(List.of());
  }

  /**
   * The {@code limit} tracks most like {@code track} with their cosine similarity, most similar
   * first; empty when the track has no embedding yet (or embeddings are off).
   */
  public List<ScoredTrack> scoredSimilarTo(Track track, int limit) {
    return index.similar(track, limit).map(r -> r.tracks()).orElse(List.of());
  }

  /**
   * The cosine similarity of two tracks' embeddings, in [-1, 1]; empty when either has none yet.
   */
  public Optional<Double> similarity(Track a, Track b) {
    SimilarityIndex current = index;
    return current.vector(a).flatMap(va -> current.vector(b).map(va::cosine));
  }

  /**
   * The answer to {@code GET /tracks/{id}/similar}.
   *
   * @param method {@code exact} or {@code codes+rerank}
   */
  public record Similar(List<ScoredTrack> tracks, String method) {}

  /**
   * The {@code limit} tracks most like {@code track}. Fails with a 503 problem that says why when
   * embeddings are off, or when the track has not been embedded yet (with Retry-After).
   */
  public Similar similar(Track track, int limit) {
    if (embedder.state() == Embedder.State.DISABLED) {
      throw Problems.similarUnavailable(
          track.id(),
          "Similar tracks need track embeddings, which are off on this service: "
              + embedder.reason(),
          0);
    }
    return index
        .similar(track, limit)
        .map(r -> new Similar(r.tracks(), r.method().label()))
        .orElseThrow(
            () ->
                Problems.similarUnavailable(
                    track.id(),
                    embedder.state() == Embedder.State.LOADING
                        ? "The embedding model is still loading; retry in a few seconds."
                        : passRunning
                            ? "The catalogue is being embedded ("
                                + passDone
                                + "/"
                                + passTotal
                                + " tracks done) and this track is not done yet; retry"
                                + " shortly."
                            : "This track has not been embedded yet"
                                + (lastError == null ? "" : " (last error: " + lastError + ")")
                                + "; retry shortly.",
                    5));
  }

  /** What the model and settings the vectors come from are called in their keys. */
  String version() {
    return keys.version();
  }

  boolean passRunning() {
    return passRunning;
  }

  int passDone() {
    return passDone;
  }

  int passTotal() {
    return passTotal;
  }

  String lastError() {
    return lastError;
  }

  /** Whether the catalogue in service has been covered by a complete pass. */
  boolean upToDate() {
    return covered == library.catalog();
  }

  /**
   * Whether nothing is left to do for the catalogue in service: a complete pass has covered it, or
   * embeddings are off. The stream warm-up waits for this a while before it takes the cores.
   */
  public boolean settled() {
    return embedder.state() == Embedder.State.DISABLED || upToDate();
  }

  // --- the pass -------------------------------------------------------------------------------

  private void tick() {
    try {
      Embedder.State state = embedder.state();
      if (state == Embedder.State.DISABLED) {
        return;
      }
      Catalog catalog = library.catalog();
      // EMPTY: no scan or load has finished yet; a pass now would drop the saved vectors
      if (catalog == Catalog.EMPTY
          || catalog == covered
          || System.nanoTime() - retryNotBefore < 0) {
        return;
      }
      pass(catalog, state == Embedder.State.ENABLED);
    } catch (RuntimeException e) {
      if (stopping) {
        log.debug("Embedding pass stopped: the service is stopping");
        return;
      }
      errors.increment();
      lastError = describe(e);
      retryNotBefore = System.nanoTime() + RETRY_AFTER_FAILURE.toNanos();
      log.warn(
          "Embedding the catalogue failed ({}); the tracks embedded so far stay in use, and it is"
              + " tried again in {}",
          lastError,
          RETRY_AFTER_FAILURE);
    } finally {
      passRunning = false;
    }
  }

  /**
   * Covers {@code catalog}; while the model still loads ({@code modelReady} false) only when every
   * vector is at hand (saved by the last run), else the next tick tries again.
   */
  private void pass(Catalog catalog, boolean modelReady) {
    Map<String, String> textOf = new LinkedHashMap<>(); // key → text
    Map<String, String> keyOf = new HashMap<>(); // track id → key
    for (Track t : catalog.tracks()) {
      String text = TrackText.of(t);
      String key = keys.of(text);
      keyOf.put(t.id(), key);
      textOf.putIfAbsent(key, text);
    }
    List<String> missing = new ArrayList<>();
    for (String key : textOf.keySet()) {
      if (!vectors.containsKey(key)) {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      if (!modelReady) {
        return;
      }
      embedMissing(catalog, keyOf, textOf, missing);
      if (library.catalog() != catalog) {
        publish(catalog, keyOf);
        return; // a newer catalogue: the next tick covers it
      }
    }
    if (vectors.keySet().retainAll(textOf.keySet())) { // a set: contains is O(1)
      unsaved = true;
    }
    publish(catalog, keyOf);
    covered = catalog;
    lastError = null;
    if (unsaved) {
      saved.save(keys.version(), vectors);
      unsaved = false;
    }
  }

  /** Before the first pass: the vectors the last run saved. */
  private void loadSaved() {
    Map<String, TrackVector> found = saved.load(keys.version());
    if (!found.isEmpty()) {
      vectors.putAll(found);
      log.info("Loaded {} saved track embeddings", found.size());
    }
  }

  private void embedMissing(
      Catalog catalog,
      Map<String, String> keyOf,
      Map<String, String> textOf,
      List<String> missing) {
    // each pod its own order: pods starting together mostly embed different tracks
    Collections.shuffle(missing, new Random());
    passRunning = true;
    passDone = 0;
    passTotal = missing.size();
    long started = System.nanoTime();
    long nextLog = started + progressInterval.toNanos();
    long nextPublish = started + progressInterval.toNanos();
    int fromTable = 0;
    int byModel = 0;
    boolean tableAnswers = table != null;
    log.info(
        "Embedding the catalogue: {} of its {} distinct track texts have no vector here{}",
        missing.size(),
        textOf.size(),
        table == null ? "" : "; stored ones come from " + table.name());
    for (int from = 0; from < missing.size(); from += CHUNK) {
      if (library.catalog() != catalog || Thread.currentThread().isInterrupted()) {
        break;
      }
      List<String> chunk = missing.subList(from, Math.min(missing.size(), from + CHUNK));
      List<String> toEmbed = chunk;
      if (tableAnswers) {
        try {
          Map<String, TrackVector> found = table.getAll(chunk, Embedder.DIMENSIONS);
          vectors.putAll(found);
          loaded.increment(found.size());
          fromTable += found.size();
          toEmbed = chunk.stream().filter(k -> !found.containsKey(k)).toList();
        } catch (RuntimeException e) {
          tableAnswers = false;
          tableFailed("reading stored embeddings", e);
        }
      }
      if (!toEmbed.isEmpty()) {
        List<String> texts = toEmbed.stream().map(textOf::get).toList();
        long t0 = System.nanoTime();
        List<float[]> out = await(embedder.embed(texts));
        embedTime.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        Map<String, TrackVector> fresh = new LinkedHashMap<>();
        for (int i = 0; i < toEmbed.size(); i++) {
          fresh.put(toEmbed.get(i), TrackVector.of(out.get(i)));
        }
        vectors.putAll(fresh);
        unsaved = true;
        computed.increment(fresh.size());
        byModel += fresh.size();
        if (tableAnswers) {
          try {
            table.putAll(fresh, keys.version());
            stored.increment(fresh.size());
          } catch (RuntimeException e) {
            tableAnswers = false;
            tableFailed("storing embeddings", e);
          }
        }
      }
      passDone = Math.min(missing.size(), from + CHUNK);
      long now = System.nanoTime();
      if (now - nextPublish >= 0) {
        publish(catalog, keyOf);
        nextPublish = now + progressInterval.toNanos();
      }
      if (now - nextLog >= 0) {
        log.info(
            "Embedding the catalogue: {}/{} tracks ({} from the table, {} by the model)",
            passDone,
            missing.size(),
            fromTable,
            byModel);
        nextLog = now + progressInterval.toNanos();
      }
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    log.info(
        "Embedded {} of {} tracks in {} ms: {} from the table, {} by the model{}",
        passDone,
        missing.size(),
        ms,
        fromTable,
        byModel,
        byModel == 0 || ms == 0 ? "" : " (" + Math.round(byModel * 1000.0 / ms) + " tracks/s)");
  }

  private void tableFailed(String what, RuntimeException e) {
    errors.increment();
    log.warn(
        "DynamoDB failed while {} ({}); this pass embeds the rest itself without storing them",
        what,
        describe(e));
  }

  private void publish(Catalog catalog, Map<String, String> keyOf) {
    index =
        SimilarityIndex.of(
            catalog,
            t -> {
              String key = keyOf.get(t.id());
              return key == null ? null : vectors.get(key);
            },
            settings.exactSearchMaxTracks(),
            settings.searchCandidates());
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(EMBED_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new IllegalStateException("the model did not answer within " + EMBED_BOUND);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while embedding", e);
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  // --- lifecycle ------------------------------------------------------------------------------

  @Override
  public void start() {
    stopping = false;
    worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cadenza-embeddings");
              t.setDaemon(true);
              return t;
            });
    worker.execute(this::loadSaved);
    worker.scheduleWithFixedDelay(this::tick, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A pass at once for a new catalogue, not at the next poll (up to a second later). */
  private void catalogChanged() {
    ScheduledExecutorService current = worker;
    if (!stopping && current != null) {
      try {
        current.execute(this::tick);
      } catch (RejectedExecutionException e) {
        // stopping
      }
    }
  }

  @Override
  public void stop() {
    stopping = true;
    if (worker != null) {
      worker.shutdownNow();
      try {
        worker.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return worker != null && !worker.isShutdown();
  }

  /** Starts before the library and stops after it; the embedder closes after both. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 1;
  }
}
