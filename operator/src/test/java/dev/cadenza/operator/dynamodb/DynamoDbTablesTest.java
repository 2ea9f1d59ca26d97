package dev.cadenza.operator.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cadenza.dynamodb.TableSchema.Table;
import dev.cadenza.operator.crd.v1alpha1.DynamoDb;
import dev.cadenza.operator.crd.v1alpha1.DynamoDb.BillingMode;
import dev.cadenza.operator.dynamodb.DynamoDbTables.DeletionOutcome;
import dev.cadenza.operator.dynamodb.DynamoDbTables.Ownership;
import dev.cadenza.operator.dynamodb.DynamoDbTables.Problem;
import dev.cadenza.operator.dynamodb.DynamoDbTables.Report;
import dev.cadenza.operator.dynamodb.DynamoDbTables.Settings;
import dev.cadenza.operator.dynamodb.DynamoDbTables.TableReport;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;

/** {@link DynamoDbTables} against a real dynalite. */
@Timeout(120)
@ExtendWith(DynaliteExtension.class)
class DynamoDbTablesTest {

  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final String OWNER = "music/jazz";

  private static Dynalite dynalite;
  private static DynamoDbClient client;

  @BeforeAll
  static void connect(Dynalite server) {
    dynalite = server;
    client = clientFor(dynalite);
  }

  @AfterAll
  static void disconnect() {
    if (client != null) {
      client.close();
    }
  }

  // --- creation ----------------------------------------------------------------------------------

  @Test
  void createsTheFourTablesWithTheSchemaKeysTagsAndPayPerRequest() {
    String prefix = prefix();
    DynamoDbTables tables = new DynamoDbTables(client, payPerRequest(prefix));

    Report first = tables.reconcile();

    assertThat(first.tables())
        .extracting(TableReport::name)
        .containsExactly(
            prefix + "-catalog", prefix + "-chunks", prefix + "-sessions", prefix + "-users");
    assertThat(first.tables())
        .allSatisfy(t -> assertThat(t.ownership()).isEqualTo(Ownership.CREATED));
    assertThat(first.tables()).allSatisfy(t -> assertThat(t.status()).isEqualTo("CREATING"));
    assertThat(first.tables()).allSatisfy(t -> assertThat(t.arn()).endsWith(":table/" + t.name()));
    assertThat(first.ready()).isFalse();
    assertThat(first.pending()).hasSize(4);

    for (String suffix : List.of("catalog", "users")) {
      TableDescription d = describe(prefix + "-" + suffix);
      assertThat(d.keySchema()).containsExactly(key("pk", KeyType.HASH), key("sk", KeyType.RANGE));
      assertThat(d.attributeDefinitions())
          .containsExactlyInAnyOrder(
              attr("pk", ScalarAttributeType.S), attr("sk", ScalarAttributeType.S));
    }
    for (String suffix : List.of("chunks", "sessions")) {
      TableDescription d = describe(prefix + "-" + suffix);
      assertThat(d.keySchema()).containsExactly(key("pk", KeyType.HASH));
      assertThat(d.attributeDefinitions()).containsExactly(attr("pk", ScalarAttributeType.S));
    }
    for (TableReport t : first.tables()) {
      TableDescription d = describe(t.name());
      assertThat(d.billingModeSummary().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
      assertThat(tagsOf(d.tableArn()))
          .containsEntry(DynamoDbTables.OWNER_TAG, OWNER)
          .containsEntry(DynamoDbTables.MANAGED_BY_TAG, DynamoDbTables.MANAGED_BY);
    }

    Report ready = awaitReady(tables);
    assertThat(ready.tables()).allSatisfy(t -> assertThat(t.status()).isEqualTo("ACTIVE"));
    assertThat(ready.tables())
        .allSatisfy(t -> assertThat(t.ownership()).isEqualTo(Ownership.OWNED));
    assertThat(ready.blockingProblems()).isEmpty();
    assertThat(ready.toStatus())
        .extracting(s -> s.name + " " + s.status)
        .containsExactly(
            prefix + "-catalog ACTIVE",
            prefix + "-chunks ACTIVE",
            prefix + "-sessions ACTIVE",
            prefix + "-users ACTIVE");
  }

  @Test
  void createsProvisionedTablesWithTheSpecsCapacity() {
    String prefix = prefix();
    DynamoDbTables tables =
        new DynamoDbTables(client, new Settings(prefix, BillingMode.PROVISIONED, 3L, 4L, OWNER));

    tables.reconcile();

    for (Table table : Table.values()) {
      TableDescription d = describe(table.tableName(prefix));
      assertThat(
              d.billingModeSummary() == null
                  || "PROVISIONED".equals(d.billingModeSummary().billingModeAsString()))
          .as("billing mode of %s", d.tableName())
          .isTrue();
      assertThat(d.provisionedThroughput().readCapacityUnits()).isEqualTo(3L);
      assertThat(d.provisionedThroughput().writeCapacityUnits()).isEqualTo(4L);
    }
    Report ready = awaitReady(tables);
    // nothing to change once ACTIVE: no UpdateTable, so the tables stay ACTIVE
    assertThat(tables.reconcile().tables()).allSatisfy(t -> assertThat(t.active()).isTrue());
    assertThat(ready.blockingProblems()).isEmpty();
  }

  @Test
  void aSecondReconciliationChangesNothing() {
    String prefix = prefix();
    DynamoDbTables tables = new DynamoDbTables(client, payPerRequest(prefix));
    Report first = tables.reconcile();
    awaitReady(tables);

    Report again = tables.reconcile();
    Report third = new DynamoDbTables(client, payPerRequest(prefix)).reconcile();

    assertThat(third.tables()).extracting(TableReport::arn).isEqualTo(arns(first));
    assertThat(again.tables()).extracting(TableReport::arn).isEqualTo(arns(first));
    assertThat(third.tables()).allSatisfy(t -> assertThat(t.status()).isEqualTo("ACTIVE"));
    assertThat(third.tables())
        .allSatisfy(t -> assertThat(t.ownership()).isEqualTo(Ownership.OWNED));
    assertThat(third.blockingProblems()).isEmpty();
    assertThat(third.ready()).isTrue();
    assertThat(client.listTables().tableNames().stream().filter(n -> n.startsWith(prefix + "-")))
        .containsExactlyInAnyOrder(
            prefix + "-catalog", prefix + "-chunks", prefix + "-sessions", prefix + "-users");
  }

  @Test
  void recreatesATableDeletedUnderIt() {
    String prefix = prefix();
    String sessions = prefix + "-sessions";
    DynamoDbTables tables = new DynamoDbTables(client, payPerRequest(prefix));
    tables.reconcile();
    awaitReady(tables);
    client.putItem(r -> r.tableName(sessions).item(Map.of("pk", s("session#1"))));
    client.deleteTable(r -> r.tableName(sessions));

    Report deleting = tables.reconcile();

    assertThat(deleting.table(Table.SESSIONS).status()).isEqualTo("DELETING");
    assertThat(deleting.table(Table.SESSIONS).ownership()).isEqualTo(Ownership.UNKNOWN);
    assertThat(deleting.ready()).isFalse();
    assertThat(deleting.pending()).containsExactly(sessions + " (DELETING)");
    awaitReady(tables);
    assertThat(client.scan(r -> r.tableName(sessions)).count()).isZero();
  }

  // --- TTL ---------------------------------------------------------------------------------------

  @Test
  void ttlUnsupportedByTheEndpointIsAWarningNotAFailure() {
    String prefix = prefix();
    DynamoDbTables tables = new DynamoDbTables(client, payPerRequest(prefix));
    tables.reconcile();

    Report ready = awaitReady(tables);

    assertThat(ready.table(Table.CATALOG).problems()).isEmpty();
    for (Table table : List.of(Table.CHUNKS, Table.SESSIONS, Table.USERS)) {
      TableReport t = ready.table(table);
      assertThat(t.usable()).isTrue();
      assertThat(t.problems())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.kind()).isEqualTo(Problem.Kind.TTL_UNSUPPORTED);
                assertThat(p.blocking()).isFalse();
                assertThat(p.message())
                    .contains("does not support TTL", "UnknownOperationException");
              });
    }
    assertThat(ready.warnings())
        .hasSize(3)
        .allSatisfy(w -> assertThat(w).contains("does not support TTL"));
    assertThat(ready.warnings().get(0)).startsWith(prefix + "-chunks: ");
    assertThat(ready.ready()).isTrue();
  }

  // --- adoption and conflicts --------------------------------------------------------------------

  @Test
  void adoptsAnExistingTableWithMatchingKeysAndBringsItsBillingModeToTheSpec() {
    String prefix = prefix();
    String catalog = prefix + "-catalog";
    client.createTable(
        r ->
            r.tableName(catalog)
                .keySchema(Table.CATALOG.keySchema())
                .attributeDefinitions(Table.CATALOG.attributeDefinitions())
                .provisionedThroughput(p -> p.readCapacityUnits(1L).writeCapacityUnits(1L)));
    String arn = describe(catalog).tableArn();
    awaitActive(catalog);
    client.putItem(
        r ->
            r.tableName(catalog)
                .item(Map.of("pk", s("track#1"), "sk", s("meta"), "title", s("So What"))));
    DynamoDbTables tables = new DynamoDbTables(client, payPerRequest(prefix));

    Report first = tables.reconcile();

    TableReport adopted = first.table(Table.CATALOG);
    assertThat(adopted.ownership()).isEqualTo(Ownership.ADOPTED);
    assertThat(adopted.arn()).isEqualTo(arn);
    assertThat(adopted.problems()).isEmpty();
    assertThat(adopted.status()).isEqualTo("UPDATING"); // PROVISIONED -> PAY_PER_REQUEST
    assertThat(first.table(Table.CHUNKS).ownership()).isEqualTo(Ownership.CREATED);

    Report ready = awaitReady(tables);
    assertThat(ready.table(Table.CATALOG).ownership()).isEqualTo(Ownership.ADOPTED);
    TableDescription d = describe(catalog);
    assertThat(d.billingModeSummary().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
    assertThat(tagsOf(arn)).doesNotContainKey(DynamoDbTables.OWNER_TAG);
    assertThat(
            client
                .getItem(r -> r.tableName(catalog).key(Map.of("pk", s("track#1"), "sk", s("meta"))))
                .item())
        .containsEntry("title", s("So What"));
  }

  @Test
  void changesTheCapacityOfAProvisionedTable() {
    String prefix = prefix();
    DynamoDbTables small =
        new DynamoDbTables(client, new Settings(prefix, BillingMode.PROVISIONED, 1L, 1L, OWNER));
    small.reconcile();
    awaitReady(small);
    DynamoDbTables large =
        new DynamoDbTables(client, new Settings(prefix, BillingMode.PROVISIONED, 5L, 2L, OWNER));

    assertThat(large.reconcile().tables())
        .allSatisfy(t -> assertThat(t.status()).isEqualTo("UPDATING"));
    awaitReady(large);

    for (Table table : Table.values()) {
      TableDescription d = describe(table.tableName(prefix));
      assertThat(d.provisionedThroughput().readCapacityUnits()).isEqualTo(5L);
      assertThat(d.provisionedThroughput().writeCapacityUnits()).isEqualTo(2L);
    }
  }

  @Test
  void refusesAnExistingTableWithOtherKeysAndLeavesItUntouched() {
    String prefix = prefix();
    String chunks = prefix + "-chunks";
    client.createTable(
        r ->
            r.tableName(chunks)
                .keySchema(key("id", KeyType.HASH), key("part", KeyType.RANGE))
                .attributeDefinitions(
                    attr("id", ScalarAttributeType.N), attr("part", ScalarAttributeType.S))
                .provisionedThroughput(p -> p.readCapacityUnits(2L).writeCapacityUnits(2L)));
    awaitActive(chunks);
    TableDescription before = describe(chunks);
    DynamoDbTables tables = new DynamoDbTables(client, payPerRequest(prefix));

    tables.reconcile();
    await15s()
        .until(
            () -> tables.reconcile(),
            r -> r.table(Table.CATALOG).usable() && r.table(Table.SESSIONS).usable());
    Report report = tables.reconcile();

    TableReport conflict = report.table(Table.CHUNKS);
    assertThat(conflict.ownership()).isEqualTo(Ownership.CONFLICT);
    assertThat(conflict.usable()).isFalse();
    assertThat(conflict.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo(Problem.Kind.KEY_SCHEMA_CONFLICT);
              assertThat(p.blocking()).isTrue();
              assertThat(p.message())
                  .contains(
                      "[id (N) HASH, part (S) RANGE]", "[pk (S) HASH]", "untouched", "tablePrefix");
            });
    assertThat(report.ready()).isFalse();
    assertThat(report.blockingProblems()).singleElement().asString().startsWith(chunks + ": ");

    TableDescription after = describe(chunks);
    assertThat(after.keySchema()).isEqualTo(before.keySchema());
    assertThat(after.attributeDefinitions()).isEqualTo(before.attributeDefinitions());
    assertThat(after.creationDateTime()).isEqualTo(before.creationDateTime());
    assertThat(after.provisionedThroughput().readCapacityUnits()).isEqualTo(2L);
    assertThat(after.billingModeSummary()).isNull();
    assertThat(tagsOf(after.tableArn())).isEmpty();

    // and deletion leaves it alone too
    DynamoDbTables.DeletionReport deletion = tables.delete();
    assertThat(deletion.table(Table.CHUNKS).outcome()).isEqualTo(DeletionOutcome.RETAINED);
    assertThat(describe(chunks).tableStatus()).isEqualTo(TableStatus.ACTIVE);
  }

  @Test
  void leavesTheSettingsOfATableOwnedByAnotherMusicDeliveryAlone() {
    String prefix = prefix();
    DynamoDbTables theirs =
        new DynamoDbTables(
            client, new Settings(prefix, BillingMode.PROVISIONED, 1L, 1L, "other/x"));
    theirs.reconcile();
    awaitReady(theirs);
    DynamoDbTables ours = new DynamoDbTables(client, payPerRequest(prefix));

    Report report = ours.reconcile();

    assertThat(report.tables())
        .allSatisfy(
            t -> {
              assertThat(t.ownership()).isEqualTo(Ownership.OTHER_OWNER);
              assertThat(t.usable()).isTrue();
              assertThat(t.problems())
                  .extracting(Problem::kind)
                  .containsExactly(Problem.Kind.OWNED_BY_OTHER);
            });
    assertThat(describe(prefix + "-catalog").billingModeSummary()).isNull(); // still PROVISIONED
    assertThat(ours.delete().tables())
        .allSatisfy(d -> assertThat(d.outcome()).isEqualTo(DeletionOutcome.RETAINED));
  }

  // --- deletion ----------------------------------------------------------------------------------

  @Test
  void deleteRemovesTheOwnedTablesAndRetainsAForeignOne() {
    String prefix = prefix();
    String sessions = prefix + "-sessions";
    client.createTable(
        r ->
            r.tableName(sessions)
                .keySchema(Table.SESSIONS.keySchema())
                .attributeDefinitions(Table.SESSIONS.attributeDefinitions())
                .billingMode("PAY_PER_REQUEST"));
    awaitActive(sessions);
    DynamoDbTables tables = new DynamoDbTables(client, payPerRequest(prefix));
    tables.reconcile();
    awaitReady(tables);

    DynamoDbTables.DeletionReport deletion = tables.delete();

    assertThat(deletion.table(Table.CATALOG).outcome()).isEqualTo(DeletionOutcome.DELETING);
    assertThat(deletion.table(Table.CHUNKS).outcome()).isEqualTo(DeletionOutcome.DELETING);
    assertThat(deletion.table(Table.SESSIONS).outcome()).isEqualTo(DeletionOutcome.RETAINED);
    assertThat(deletion.table(Table.SESSIONS).message()).contains("not created by " + OWNER);
    assertThat(deletion.table(Table.USERS).outcome()).isEqualTo(DeletionOutcome.DELETING);
    assertThat(deletion.done()).isTrue();
    await15s()
        .until(
            () ->
                !exists(prefix + "-catalog")
                    && !exists(prefix + "-chunks")
                    && !exists(prefix + "-users"));
    assertThat(describe(sessions).tableStatus()).isEqualTo(TableStatus.ACTIVE);

    DynamoDbTables.DeletionReport again = tables.delete();
    assertThat(again.tables())
        .extracting(DynamoDbTables.TableDeletion::outcome)
        .containsExactly(
            DeletionOutcome.GONE,
            DeletionOutcome.GONE,
            DeletionOutcome.RETAINED,
            DeletionOutcome.GONE);
    assertThat(again.done()).isTrue();
  }

  @Test
  void deleteOfMissingTablesIsFine() {
    DynamoDbTables.DeletionReport deletion =
        new DynamoDbTables(client, payPerRequest(prefix())).delete();

    assertThat(deletion.tables())
        .allSatisfy(d -> assertThat(d.outcome()).isEqualTo(DeletionOutcome.GONE));
    assertThat(deletion.done()).isTrue();
  }

  @Test
  void deleteWhileTheTablesAreCreatingAsksToRetry() {
    String prefix = prefix();
    DynamoDbTables tables = new DynamoDbTables(client, payPerRequest(prefix));
    tables.reconcile();

    DynamoDbTables.DeletionReport early = tables.delete();

    assertThat(early.done()).isFalse();
    assertThat(early.tables())
        .anySatisfy(d -> assertThat(d.outcome()).isEqualTo(DeletionOutcome.RETRY));
    DynamoDbTables.DeletionReport done =
        await15s().until(tables::delete, DynamoDbTables.DeletionReport::done);
    assertThat(done.tables())
        .allSatisfy(
            d -> assertThat(d.outcome()).isIn(DeletionOutcome.DELETING, DeletionOutcome.GONE));
    await15s().until(() -> Table.values().length == countGone(prefix));
  }

  // --- outage ------------------------------------------------------------------------------------

  @Test
  void anEndpointThatIsDownFailsFastAndClearlyThenWorksAgain() {
    try (Dynalite own = Dynalite.start();
        DynamoDbClient ownClient = clientFor(own)) {
      String prefix = prefix();
      DynamoDbTables tables = new DynamoDbTables(ownClient, payPerRequest(prefix));
      tables.reconcile();
      List<String> arns = arns(awaitReady(tables));

      own.stop();
      long start = System.nanoTime();
      assertThatThrownBy(tables::reconcile)
          .isInstanceOfSatisfying(
              DynamoDbTablesException.class,
              e ->
                  assertThat(e.reason())
                      .isEqualTo(DynamoDbTablesException.Reason.DynamoDbUnreachable))
          .hasMessageContaining("DescribeTable " + prefix + "-catalog failed")
          .hasMessageContaining(own.endpoint().toString())
          .hasMessageContaining("unreachable")
          .hasMessageContaining("Connect");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThatThrownBy(tables::delete).isInstanceOf(DynamoDbTablesException.class);

      own.restart();
      Report back = awaitReady(tables);
      assertThat(arns(back)).isEqualTo(arns);
      assertThat(back.tables())
          .allSatisfy(t -> assertThat(t.ownership()).isEqualTo(Ownership.OWNED));
    }
  }

  @Test
  void refusedCredentialsAreReportedAsSuch() {
    // dynalite accepts any signature; an unsigned request (no credentials) it refuses
    try (DynamoDbClient anonymous =
        DynamoDbClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(dynalite.endpoint())
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build()) {
      assertThatThrownBy(() -> new DynamoDbTables(anonymous, payPerRequest(prefix())).reconcile())
          .isInstanceOfSatisfying(
              DynamoDbTablesException.class,
              e ->
                  assertThat(e.reason())
                      .isEqualTo(DynamoDbTablesException.Reason.DynamoDbAccessDenied))
          .hasMessageContaining("refused the credentials")
          .hasMessageContaining("MissingAuthenticationToken");
    }
  }

  // --- settings and schema -----------------------------------------------------------------------

  @Test
  void settingsFromTheSpec() {
    DynamoDb spec = new DynamoDb();
    spec.tablePrefix = "prod-music";
    spec.billingMode = BillingMode.PROVISIONED;
    spec.readCapacity = 10L;
    spec.writeCapacity = 5L;

    Settings settings = Settings.of(spec, "music", "jazz");

    assertThat(settings.owner()).isEqualTo("music/jazz");
    assertThat(settings.tableName(Table.CHUNKS)).isEqualTo("prod-music-chunks");
    assertThat(settings.tags())
        .containsExactly(
            Tag.builder().key("cadenza.dev/owner").value("music/jazz").build(),
            Tag.builder().key("app.kubernetes.io/managed-by").value("cadenza-operator").build());

    spec.billingMode = null; // the CRD defaults it; a null still means PAY_PER_REQUEST
    spec.readCapacity = null;
    spec.writeCapacity = null;
    assertThat(Settings.of(spec, "music", "jazz").billingMode())
        .isEqualTo(BillingMode.PAY_PER_REQUEST);

    assertThatThrownBy(() -> new Settings("p", BillingMode.PROVISIONED, null, 1L, OWNER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("readCapacity");
    assertThatThrownBy(() -> new Settings(" ", BillingMode.PAY_PER_REQUEST, null, null, OWNER))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keySchemaComparison() {
    TableDescription same =
        TableDescription.builder()
            .keySchema(key("sk", KeyType.RANGE), key("pk", KeyType.HASH))
            .attributeDefinitions(
                attr("sk", ScalarAttributeType.S),
                attr("pk", ScalarAttributeType.S),
                attr("gsi1", ScalarAttributeType.N))
            .build();
    TableDescription otherType =
        TableDescription.builder()
            .keySchema(key("pk", KeyType.HASH))
            .attributeDefinitions(attr("pk", ScalarAttributeType.B))
            .build();

    assertThat(DynamoDbTables.keySchemaConflict(Table.CATALOG, same)).isNull();
    assertThat(DynamoDbTables.keySchemaConflict(Table.CHUNKS, otherType))
        .contains("[pk (B) HASH]", "[pk (S) HASH]");
    assertThat(DynamoDbTables.keySchemaConflict(Table.SESSIONS, same))
        .contains("[pk (S) HASH, sk (S) RANGE]", "needs [pk (S) HASH]");
    assertThat(Table.CHUNKS.ttlAttribute()).contains("expiresAt");
    assertThat(Table.CATALOG.ttlAttribute()).isEmpty();
  }

  // --- helpers -----------------------------------------------------------------------------------

  private static DynamoDbClient clientFor(Dynalite d) {
    return DynamoDbClients.build(
        new DynamoDbClients.Target(
            "us-east-1", d.endpoint(), new DynamoDbClients.StaticCredentials("test", "test")),
        null);
  }

  private static String prefix() {
    return "t"
        + PREFIXES.incrementAndGet()
        + "-"
        + Long.toString(System.nanoTime() % 1_000_000, 36);
  }

  private static Settings payPerRequest(String prefix) {
    return new Settings(prefix, BillingMode.PAY_PER_REQUEST, null, null, OWNER);
  }

  private static ConditionFactory await15s() {
    return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100));
  }

  private static Report awaitReady(DynamoDbTables tables) {
    return await15s().until(tables::reconcile, Report::ready);
  }

  private static void awaitActive(String table) {
    await15s().until(() -> describe(table).tableStatus() == TableStatus.ACTIVE);
  }

  private static TableDescription describe(String table) {
    return client.describeTable(r -> r.tableName(table)).table();
  }

  private static boolean exists(String table) {
    try {
      describe(table);
      return true;
    } catch (ResourceNotFoundException e) {
      return false;
    }
  }

  private static int countGone(String prefix) {
    int gone = 0;
    for (Table t : Table.values()) {
      gone += exists(t.tableName(prefix)) ? 0 : 1;
    }
    return gone;
  }

  private static Map<String, String> tagsOf(String arn) {
    return client.listTagsOfResource(r -> r.resourceArn(arn)).tags().stream()
        .collect(Collectors.toMap(Tag::key, Tag::value));
  }

  private static List<String> arns(Report report) {
    return report.tables().stream().map(TableReport::arn).toList();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static AttributeDefinition attr(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }
}
