package dev.cadenza.operator.dependent;

import dev.cadenza.operator.crd.v1alpha1.Cache;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliverySpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * A stream container's memory: the L1 chunk cache ({@code spec.cache.memory}) plus a fixed base,
 * each part with the JVM option that bounds it (docs/memory.md has the table and the measurements
 * behind each figure, from {@code bench/memory.sh}). The container asks for and is limited to the
 * total; the JVM gets the matching limits in {@code JAVA_TOOL_OPTIONS}, so that the pod reaches its
 * limit only if a bounded part overflows, which the JVM reports as an OutOfMemoryError (and exits)
 * instead of being killed by the kernel.
 *
 * @param l1 bytes of the L1 chunk cache, counted by the service ({@code cadenza.cache.size})
 * @param embeddings whether the embedding model is loaded ({@code spec.metadata.embeddings})
 */
public record MemoryBudget(long l1, boolean embeddings) {

  private static final long MIB = 1L << 20;

  /**
   * Heap beside L1: catalogue (about 2.6 KiB a track with its embeddings: 100,000 tracks fit),
   * requests in flight, the model's input (the service's own rule).
   */
  static final long WORKING_HEAP = 384 * MIB;

  /** Metaspace and class space ({@code -XX:MaxMetaspaceSize}); 55-60 MiB measured. */
  static final long METASPACE = 96 * MIB;

  /** JIT-compiled code ({@code -XX:ReservedCodeCacheSize}); 15-25 MiB measured. */
  static final long CODE_CACHE = 48 * MIB;

  /**
   * Netty's buffers ({@code -XX:MaxDirectMemorySize}): 1-16 MiB measured at 16 connections, but 64
   * MiB ran out at 32 connections of ranges (bench/stream-vs-nginx.sh: every connection hung on
   * "Cannot reserve 2097152 bytes of direct buffer memory"); 256 MiB served them without an error.
   */
  static final long DIRECT = 256 * MIB;

  /** Thread stacks, GC, symbols, compiler arenas: the JVM's own, bounded by no option; ~30 MiB. */
  static final long JVM_NATIVE = 48 * MIB;

  /** onnxruntime's session and the tokenizer (native, outside the JVM's view); ~90 MiB. */
  static final long MODEL = 96 * MIB;

  /** Resident pages of mapped files: libjvm, the CDS archive, libonnxruntime; ~40 MiB. */
  static final long MAPPED = 48 * MIB;

  /** Everything off the heap but the model. */
  static final long JVM_OFF_HEAP = METASPACE + CODE_CACHE + DIRECT + JVM_NATIVE + MAPPED;

  public MemoryBudget {
    if (l1 < 0) {
      throw new IllegalArgumentException("the L1 cache's bytes must not be negative, got " + l1);
    }
  }

  /** The budget of a MusicDelivery: {@code spec.cache.memory}, a quantity such as 512Mi. */
  public static MemoryBudget of(MusicDeliverySpec spec) {
    String memory = spec.cache == null ? null : spec.cache.memory;
    BigDecimal bytes =
        Quantity.getAmountInBytes(new Quantity(memory == null ? Cache.DEFAULT_MEMORY : memory));
    boolean embeddings = spec.metadata == null || !Boolean.FALSE.equals(spec.metadata.embeddings);
    return new MemoryBudget(bytes.setScale(0, RoundingMode.CEILING).longValueExact(), embeddings);
  }

  /** The heap's bound: L1 plus the working heap. */
  public long heap() {
    return l1 + WORKING_HEAP;
  }

  /** The container's memory request and limit, in whole MiB. */
  public Quantity container() {
    return new Quantity(mib(heap() + JVM_OFF_HEAP + (embeddings ? MODEL : 0)) + "Mi");
  }

  /**
   * The JVM options that hold the JVM to this budget: the heap and each bounded part off it; G1
   * (also on one core, where the JVM would pick the serial collector) with a mark stack that starts
   * small (its default, 32 MiB, was most of G1's own memory) and a collection every 15 s when idle,
   * so that the heap starts small and gives back what it does not use at rest, keeping at most 10%
   * of it free after a collection (docs/memory.md says why); glibc's native heap trimmed every 10
   * s, which gives back what onnxruntime and the load's threads freed; an OutOfMemoryError ends the
   * process, so the pod restarts instead of limping.
   */
  public List<String> jvmOptions() {
    return List.of(
        "-XX:+UseG1GC",
        "-XX:MarkStackSize=64k",
        "-XX:G1PeriodicGCInterval=15000",
        "-Xms16m",
        "-Xmx" + mib(heap()) + "m",
        "-XX:MinHeapFreeRatio=10",
        "-XX:MaxHeapFreeRatio=10",
        "-XX:MaxMetaspaceSize=" + mib(METASPACE) + "m",
        "-XX:ReservedCodeCacheSize=" + mib(CODE_CACHE) + "m",
        "-XX:MaxDirectMemorySize=" + mib(DIRECT) + "m",
        "-XX:TrimNativeHeapInterval=10000",
        "-XX:+ExitOnOutOfMemoryError");
  }

  private static long mib(long bytes) {
    return (bytes + MIB - 1) / MIB;
  }
}
