package dev.cadenza.stream.library;

import java.util.concurrent.CompletableFuture;

/**
 * A scan asked for ({@code POST /api/v1/library/scan}), and how the library took it: requests
 * coalesce, so however many arrive while a scan runs, at most one more scan runs after it.
 *
 * @param id the requested scan's number (counted from 1 since start-up); requests that joined one
 *     scan see the same number
 * @param outcome how this request was taken
 * @param done completes with the scan's report once it has finished (the last scan known, at once,
 *     on a pod of a shared catalogue that does not hold the scan lease)
 */
public record ScanRequest(long id, Outcome outcome, CompletableFuture<ScanReport> done) {

  /** How a request was taken. */
  public enum Outcome {
    /** No scan was running or waiting: this one starts now. */
    STARTED("started"),
    /**
     * A scan was running: this one starts when it ends, since files may have changed after the
     * running scan read them.
     */
    QUEUED("queued"),
    /** A requested scan was already waiting to start: this request joins it. */
    JOINED("joined");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    /** The outcome as the API shows it. */
    public String label() {
      return label;
    }
  }
}
