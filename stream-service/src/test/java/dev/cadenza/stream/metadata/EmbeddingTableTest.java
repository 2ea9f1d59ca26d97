package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Embedding items in the catalog table of a real dynalite. */
@ExtendWith(DynaliteExtension.class)
class EmbeddingTableTest {

  static Dynalite dynalite;
  static SharedTables tables;
  static EmbeddingTable table;

  @BeforeAll
  static void start(Dynalite server) {
    dynalite = server;
    CadenzaProperties.DynamoDb settings =
        new CadenzaProperties.DynamoDb(
            "vectors",
            "us-east-1",
            dynalite.endpoint(),
            true,
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(1));
    DynamoDbAsyncClient client =
        DynamoDbAsyncClient.builder()
            .endpointOverride(dynalite.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .httpClientBuilder(NettyNioAsyncHttpClient.builder())
            .build();
    tables = new SharedTables(client, settings);
    tables.createMissing(Duration.ofSeconds(30));
    table = new EmbeddingTable(tables);
  }

  @AfterAll
  static void stop() {
    if (tables != null) {
      tables.close();
    }
  }

  @Test
  void storesAndReadsBackMoreThanOneBatchOfVectors() {
    Random random = new Random(1);
    Map<String, TrackVector> vectors = new HashMap<>();
    for (int i = 0; i < 130; i++) {
      float[] v = new float[Embedder.DIMENSIONS];
      for (int d = 0; d < v.length; d++) {
        v[d] = (float) random.nextGaussian();
      }
      vectors.put("key-" + i, TrackVector.of(v));
    }
    table.putAll(vectors, "test model");

    List<String> asked = new ArrayList<>(vectors.keySet());
    asked.add("never-stored");
    Map<String, TrackVector> found = table.getAll(asked, Embedder.DIMENSIONS);
    assertThat(found).isEqualTo(vectors);
  }

  @Test
  void leavesOutItemsThatDoNotHoldAWellFormedVector() {
    Map<String, AttributeValue> shortVector = new HashMap<>(EmbeddingTable.itemKey("short"));
    shortVector.put(
        EmbeddingTable.VECTOR, AttributeValue.fromB(SdkBytes.fromByteArray(new byte[7])));
    shortVector.put(EmbeddingTable.SCALE, AttributeValue.fromN("0.01"));
    Map<String, AttributeValue> noScale = new HashMap<>(EmbeddingTable.itemKey("no-scale"));
    noScale.put(
        EmbeddingTable.VECTOR,
        AttributeValue.fromB(SdkBytes.fromByteArray(new byte[Embedder.DIMENSIONS])));
    Map<String, AttributeValue> badScale = new HashMap<>(EmbeddingTable.itemKey("bad-scale"));
    badScale.put(
        EmbeddingTable.VECTOR,
        AttributeValue.fromB(SdkBytes.fromByteArray(new byte[Embedder.DIMENSIONS])));
    badScale.put(EmbeddingTable.SCALE, AttributeValue.fromN("-1"));
    for (var item : List.of(shortVector, noScale, badScale)) {
      tables.client().putItem(b -> b.tableName(tables.catalog()).item(item)).join();
    }

    assertThat(table.getAll(List.of("short", "no-scale", "bad-scale"), Embedder.DIMENSIONS))
        .isEmpty();
  }
}
