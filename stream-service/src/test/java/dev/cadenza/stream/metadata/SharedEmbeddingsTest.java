package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Embeddings stored with the shared catalogue: pods sharing one DynamoDB (dynalite, a real server
 * on loopback) compute each track's embedding once between them, a restart computes nothing, and
 * only a new text or a new model setting is embedded again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(DynaliteExtension.class)
class SharedEmbeddingsTest {

  @TempDir static Path tmp;
  static Path library;
  static Dynalite dynalite;
  static String prefix;
  static TestApp a;
  static int tracks;

  @BeforeAll
  static void start(Dynalite server) throws Exception {
    library = LibraryFixtures.copyDemo(tmp.resolve("library"));
    for (int i = 0; i < 6; i++) {
      LibraryFixtures.wav(library.resolve("Field Recordings/Take " + i + ".wav"), 8000, 1, 0.1);
    }
    dynalite = server;
    prefix = "embeddings" + ThreadLocalRandom.current().nextInt(1_000_000);
    a = startPod();
    tracks = a.app().getBean(Library.class).catalog().tracks().size();
    awaitEmbedded(a, tracks);
  }

  @AfterAll
  static void stop() {
    if (a != null) {
      a.app().close();
    }
  }

  @Test
  @Order(1)
  void theFirstPodEmbedsEveryTrackAndStoresItInTheCatalogTable() {
    assertThat(count(a, "cadenza.metadata.embeddings.computed")).isEqualTo(tracks);
    assertThat(count(a, "cadenza.metadata.embeddings.stored")).isEqualTo(tracks);
    assertThat(count(a, "cadenza.metadata.embeddings.loaded")).isZero();
    assertThat(storedItems()).hasSize(tracks);
    assertThat(storedItems())
        .allSatisfy(
            item -> {
              assertThat(item.get("vector").b().asByteArray()).hasSize(Embedder.DIMENSIONS);
              assertThat(item.get("model").s()).isEqualTo(embeddings(a).version());
            });
  }

  @Test
  @Order(2)
  void aSecondPodAndARestartedPodLoadThemInsteadOfComputing() throws Exception {
    TestApp b = startPod();
    try {
      awaitEmbedded(b, tracks);
      assertThat(count(b, "cadenza.metadata.embeddings.computed")).isZero();
      assertThat(count(b, "cadenza.metadata.embeddings.loaded")).isEqualTo(tracks);
      // the same vectors: the same codes and the same answer
      for (var t : a.app().getBean(Library.class).catalog().tracks()) {
        assertThat(embeddings(b).code(t).orElseThrow())
            .isEqualTo(embeddings(a).code(t).orElseThrow());
      }
      var query = a.app().getBean(Library.class).catalog().tracks().get(0);
      assertThat(embeddings(b).similarTo(query, 5)).isEqualTo(embeddings(a).similarTo(query, 5));
    } finally {
      b.app().close();
    }
  }

  @Test
  @Order(3)
  void onlyANewTextIsEmbeddedAgainNotAChangedFileWithTheSameMetadata() throws Exception {
    double before = count(a, "cadenza.metadata.embeddings.computed");
    // new bytes, same name and tags: a new version of the track, the same text
    Path take0 = library.resolve("Field Recordings/Take 0.wav");
    LibraryFixtures.wav(take0, 8000, 1, 0.2);
    Files.setLastModifiedTime(take0, FileTime.fromMillis(1_000_000));
    // a new track
    LibraryFixtures.wav(library.resolve("Field Recordings/Harbour at Night.wav"), 8000, 1, 0.1);
    a.app().getBean(Library.class).rescan().get(30, TimeUnit.SECONDS);
    assertThat(a.app().getBean(Library.class).catalog().tracks()).hasSize(tracks + 1);
    awaitEmbedded(a, tracks + 1);
    assertThat(count(a, "cadenza.metadata.embeddings.computed")).isEqualTo(before + 1);
    assertThat(storedItems()).hasSize(tracks + 1);
  }

  @Test
  @Order(4)
  void anotherModelSettingIsAnotherKeyAndIsComputedAgain() throws Exception {
    TestApp c = startPod("--cadenza.metadata.max-tokens=128");
    try {
      awaitEmbedded(c, tracks + 1);
      assertThat(count(c, "cadenza.metadata.embeddings.computed")).isEqualTo(tracks + 1);
      assertThat(count(c, "cadenza.metadata.embeddings.loaded")).isZero();
      assertThat(embeddings(c).version()).isNotEqualTo(embeddings(a).version());
    } finally {
      c.app().close();
    }
  }

  static TestApp startPod(String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("--cadenza.dynamodb.catalog-poll=200ms"));
    args.addAll(List.of(more));
    return TestApp.startSharing(library, dynalite, prefix, args.toArray(String[]::new));
  }

  static TrackEmbeddings embeddings(TestApp app) {
    return app.app().getBean(TrackEmbeddings.class);
  }

  static void awaitEmbedded(TestApp app, int n) {
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                embeddings(app).index().size() == n
                    && embeddings(app).index().catalog().tracks().size() == n);
  }

  static double count(TestApp app, String name) {
    return app.app().getBean(MeterRegistry.class).counter(name).count();
  }

  /** Every embedding item in the catalog table. */
  static List<Map<String, AttributeValue>> storedItems() {
    try (DynamoDbClient client = dynalite.client()) {
      List<Map<String, AttributeValue>> items = new ArrayList<>();
      for (int shard = 0; shard < EmbeddingTable.SHARDS; shard++) {
        String pk = "embeddings#" + shard;
        client
            .queryPaginator(
                q ->
                    q.tableName(prefix + "-catalog")
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
                        .consistentRead(true))
            .items()
            .forEach(items::add);
      }
      return items;
    }
  }
}
