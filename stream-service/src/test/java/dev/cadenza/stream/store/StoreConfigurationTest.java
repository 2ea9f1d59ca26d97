package dev.cadenza.stream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.store.ItemStore.Item;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.NestedExceptionUtils;

/**
 * The service chooses its one {@link ItemStore} by configuration: the embedded file under {@code
 * cadenza.data.dir} by default, the DynamoDB users table when DynamoDB is configured; the choice is
 * the {@code store} health, the embedded file is released on shutdown, and a second service on the
 * same data directory does not start.
 */
@ExtendWith(DynaliteExtension.class)
class StoreConfigurationTest {

  @TempDir static Path library;
  static final HttpClient http = HttpClient.newHttpClient();
  static final String[] DETAILS = {
    "--management.endpoint.health.show-details=always",
    "--management.endpoint.health.show-components=always"
  };

  @BeforeAll
  static void demo() throws Exception {
    LibraryFixtures.copyDemo(library);
  }

  @Test
  void withoutDynamoDbItemsLiveInTheDataDirectoryAndOutliveTheService(@TempDir Path data)
      throws Exception {
    TestApp app = TestApp.start(library, with(DETAILS, "--cadenza.data.dir=" + data));
    try {
      ItemStore store = app.app().getBean(ItemStore.class);
      store.put(Item.of("user#1", "star#track#a", Map.of("at", "1")), ItemStore.ABSENT).block();

      assertThat(store).isInstanceOf(EmbeddedItemStore.class);
      assertThat(health(app))
          .contains("\"status\":\"UP\"", "\"backend\":\"embedded\"")
          .contains(data.resolve(EmbeddedItemStore.FILE_NAME).toString());
    } finally {
      app.app().close();
    }

    try (EmbeddedItemStore reopened = EmbeddedItemStore.open(data)) {
      assertThat(reopened.get("user#1", "star#track#a").block())
          .map(Item::attributes)
          .contains(Map.of("at", "1"));
    }
  }

  @Test
  void aSecondServiceOnTheSameDataDirectoryDoesNotStartAndSaysWhy(@TempDir Path data)
      throws Exception {
    TestApp first = TestApp.start(library, "--cadenza.data.dir=" + data);
    try {
      assertThatThrownBy(() -> TestApp.start(library, "--cadenza.data.dir=" + data))
          .satisfies(
              e ->
                  assertThat(NestedExceptionUtils.getMostSpecificCause(e))
                      .isInstanceOf(IllegalStateException.class)
                      .hasMessageContaining("is locked: another Cadenza process uses " + data));
    } finally {
      first.app().close();
    }
  }

  @Test
  void withDynamoDbItemsLiveInTheUsersTable(Dynalite dynalite) throws Exception {
    TestApp app =
        TestApp.startSharing(
            library, dynalite, "storecfg", with(DETAILS, "--cadenza.dynamodb.region=us-east-1"));
    try {
      ItemStore store = app.app().getBean(ItemStore.class);

      assertThat(store).isInstanceOf(DynamoDbItemStore.class);
      assertThat(store.put(Item.of("user#1", "queue", Map.of()), ItemStore.ABSENT).block())
          .isPresent();
      assertThat(dynalite.tableNames()).contains("storecfg-users");
      assertThat(health(app)).contains("\"backend\":\"dynamodb\"", "\"table\":\"storecfg-users\"");
    } finally {
      app.app().close();
    }
  }

  private static String[] with(String[] args, String... more) {
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  private static String health(TestApp app) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + app.managementPort() + "/actuator/health/store"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
