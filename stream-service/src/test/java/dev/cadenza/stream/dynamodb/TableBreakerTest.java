package dev.cadenza.stream.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** The shared breaker: what opens it, what it refuses, and how it closes (its probe). */
class TableBreakerTest {

  final List<String> transitions = new ArrayList<>();
  final AtomicBoolean reachable = new AtomicBoolean();
  final AtomicInteger calls = new AtomicInteger();
  final TableBreaker breaker =
      new TableBreaker(
          "test",
          Duration.ofMillis(200),
          Duration.ofSeconds(1),
          () ->
              reachable.get()
                  ? CompletableFuture.completedFuture(null)
                  : CompletableFuture.failedFuture(SdkClientException.create("down")),
          new TableBreaker.Transitions() {
            @Override
            public void opened(boolean outage) {
              transitions.add(outage ? "outage" : "reopened");
            }

            @Override
            public void closed() {
              transitions.add("closed");
            }
          });

  @AfterEach
  void close() {
    breaker.close();
  }

  /** A call through the breaker, answered with {@code answer}; waited for. */
  String call(CompletableFuture<String> answer) {
    return breaker
        .mono(
            () -> {
              calls.incrementAndGet();
              return answer;
            },
            e -> new IllegalStateException("unavailable", e))
        .block(Duration.ofSeconds(5));
  }

  @Test
  void aFailedConditionIsAnAnswerAndNeverOpensIt() {
    for (int i = 0; i < 20; i++) {
      CompletableFuture<String> failed =
          CompletableFuture.failedFuture(
              ConditionalCheckFailedException.builder().message("no").build());
      assertThatThrownBy(() -> call(failed)).isInstanceOf(ConditionalCheckFailedException.class);
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void failuresOpenItThenCallsAreRefusedWithoutCallingDynamoDb() {
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(
              () -> call(CompletableFuture.failedFuture(SdkClientException.create("down"))))
          .isInstanceOf(IllegalStateException.class)
          .hasCauseInstanceOf(SdkClientException.class);
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(transitions).containsExactly("outage");

    int before = calls.get();
    assertThatThrownBy(() -> call(CompletableFuture.completedFuture("ok")))
        .isInstanceOf(IllegalStateException.class)
        .hasCauseInstanceOf(TableBreaker.Refused.class);
    assertThat(calls.get()).as("refused, not called").isEqualTo(before);
    assertThat(breaker.stateCode()).isEqualTo(2);
  }

  @Test
  void theProbeClosesItWithoutTrafficOnceDynamoDbAnswers() {
    for (int i = 0; i < 5; i++) {
      breaker.record(System.nanoTime(), SdkClientException.create("down"));
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    // failing probes keep it from closing, and do not count as a new outage
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> transitions.contains("reopened") || breaker.closed());
    assertThat(breaker.closed()).isFalse();

    reachable.set(true);
    await().atMost(Duration.ofSeconds(10)).until(breaker::closed);
    assertThat(transitions).startsWith("outage").endsWith("closed");
    assertThat(transitions).filteredOn("outage"::equals).hasSize(1);
  }
}
