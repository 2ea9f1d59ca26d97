package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RequestBatchesTest {

  @Test
  void workersTakingBatchesInTurnRunEachOnceAndTheVectorsComeBackInInputOrder() {
    List<String> texts = IntStream.range(0, 1001).mapToObj(Integer::toString).toList();
    RequestBatches request = new RequestBatches(texts, 8);
    assertThat(request.batches()).isEqualTo(126);

    // each "vector" holds its text's number, so order and completeness show in the result
    Runnable worker =
        () -> {
          for (int batch = request.take(); batch >= 0; batch = request.take()) {
            List<float[]> vectors = new ArrayList<>();
            request.texts(batch).forEach(t -> vectors.add(new float[] {Integer.parseInt(t)}));
            request.put(batch, vectors);
          }
        };
    CompletableFuture.allOf(
            CompletableFuture.runAsync(worker),
            CompletableFuture.runAsync(worker),
            CompletableFuture.runAsync(worker))
        .join();

    List<float[]> vectors = request.vectors();
    assertThat(vectors).hasSize(1001);
    for (int i = 0; i < vectors.size(); i++) {
      assertThat(vectors.get(i)).containsExactly(i);
    }
    assertThat(request.texts(125)).containsExactly("1000");
  }

  @Test
  void aCancelledRequestHandsOutNoMoreBatches() {
    RequestBatches request = new RequestBatches(List.of("a", "b", "c"), 1);
    assertThat(request.take()).isZero();

    request.cancel();

    assertThat(request.take()).isEqualTo(-1);
  }

  @Test
  void anEmptyRequestHasNoBatches() {
    RequestBatches request = new RequestBatches(List.of(), 1);

    assertThat(request.batches()).isZero();
    assertThat(request.take()).isEqualTo(-1);
    assertThat(request.vectors()).isEmpty();
  }
}
