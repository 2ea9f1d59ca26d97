package dev.cadenza.stream.warmup;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Whether the JIT compiler has settled: the time the JVM's compiler threads spent compiling (the
 * {@link CompilationMXBean}'s total) grew by at most {@link #QUIET_SHARE} of the time since the
 * last look. What the warm-up is for is done then: the hot path is compiled by C2. A JVM that does
 * not report compilation time never settles; the warm-up's longest then bounds it.
 */
final class CompilerActivity {

  /** As {@code bench/lib/common.sh} (warm_jit) judges a JVM warm: under 5% of a core. */
  static final double QUIET_SHARE = 0.05;

  private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
  private final boolean measured =
      compiler != null && compiler.isCompilationTimeMonitoringSupported();
  private long lastMillis = measured ? compiler.getTotalCompilationTime() : 0;
  private long lastNanos = System.nanoTime();

  /** Whether the compiler was quiet since the last call (or since this was made). */
  boolean quietSinceLastLook() {
    if (!measured) {
      return false;
    }
    long millis = compiler.getTotalCompilationTime();
    long nanos = System.nanoTime();
    double windowMillis = (nanos - lastNanos) / 1e6;
    boolean quiet = millis - lastMillis <= QUIET_SHARE * windowMillis;
    lastMillis = millis;
    lastNanos = nanos;
    return quiet;
  }
}
