package dev.cadenza.testsupport;

import java.util.concurrent.TimeUnit;

/** Stopping the real servers the tests start. */
public final class Processes {

  private Processes() {}

  /** Asks the process to stop (SIGTERM), kills it if it has not within 5 s, and waits for it. */
  public static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
