package dev.cadenza.operator.dynamodb;

import dev.cadenza.dynamodb.TableSchema;
import dev.cadenza.dynamodb.TableSchema.Table;
import dev.cadenza.operator.Names;
import dev.cadenza.operator.crd.v1alpha1.DynamoDb;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliveryStatus;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputDescription;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/**
 * The DynamoDB tables of one MusicDelivery ({@link TableSchema}), reconciled through the AWS SDK.
 *
 * <p>{@link #reconcile()} makes a few quick calls per table and never waits for a table to become
 * ACTIVE: it reports each table's status and the caller reschedules until {@link Report#ready()}.
 * For each table it:
 *
 * <ul>
 *   <li>creates a missing table with the schema's keys, the billing mode and the owner tags
 *       ({@value #OWNER_TAG}{@code =<namespace>/<name>} and {@value #MANAGED_BY_TAG}{@code
 *       =}{@value #MANAGED_BY});
 *   <li>adopts an existing table whose key schema matches, and then, once it is ACTIVE, brings its
 *       billing mode (and provisioned capacity) to the settings';
 *   <li>leaves an existing table whose key schema differs untouched and reports a {@link
 *       Problem.Kind#KEY_SCHEMA_CONFLICT} (nothing is ever modified or deleted on such a table);
 *   <li>enables TTL on {@link TableSchema#TTL_ATTRIBUTE} for the chunks, sessions and users tables
 *       once they are ACTIVE; an endpoint without TTL support gives a {@link
 *       Problem.Kind#TTL_UNSUPPORTED} warning, not a failure.
 * </ul>
 *
 * <p>A table tagged as owned by <em>another</em> MusicDelivery is used but its settings are left to
 * its owner ({@link Problem.Kind#OWNED_BY_OTHER}). An adopted table is not tagged, so {@link
 * #delete()} (deletionPolicy Delete) deletes only the tables this resource created: tag a table
 * {@value #OWNER_TAG}{@code =<namespace>/<name>} by hand to hand it over.
 *
 * <p>Failures to reach DynamoDB, refused credentials and unexpected errors are thrown as {@link
 * DynamoDbTablesException}; everything the user can fix in the tables or the spec is a {@link
 * Problem} in the report. Instances are cheap: make one per reconciliation.
 */
public final class DynamoDbTables {

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbTables.class);

  /** Tag naming the MusicDelivery that created a table: {@code <namespace>/<name>}. */
  public static final String OWNER_TAG = "cadenza.dev/owner";

  /** Tag naming the operator as the table's manager. */
  public static final String MANAGED_BY_TAG = "app.kubernetes.io/managed-by";

  /** Value of {@link #MANAGED_BY_TAG}. */
  public static final String MANAGED_BY = Names.OPERATOR;

  /** Error codes of endpoints that do not implement an operation (dynalite, some emulators). */
  private static final Set<String> UNSUPPORTED_CODES =
      Set.of(
          "UnknownOperationException",
          "UnsupportedOperationException",
          "NotImplemented",
          "NotImplementedException");

  /**
   * What the tables should be.
   *
   * @param tablePrefix the tables' prefix ({@code spec.dynamodb.tablePrefix})
   * @param billingMode PAY_PER_REQUEST or PROVISIONED
   * @param readCapacity read capacity units per table with PROVISIONED, else null
   * @param writeCapacity write capacity units per table with PROVISIONED, else null
   * @param owner the owning MusicDelivery, {@code <namespace>/<name>}: the {@value #OWNER_TAG} tag
   */
  public record Settings(
      String tablePrefix,
      DynamoDb.BillingMode billingMode,
      Long readCapacity,
      Long writeCapacity,
      String owner) {

    public Settings {
      if (tablePrefix == null || tablePrefix.isBlank()) {
        throw new IllegalArgumentException("dynamodb.tablePrefix is empty");
      }
      if (owner == null || owner.isBlank()) {
        throw new IllegalArgumentException("owner is empty");
      }
      billingMode = Objects.requireNonNullElse(billingMode, DynamoDb.BillingMode.PAY_PER_REQUEST);
      if (billingMode == DynamoDb.BillingMode.PROVISIONED) {
        if (readCapacity == null
            || writeCapacity == null
            || readCapacity < 1
            || writeCapacity < 1) {
          throw new IllegalArgumentException(
              "dynamodb.billingMode PROVISIONED needs dynamodb.readCapacity and"
                  + " dynamodb.writeCapacity of at least 1");
        }
      } else {
        readCapacity = null;
        writeCapacity = null;
      }
    }

    /** The settings of a MusicDelivery's {@code spec.dynamodb}. */
    public static Settings of(DynamoDb spec, String namespace, String name) {
      return new Settings(
          spec.tablePrefix,
          spec.billingMode,
          spec.readCapacity,
          spec.writeCapacity,
          namespace + "/" + name);
    }

    /** The table's name. */
    public String tableName(Table table) {
      return table.tableName(tablePrefix);
    }

    /** The tags of a table created for this owner. */
    public List<Tag> tags() {
      return List.of(tag(OWNER_TAG, owner), tag(MANAGED_BY_TAG, MANAGED_BY));
    }
  }

  /**
   * Something about a table that the user should know or fix. A blocking problem keeps the table
   * from being usable; a warning does not.
   */
  public record Problem(Kind kind, String message) {

    /** The kinds of problem. */
    public enum Kind {
      /** The existing table's keys differ from {@link TableSchema}'s; it is left untouched. */
      KEY_SCHEMA_CONFLICT(true),
      /** The endpoint does not implement TTL: expired chunks, sessions and user items stay. */
      TTL_UNSUPPORTED(false),
      /** TTL is on another attribute, or could not be enabled. */
      TTL_NOT_ENABLED(false),
      /** The billing mode or capacity could not be changed (yet). */
      BILLING_NOT_UPDATED(false),
      /** The table is tagged as owned by another MusicDelivery; its settings are left alone. */
      OWNED_BY_OTHER(false),
      /** The owner tag could not be read or written: deletionPolicy Delete cannot see ownership. */
      TAGS_UNSUPPORTED(false);

      private final boolean blocking;

      Kind(boolean blocking) {
        this.blocking = blocking;
      }

      /** Whether the table cannot be used while this problem lasts. */
      public boolean blocking() {
        return blocking;
      }
    }

    /** Whether the table cannot be used while this problem lasts. */
    public boolean blocking() {
      return kind.blocking();
    }
  }

  /** How this resource relates to a table. */
  public enum Ownership {
    /** Created by this reconciliation. */
    CREATED,
    /** Tagged as owned by this resource (it created the table earlier). */
    OWNED,
    /** Existed before, with no owner tag (or tags unreadable); used but never deleted. */
    ADOPTED,
    /** Tagged as owned by another resource. */
    OTHER_OWNER,
    /** Not known (yet): the table is being deleted, or its tags cannot be read while not ACTIVE. */
    UNKNOWN,
    /** Its key schema conflicts; not used. */
    CONFLICT
  }

  /**
   * One table as reconciled.
   *
   * @param table which table
   * @param name its name
   * @param status DynamoDB's table status (CREATING, ACTIVE, UPDATING, DELETING, ...)
   * @param arn its ARN
   * @param ownership how this resource relates to it
   * @param problems what the user should know or fix
   */
  public record TableReport(
      Table table,
      String name,
      String status,
      String arn,
      Ownership ownership,
      List<Problem> problems) {

    public TableReport {
      problems = List.copyOf(problems);
    }

    /** Whether DynamoDB reports the table ACTIVE. */
    public boolean active() {
      return TableStatus.ACTIVE.toString().equals(status);
    }

    /** ACTIVE and without blocking problems: the stream service can use it. */
    public boolean usable() {
      return active() && problems.stream().noneMatch(Problem::blocking);
    }

    /** The table as the MusicDelivery's status shows it. */
    public MusicDeliveryStatus.Table toStatus() {
      MusicDeliveryStatus.Table t = new MusicDeliveryStatus.Table();
      t.name = name;
      t.status = status;
      t.arn = arn;
      return t;
    }
  }

  /** The four tables as reconciled, in {@link Table} order. */
  public record Report(List<TableReport> tables) {

    public Report {
      tables = List.copyOf(tables);
    }

    /** Whether every table is usable: the stream service can start. */
    public boolean ready() {
      return tables.stream().allMatch(TableReport::usable);
    }

    /** The report of one table. */
    public TableReport table(Table table) {
      return tables.stream().filter(t -> t.table() == table).findFirst().orElseThrow();
    }

    /** Problems that keep a table from being used, with the table's name in front. */
    public List<String> blockingProblems() {
      return messages(true);
    }

    /** Problems that do not keep a table from being used, with the table's name in front. */
    public List<String> warnings() {
      return messages(false);
    }

    /** Tables not yet ACTIVE, e.g. {@code ["x-chunks (CREATING)"]}. */
    public List<String> pending() {
      return tables.stream()
          .filter(t -> !t.active())
          .map(t -> t.name() + " (" + t.status() + ")")
          .toList();
    }

    /** The tables for {@code status.tables}. */
    public List<MusicDeliveryStatus.Table> toStatus() {
      return tables.stream().map(TableReport::toStatus).toList();
    }

    private List<String> messages(boolean blocking) {
      return tables.stream()
          .flatMap(
              t ->
                  t.problems().stream()
                      .filter(p -> p.blocking() == blocking)
                      .map(p -> t.name() + ": " + p.message()))
          .toList();
    }
  }

  /** What {@link #delete()} did with a table. */
  public enum DeletionOutcome {
    /** DeleteTable accepted (or the table was already being deleted). */
    DELETING,
    /** The table does not exist. */
    GONE,
    /** Kept: not created by this resource (adopted, another owner's, or tags unreadable). */
    RETAINED,
    /** DynamoDB refused for now (e.g. the table is still CREATING or UPDATING): try again. */
    RETRY
  }

  /** One table's deletion. */
  public record TableDeletion(Table table, String name, DeletionOutcome outcome, String message) {}

  /** The four tables' deletion. */
  public record DeletionReport(List<TableDeletion> tables) {

    public DeletionReport {
      tables = List.copyOf(tables);
    }

    /** Whether nothing is left to do: every table is deleting, gone or retained. */
    public boolean done() {
      return tables.stream().noneMatch(t -> t.outcome() == DeletionOutcome.RETRY);
    }

    /** The deletion of one table. */
    public TableDeletion table(Table table) {
      return tables.stream().filter(t -> t.table() == table).findFirst().orElseThrow();
    }
  }

  private final DynamoDbClient client;
  private final Settings settings;
  private final URI endpoint;
  private final String region;

  public DynamoDbTables(DynamoDbClient client, Settings settings) {
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    var config = client.serviceClientConfiguration();
    this.endpoint = config.endpointOverride().orElse(null);
    this.region = config.region() == null ? "?" : config.region().id();
  }

  /** The settings these tables are reconciled to. */
  public Settings settings() {
    return settings;
  }

  /**
   * Brings the four tables towards the settings without waiting: see the class comment.
   *
   * @throws DynamoDbTablesException when DynamoDB cannot be reached, refuses the credentials, or
   *     answers with an unexpected error
   */
  public Report reconcile() {
    List<TableReport> reports = new ArrayList<>();
    for (Table table : Table.values()) {
      reports.add(reconcile(table));
    }
    return new Report(reports);
  }

  /**
   * Deletes the tables this resource owns (tagged {@value #OWNER_TAG} with its owner), for
   * deletionPolicy Delete. Missing tables are fine; adopted and foreign tables are retained. Does
   * not wait for the deletion to finish: a table in {@link DeletionOutcome#DELETING} is on its way.
   * The caller removes its finalizer once {@link DeletionReport#done()}.
   *
   * @throws DynamoDbTablesException as {@link #reconcile()}
   */
  public DeletionReport delete() {
    List<TableDeletion> deletions = new ArrayList<>();
    for (Table table : Table.values()) {
      deletions.add(delete(table));
    }
    return new DeletionReport(deletions);
  }

  // --- reconcile -------------------------------------------------------------------------------

  private TableReport reconcile(Table table) {
    String name = settings.tableName(table);
    TableDescription description = describe(name);
    if (description == null) {
      return create(table, name);
    }
    List<Problem> problems = new ArrayList<>();
    String conflict = keySchemaConflict(table, description);
    if (conflict != null) {
      problems.add(new Problem(Problem.Kind.KEY_SCHEMA_CONFLICT, conflict));
      return report(table, description, Ownership.CONFLICT, problems);
    }
    if (description.tableStatus() == TableStatus.DELETING) {
      // Being deleted (by a user or a previous Delete policy): created again once it is gone.
      return report(table, description, Ownership.UNKNOWN, problems);
    }
    Ownership ownership = ownership(name, description.tableArn(), problems);
    if (ownership == Ownership.OTHER_OWNER) {
      return report(table, description, ownership, problems);
    }
    if (description.tableStatus() == TableStatus.ACTIVE) {
      TableDescription updated = updateBilling(name, description, problems);
      if (updated != null) {
        description = updated; // UPDATING: TTL on a later reconciliation, once ACTIVE again
      } else if (table.ttlAttribute().isPresent()) {
        enableTtl(name, table.ttlAttribute().get(), problems);
      }
    }
    return report(table, description, ownership, problems);
  }

  private TableReport create(Table table, String name) {
    CreateTableRequest.Builder request =
        CreateTableRequest.builder()
            .tableName(name)
            .keySchema(table.keySchema())
            .attributeDefinitions(table.attributeDefinitions())
            .billingMode(sdkBillingMode(settings.billingMode()))
            .tags(settings.tags());
    if (settings.billingMode() == DynamoDb.BillingMode.PROVISIONED) {
      request.provisionedThroughput(throughput());
    }
    TableDescription description;
    try {
      description = client.createTable(request.build()).tableDescription();
    } catch (ResourceInUseException e) {
      // Created concurrently (another operator replica, a user): reconcile what is there now.
      if (describe(name) != null) {
        return reconcile(table);
      }
      throw DynamoDbTablesException.of(e, "CreateTable", name, endpoint, region);
    } catch (SdkException e) {
      throw DynamoDbTablesException.of(e, "CreateTable", name, endpoint, region);
    }
    LOG.info(
        "created DynamoDB table {} ({}) for {}", name, settings.billingMode(), settings.owner());
    List<Problem> problems = new ArrayList<>();
    ensureOwnerTags(name, description.tableArn(), problems);
    return report(table, description, Ownership.CREATED, problems);
  }

  /** Whether the table is owned by this resource, another one, or none (adopted). */
  private Ownership ownership(String name, String arn, List<Problem> problems) {
    Tags tags = tags(name, arn);
    if (tags.unsupported()) {
      problems.add(
          new Problem(
              Problem.Kind.TAGS_UNSUPPORTED,
              "the endpoint cannot list tags; the table is treated as adopted and"
                  + " deletionPolicy Delete will retain it"));
      return Ownership.ADOPTED;
    }
    if (tags.unavailable()) {
      return Ownership.UNKNOWN;
    }
    String owner = tags.owner();
    if (owner == null) {
      return Ownership.ADOPTED;
    }
    if (owner.equals(settings.owner())) {
      return Ownership.OWNED;
    }
    problems.add(
        new Problem(
            Problem.Kind.OWNED_BY_OTHER,
            "the table belongs to MusicDelivery "
                + owner
                + " (tag "
                + OWNER_TAG
                + "); it is shared, and its billing mode and TTL are left to its owner"));
    return Ownership.OTHER_OWNER;
  }

  /**
   * Makes sure a table just created carries the owner tags. DynamoDB applies CreateTable's tags
   * (ListTagsOfResource may not show them yet, and refuses a table that is not ACTIVE); some
   * compatible endpoints (dynalite) ignore them and need TagResource. Tagging again is harmless,
   * and a refusal while the table is CREATING is ignored: CreateTable's tags hold.
   */
  private void ensureOwnerTags(String name, String arn, List<Problem> problems) {
    Tags tags = tags(name, arn);
    if (tags.unavailable() || settings.owner().equals(tags.owner())) {
      return;
    }
    String unsupported = tags.unsupported() ? "ListTagsOfResource is not supported" : null;
    try {
      client.tagResource(r -> r.resourceArn(arn).tags(settings.tags()));
    } catch (AwsServiceException e) {
      if (unsupported(e)) {
        unsupported = "TagResource: " + errorText(e);
      } else if (e.statusCode() != 400 || accessDenied(e)) {
        throw DynamoDbTablesException.of(e, "TagResource", name, endpoint, region);
      }
    } catch (SdkException e) {
      throw DynamoDbTablesException.of(e, "TagResource", name, endpoint, region);
    }
    if (unsupported != null) {
      problems.add(
          new Problem(
              Problem.Kind.TAGS_UNSUPPORTED,
              "the endpoint does not keep tags ("
                  + unsupported
                  + "); deletionPolicy Delete will retain the table"));
    }
  }

  /**
   * A table's tags as far as they can be read.
   *
   * @param tags the tags, empty unless read
   * @param unsupported the endpoint does not implement ListTagsOfResource
   * @param unavailable DynamoDB refused for now (the table is not ACTIVE)
   */
  private record Tags(Map<String, String> tags, boolean unsupported, boolean unavailable) {
    String owner() {
      return tags.get(OWNER_TAG);
    }
  }

  private Tags tags(String name, String arn) {
    try {
      Map<String, String> tags = new HashMap<>();
      String next = null;
      do { // a table has at most 50 user tags: one page in practice
        String token = next;
        ListTagsOfResourceResponse page =
            client.listTagsOfResource(r -> r.resourceArn(arn).nextToken(token));
        page.tags().forEach(t -> tags.put(t.key(), t.value()));
        next = page.nextToken();
      } while (next != null && !next.isEmpty());
      return new Tags(tags, false, false);
    } catch (ResourceNotFoundException | ResourceInUseException e) {
      return new Tags(Map.of(), false, true);
    } catch (AwsServiceException e) {
      if (unsupported(e)) {
        return new Tags(Map.of(), true, false);
      }
      throw DynamoDbTablesException.of(e, "ListTagsOfResource", name, endpoint, region);
    } catch (SdkException e) {
      throw DynamoDbTablesException.of(e, "ListTagsOfResource", name, endpoint, region);
    }
  }

  /**
   * Brings an ACTIVE table's billing mode and capacity to the settings'. Returns the updated
   * description (UPDATING), or null if nothing changed.
   */
  private TableDescription updateBilling(
      String name, TableDescription description, List<Problem> problems) {
    DynamoDb.BillingMode current = billingMode(description);
    DynamoDb.BillingMode wanted = settings.billingMode();
    UpdateTableRequest.Builder update = UpdateTableRequest.builder().tableName(name);
    String change;
    if (wanted == DynamoDb.BillingMode.PAY_PER_REQUEST) {
      if (current == DynamoDb.BillingMode.PAY_PER_REQUEST) {
        return null;
      }
      update.billingMode(BillingMode.PAY_PER_REQUEST);
      change = "billing mode PROVISIONED -> PAY_PER_REQUEST";
    } else {
      ProvisionedThroughputDescription now = description.provisionedThroughput();
      boolean sameCapacity =
          now != null
              && Objects.equals(now.readCapacityUnits(), settings.readCapacity())
              && Objects.equals(now.writeCapacityUnits(), settings.writeCapacity());
      if (current == DynamoDb.BillingMode.PROVISIONED && sameCapacity) {
        return null;
      }
      update.billingMode(BillingMode.PROVISIONED).provisionedThroughput(throughput());
      change =
          current == DynamoDb.BillingMode.PROVISIONED
              ? "capacity "
                  + (now == null ? "?" : now.readCapacityUnits() + "/" + now.writeCapacityUnits())
                  + " -> "
                  + settings.readCapacity()
                  + "/"
                  + settings.writeCapacity()
              : "billing mode PAY_PER_REQUEST -> PROVISIONED "
                  + settings.readCapacity()
                  + "/"
                  + settings.writeCapacity();
    }
    try {
      TableDescription updated = client.updateTable(update.build()).tableDescription();
      LOG.info("DynamoDB table {}: {}", name, change);
      return updated;
    } catch (AwsServiceException e) {
      if (e.statusCode() != 400 || accessDenied(e)) {
        throw DynamoDbTablesException.of(e, "UpdateTable", name, endpoint, region);
      }
      // LimitExceeded (billing mode switches are rationed), ResourceInUse, Validation: the user
      // can see it and the next reconciliation tries again.
      problems.add(
          new Problem(
              Problem.Kind.BILLING_NOT_UPDATED,
              "could not change " + change + ": " + errorText(e)));
      return null;
    } catch (SdkException e) {
      throw DynamoDbTablesException.of(e, "UpdateTable", name, endpoint, region);
    }
  }

  /** Enables TTL on an ACTIVE table unless it is on (or turning on) already. */
  private void enableTtl(String name, String attribute, List<Problem> problems) {
    TimeToLiveDescription ttl;
    try {
      ttl = client.describeTimeToLive(r -> r.tableName(name)).timeToLiveDescription();
    } catch (AwsServiceException e) {
      if (unsupported(e)) {
        problems.add(ttlUnsupported("DescribeTimeToLive", e));
        return;
      }
      throw DynamoDbTablesException.of(e, "DescribeTimeToLive", name, endpoint, region);
    } catch (SdkException e) {
      throw DynamoDbTablesException.of(e, "DescribeTimeToLive", name, endpoint, region);
    }
    TimeToLiveStatus status = ttl == null ? null : ttl.timeToLiveStatus();
    if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING) {
      if (!attribute.equals(ttl.attributeName())) {
        problems.add(
            new Problem(
                Problem.Kind.TTL_NOT_ENABLED,
                "TTL is on attribute "
                    + ttl.attributeName()
                    + ", not "
                    + attribute
                    + ": the stream service's items will not expire; disable TTL on the table"
                    + " and the operator will enable it on "
                    + attribute));
      }
      return;
    }
    if (status == TimeToLiveStatus.DISABLING) {
      return; // enabled on a later reconciliation, once disabled
    }
    try {
      client.updateTimeToLive(
          r ->
              r.tableName(name)
                  .timeToLiveSpecification(s -> s.attributeName(attribute).enabled(true)));
      LOG.info("DynamoDB table {}: TTL enabled on {}", name, attribute);
    } catch (AwsServiceException e) {
      if (unsupported(e)) {
        problems.add(ttlUnsupported("UpdateTimeToLive", e));
        return;
      }
      if (e.statusCode() != 400 || accessDenied(e)) {
        throw DynamoDbTablesException.of(e, "UpdateTimeToLive", name, endpoint, region);
      }
      problems.add(
          new Problem(
              Problem.Kind.TTL_NOT_ENABLED,
              "could not enable TTL on " + attribute + ": " + errorText(e)));
    } catch (SdkException e) {
      throw DynamoDbTablesException.of(e, "UpdateTimeToLive", name, endpoint, region);
    }
  }

  private Problem ttlUnsupported(String operation, AwsServiceException e) {
    return new Problem(
        Problem.Kind.TTL_UNSUPPORTED,
        "the DynamoDB endpoint does not support TTL ("
            + operation
            + ": "
            + errorText(e)
            + "); expired items stay until deleted otherwise");
  }

  // --- delete ----------------------------------------------------------------------------------

  private TableDeletion delete(Table table) {
    String name = settings.tableName(table);
    TableDescription description = describe(name);
    if (description == null) {
      return new TableDeletion(table, name, DeletionOutcome.GONE, "does not exist");
    }
    if (description.tableStatus() == TableStatus.DELETING) {
      return new TableDeletion(table, name, DeletionOutcome.DELETING, "being deleted");
    }
    Tags tags = tags(name, description.tableArn());
    if (tags.unavailable()) {
      return new TableDeletion(
          table,
          name,
          DeletionOutcome.RETRY,
          "the table is " + description.tableStatusAsString() + "; its tags cannot be read yet");
    }
    String owner = tags.owner();
    if (tags.unsupported() || !settings.owner().equals(owner)) {
      String why =
          tags.unsupported()
              ? "the endpoint cannot list tags, so ownership is unknown"
              : owner == null
                  ? "not created by " + settings.owner() + " (no " + OWNER_TAG + " tag)"
                  : "owned by " + owner;
      LOG.info("DynamoDB table {} retained: {}", name, why);
      return new TableDeletion(table, name, DeletionOutcome.RETAINED, "retained: " + why);
    }
    try {
      client.deleteTable(r -> r.tableName(name));
      LOG.info("deleting DynamoDB table {} of {}", name, settings.owner());
      return new TableDeletion(table, name, DeletionOutcome.DELETING, "deleting");
    } catch (ResourceNotFoundException e) {
      return new TableDeletion(table, name, DeletionOutcome.GONE, "does not exist");
    } catch (ResourceInUseException e) {
      return new TableDeletion(
          table, name, DeletionOutcome.RETRY, "cannot delete it now: " + errorText(e));
    } catch (AwsServiceException e) {
      if (e.statusCode() == 400 && !accessDenied(e) && !unsupported(e)) {
        // e.g. deletion protection: the user has to act
        return new TableDeletion(
            table, name, DeletionOutcome.RETRY, "cannot delete it: " + errorText(e));
      }
      throw DynamoDbTablesException.of(e, "DeleteTable", name, endpoint, region);
    } catch (SdkException e) {
      throw DynamoDbTablesException.of(e, "DeleteTable", name, endpoint, region);
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** DescribeTable, or null if the table does not exist. */
  private TableDescription describe(String name) {
    try {
      return client.describeTable(r -> r.tableName(name)).table();
    } catch (ResourceNotFoundException e) {
      return null;
    } catch (SdkException e) {
      throw DynamoDbTablesException.of(e, "DescribeTable", name, endpoint, region);
    }
  }

  /**
   * Why an existing table's keys differ from the schema's, or null if they match. Only the key
   * attributes are compared (names, HASH/RANGE, types); indexes and other attributes may differ.
   */
  static String keySchemaConflict(Table table, TableDescription description) {
    String wanted = keys(table.keySchema(), table.attributeDefinitions());
    String actual = keys(description.keySchema(), description.attributeDefinitions());
    if (wanted.equals(actual)) {
      return null;
    }
    return "the table exists with key schema "
        + actual
        + " but Cadenza needs "
        + wanted
        + " (see TableSchema); the operator leaves it untouched: delete or rename it, or use"
        + " another spec.dynamodb.tablePrefix";
  }

  /** Keys as text, HASH first: {@code [pk (S) HASH, sk (S) RANGE]}. */
  private static String keys(List<KeySchemaElement> keys, List<AttributeDefinition> definitions) {
    return keys.stream()
        .sorted(Comparator.comparing(k -> k.keyType() == KeyType.HASH ? 0 : 1))
        .map(
            k ->
                k.attributeName()
                    + " ("
                    + definitions.stream()
                        .filter(d -> d.attributeName().equals(k.attributeName()))
                        .map(d -> d.attributeTypeAsString())
                        .findFirst()
                        .orElse("?")
                    + ") "
                    + k.keyTypeAsString())
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** The table's billing mode: tables always provisioned have no billing mode summary. */
  private static DynamoDb.BillingMode billingMode(TableDescription description) {
    if (description.billingModeSummary() != null
        && description.billingModeSummary().billingMode() == BillingMode.PAY_PER_REQUEST) {
      return DynamoDb.BillingMode.PAY_PER_REQUEST;
    }
    return DynamoDb.BillingMode.PROVISIONED;
  }

  private static BillingMode sdkBillingMode(DynamoDb.BillingMode mode) {
    return mode == DynamoDb.BillingMode.PROVISIONED
        ? BillingMode.PROVISIONED
        : BillingMode.PAY_PER_REQUEST;
  }

  private ProvisionedThroughput throughput() {
    return ProvisionedThroughput.builder()
        .readCapacityUnits(settings.readCapacity())
        .writeCapacityUnits(settings.writeCapacity())
        .build();
  }

  private static TableReport report(
      Table table, TableDescription d, Ownership ownership, List<Problem> problems) {
    return new TableReport(
        table, d.tableName(), d.tableStatusAsString(), d.tableArn(), ownership, problems);
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  private static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  private static boolean unsupported(AwsServiceException e) {
    return e.statusCode() == 501 || UNSUPPORTED_CODES.contains(errorCode(e));
  }

  private static boolean accessDenied(AwsServiceException e) {
    return DynamoDbTablesException.accessDenied(e);
  }

  private static String errorText(AwsServiceException e) {
    String code = errorCode(e);
    String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    String text = code == null ? "HTTP " + e.statusCode() : code;
    return message == null || message.isBlank() ? text : text + ": " + message;
  }
}
