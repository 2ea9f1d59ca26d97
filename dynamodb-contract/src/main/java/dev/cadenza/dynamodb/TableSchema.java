package dev.cadenza.dynamodb;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The DynamoDB tables of one MusicDelivery and their keys: <b>the contract between the operator and
 * the stream service</b>. The operator creates (or adopts) exactly these tables; the stream service
 * reads and writes items with exactly these keys. Changing a key here is a breaking change of both,
 * and existing tables cannot be migrated in place (DynamoDB cannot change a key schema).
 *
 * <p>Each table is named {@code <spec.dynamodb.tablePrefix>-<suffix>}:
 *
 * <table>
 *   <caption>Tables</caption>
 *   <tr><th>table</th><th>partition key</th><th>sort key</th><th>TTL attribute</th></tr>
 *   <tr><td>{@code -catalog}</td><td>{@code pk} (S)</td><td>{@code sk} (S)</td><td>none</td></tr>
 *   <tr><td>{@code -chunks}</td><td>{@code pk} (S)</td><td>none</td><td>{@code expiresAt}</td></tr>
 *   <tr><td>{@code -sessions}</td><td>{@code pk} (S)</td><td>none</td><td>{@code expiresAt}</td></tr>
 *   <tr><td>{@code -users}</td><td>{@code pk} (S)</td><td>{@code sk} (S)</td><td>{@code expiresAt}</td></tr>
 * </table>
 *
 * <ul>
 *   <li><b>catalog</b>: the shared catalogue and its scan lease (docs/shared-catalogue.md). One
 *       item per track, spread over 16 partitions: {@code pk = "tracks#<0..15>"} (from the track
 *       id's first character), {@code sk} the track id; it holds the relative path, format, file
 *       size and modification time (ns) and every tag. The head, {@code pk = "catalog", sk =
 *       "head"}, holds the catalogue's generation, track count, writer and last scan; the lease,
 *       {@code pk = "lease", sk = "scan"}, names the pod that scans ({@code holder}) until {@code
 *       expiresAtMs} (epoch ms: not a TTL attribute). Track embeddings (docs/metadata.md) are items
 *       of this table too: {@code pk = "embeddings#<0..15>"}, {@code sk} the embedding's content
 *       key.
 *   <li><b>chunks</b>: chunks of audio files shared between pods. {@code pk} is {@code <track
 *       id>#<track version>#<variant>#<chunk index>}; there is no sort key. The only variant is
 *       {@code original}, the file's bytes as they are on disk (nothing is transcoded). Items
 *       expire through TTL on {@code expiresAt}.
 *   <li><b>sessions</b>: player sessions. {@code pk} is the session id; items expire through TTL on
 *       {@code expiresAt}. Beside them, one item per owner of sessions, {@code pk = "owner#<owner
 *       id>"}, that lists its sessions for the per-user quota (docs/sessions.md); it has no {@code
 *       expiresAt}, and is removed when its owner ends its last session.
 *   <li><b>users</b>: what listeners own, the stream service's {@code store.ItemStore}: users,
 *       their API keys, and each user's music data (stars, ratings, plays, playlists, play queue,
 *       now playing, scrobbles). The item layout ({@code pk} such as {@code user#<id>}, {@code sk}
 *       such as {@code star#track#<id>}) is the stream service's; every item carries {@code
 *       version} (N), the number its conditional writes compare, and {@code attrs} (M of S), its
 *       attributes. Items that should vanish (now playing) expire through TTL on {@code expiresAt};
 *       the others have no {@code expiresAt}.
 * </ul>
 *
 * <p>TTL attributes hold the expiry time in epoch seconds (type N), as DynamoDB's TTL requires. Key
 * attributes are all strings. Only the key attributes are declared to DynamoDB; other attributes
 * are free-form. The billing mode, capacity and tags are the operator's business, not part of this
 * contract. docs/configuration.md refers to this class.
 */
public final class TableSchema {

  /** Partition key of every table (type S). */
  public static final String PARTITION_KEY = "pk";

  /** Sort key of the catalog and users tables (type S). */
  public static final String SORT_KEY = "sk";

  /** TTL attribute of the chunks, sessions and users tables: expiry in epoch seconds (type N). */
  public static final String TTL_ATTRIBUTE = "expiresAt";

  /** The four tables. */
  public enum Table {
    CATALOG("catalog", true, false),
    CHUNKS("chunks", false, true),
    SESSIONS("sessions", false, true),
    USERS("users", true, true);

    private final String suffix;
    private final boolean sortKey;
    private final boolean ttl;

    Table(String suffix, boolean sortKey, boolean ttl) {
      this.suffix = suffix;
      this.sortKey = sortKey;
      this.ttl = ttl;
    }

    /**
     * The suffix after the prefix and a dash: {@code catalog}, {@code chunks}, {@code sessions},
     * {@code users}.
     */
    public String suffix() {
      return suffix;
    }

    /** The table's name for a prefix: {@code <prefix>-<suffix>}. */
    public String tableName(String prefix) {
      return prefix + "-" + suffix;
    }

    /** The key schema: {@code pk} HASH, and {@code sk} RANGE for the catalog and users tables. */
    public List<KeySchemaElement> keySchema() {
      List<KeySchemaElement> keys = new ArrayList<>();
      keys.add(key(PARTITION_KEY, KeyType.HASH));
      if (sortKey) {
        keys.add(key(SORT_KEY, KeyType.RANGE));
      }
      return List.copyOf(keys);
    }

    /** The attribute definitions of the key attributes (all strings). */
    public List<AttributeDefinition> attributeDefinitions() {
      return keySchema().stream()
          .map(
              k ->
                  AttributeDefinition.builder()
                      .attributeName(k.attributeName())
                      .attributeType(ScalarAttributeType.S)
                      .build())
          .toList();
    }

    /** The TTL attribute, for the chunks, sessions and users tables. */
    public Optional<String> ttlAttribute() {
      return ttl ? Optional.of(TTL_ATTRIBUTE) : Optional.empty();
    }

    private static KeySchemaElement key(String name, KeyType type) {
      return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
  }

  private TableSchema() {}
}
