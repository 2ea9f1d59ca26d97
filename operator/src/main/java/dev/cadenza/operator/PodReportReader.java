package dev.cadenza.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what each ready stream pod of a MusicDelivery reports at {@code GET /actuator/info} on its
 * management port (docs/api.md: its {@code clock} and {@code catalogue}), and sums the answers up.
 * A pod has {@link #CONNECT_TIMEOUT} to accept and {@link #ANSWER_TIMEOUT} to answer, at most
 * {@link #MAX_BODY} bytes, and at most {@link #CONCURRENCY} pods of one MusicDelivery are asked at
 * once; a pod that does not answer is left out of the summary and logged when the set of such pods
 * changes, not at every poll.
 */
final class PodReportReader {

  private static final Logger log = LoggerFactory.getLogger(PodReportReader.class);

  static final String PATH = "/actuator/info";
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(2);
  static final int MAX_BODY = 64 * 1024;
  static final int CONCURRENCY = 8;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /** The pods that did not answer at the last read, by MusicDelivery: what was logged. */
  private final Map<String, List<String>> silent = new ConcurrentHashMap<>();

  /**
   * @param port the pods' management port
   */
  PodReportReader(int port) {
    this.port = port;
  }

  /** Asks the ready ones among {@code pods} and sums up their answers. */
  PodReports read(MusicDelivery md, Collection<Pod> pods) {
    List<Pod> ready =
        pods.stream()
            .filter(PodReportReader::answers)
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .toList();
    List<PodReports.Answer> answers = new ArrayList<>();
    Map<String, String> failures = new LinkedHashMap<>();
    for (int from = 0; from < ready.size(); from += CONCURRENCY) {
      List<Pod> batch = ready.subList(from, Math.min(ready.size(), from + CONCURRENCY));
      List<CompletableFuture<PodReports.Answer>> calls = batch.stream().map(this::ask).toList();
      for (int i = 0; i < batch.size(); i++) {
        try {
          answers.add(calls.get(i).join());
        } catch (CompletionException e) {
          failures.put(batch.get(i).getMetadata().getName(), describe(e.getCause()));
        }
      }
    }
    note(md, ready.size(), failures);
    return PodReports.of(answers);
  }

  /** A pod that can answer: ready, with an address, not going away. */
  private static boolean answers(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null
        && pod.getStatus() != null
        && pod.getStatus().getPodIP() != null
        && !pod.getStatus().getPodIP().isBlank()
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private CompletableFuture<PodReports.Answer> ask(Pod pod) {
    String ip = pod.getStatus().getPodIP();
    URI uri = URI.create("http://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port + PATH);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(ANSWER_TIMEOUT)
            .header("Accept", "application/json")
            .GET()
            .build();
    return http.sendAsync(request, response -> new Bounded())
        .orTimeout(ANSWER_TIMEOUT.plus(CONNECT_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(
            response -> {
              if (response.statusCode() != 200) {
                throw new CompletionException(
                    new IOException("GET " + PATH + " answered HTTP " + response.statusCode()));
              }
              try {
                return PodReports.Answer.of(JSON.readTree(response.body()));
              } catch (IOException e) {
                throw new CompletionException(e);
              }
            });
  }

  /** Logs when the pods that do not answer change: once, not at every poll. */
  private void note(MusicDelivery md, int asked, Map<String, String> failures) {
    String key = md.getMetadata().getNamespace() + "/" + Names.of(md);
    List<String> names = List.copyOf(failures.keySet());
    List<String> before = silent.getOrDefault(key, List.of());
    if (names.equals(before)) {
      return;
    }
    if (names.isEmpty()) {
      silent.remove(key);
      log.info("Every ready stream pod of {} reports at {} again", key, PATH);
    } else {
      silent.put(key, names);
      log.warn(
          "{} of {} ready stream pods of {} gave no report at port {} {}, so status.clock and"
              + " status.catalogue count only the others (no connection at all: is the operator"
              + " outside the cluster, or kept from the pods by a NetworkPolicy?): {}",
          names.size(),
          asked,
          key,
          port,
          PATH,
          failures.entrySet().stream()
              .map(f -> f.getKey() + ": " + f.getValue())
              .collect(Collectors.joining("; ")));
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /**
   * Collects at most {@link #MAX_BODY} bytes, then gives up: no pod makes the operator hold more.
   */
  private static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {

    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        if (bytes.size() + buffer.remaining() > MAX_BODY) {
          subscription.cancel();
          body.completeExceptionally(
              new IOException("GET " + PATH + " answered more than " + MAX_BODY + " bytes"));
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable error) {
      body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      body.complete(bytes.toByteArray());
    }
  }
}
