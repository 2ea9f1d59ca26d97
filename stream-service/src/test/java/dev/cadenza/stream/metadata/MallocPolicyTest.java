package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Function;
import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;

/** glibc's mallopt reached through JNA, as the service calls it before loading the model. */
class MallocPolicyTest {

  @Test
  void glibcTakesTheFixedMmapThreshold() {
    assumeTrue(Platform.isLinux() && System.getenv("MALLOC_MMAP_THRESHOLD_") == null);
    String glibc =
        Function.getFunction(Platform.C_LIBRARY_NAME, "gnu_get_libc_version")
            .invokeString(new Object[0], false);
    assertThat(glibc).matches("\\d+\\.\\d+.*");

    assertThat(MallocPolicy.fixMmapThreshold()).isTrue();
  }
}
