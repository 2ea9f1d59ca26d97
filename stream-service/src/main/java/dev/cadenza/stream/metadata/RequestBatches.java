package dev.cadenza.stream.metadata;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The batches of one embedding request, which the embedder's workers take in turn until none is
 * left, and the vectors they put back in input order. Taking the next batch as a worker comes free,
 * rather than giving each worker a fixed share, keeps the workers finishing together when one gets
 * less of the CPU than the other (a fixed half made a request wait for the slower worker).
 * Thread-safe.
 */
final class RequestBatches {

  private final List<String> texts;
  private final int batchSize;
  private final int batches;
  private final float[][] vectors;
  private final AtomicInteger next = new AtomicInteger();

  RequestBatches(List<String> texts, int batchSize) {
    this.texts = texts;
    this.batchSize = batchSize;
    this.batches = (texts.size() + batchSize - 1) / batchSize;
    this.vectors = new float[texts.size()][];
  }

  /** Batches in the request; none for no texts. */
  int batches() {
    return batches;
  }

  /** The index of a batch no worker has taken yet, or -1 when all are taken or cancelled. */
  int take() {
    int batch = next.getAndIncrement();
    return batch < batches ? batch : -1;
  }

  /** The texts of a batch, in order. */
  List<String> texts(int batch) {
    return texts.subList(batch * batchSize, Math.min(texts.size(), (batch + 1) * batchSize));
  }

  /** Stores a batch's vectors, one per text of {@link #texts(int)}. */
  void put(int batch, List<float[]> batchVectors) {
    for (int i = 0; i < batchVectors.size(); i++) {
      vectors[batch * batchSize + i] = batchVectors.get(i);
    }
  }

  /** No batch is taken after this: the request has failed. */
  void cancel() {
    next.set(batches);
  }

  /** One vector per text, in input order; once every taken batch is put. */
  List<float[]> vectors() {
    return Arrays.asList(vectors);
  }
}
