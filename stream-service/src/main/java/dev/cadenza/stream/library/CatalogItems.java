package dev.cadenza.stream.library;

import dev.cadenza.dynamodb.TableSchema;
import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.ReplayGain;
import dev.cadenza.protocol.catalog.TrackTags;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The items of the shared catalogue in the {@code <prefix>-catalog} table, and their conversion to
 * and from {@link Track}s. docs/shared-catalogue.md describes the layout; {@link TableSchema} fixes
 * only the keys ({@code pk}, {@code sk}, both strings).
 *
 * <ul>
 *   <li>one item per track: {@code pk = "tracks#<shard>"} ({@value #SHARDS} shards, from the track
 *       id), {@code sk = <track id>}, the relative path, format, file version and every tag;
 *   <li>the head: {@code pk = "catalog", sk = "head"}: the generation, track count, writer, time
 *       and the report of the scan that wrote it;
 *   <li>the scan lease: {@code pk = "lease", sk = "scan"}: holder, expiry (epoch ms), and when a
 *       pod last asked the holder for a scan.
 * </ul>
 */
final class CatalogItems {

  /** Partitions the track items are spread over; readers query them in parallel. */
  static final int SHARDS = 16;

  /** Version of this layout, kept in the head so that a later layout can tell it apart. */
  static final int LAYOUT = 1;

  static final String PK = TableSchema.PARTITION_KEY;
  static final String SK = TableSchema.SORT_KEY;

  static final String HEAD_PK = "catalog";
  static final String HEAD_SK = "head";
  static final String LEASE_PK = "lease";
  static final String LEASE_SK = "scan";

  // track items
  static final String PATH = "path";
  static final String FORMAT = "format";
  static final String SIZE = "size";
  static final String MTIME_NS = "mtimeNs";
  static final String CTIME_NS = "ctimeNs";
  static final String INODE = "inode";
  static final String WRITTEN_IN = "generation";
  static final String TAGS_READ_ATTRIBUTE = "tagsRead";

  /**
   * What a track item's tags hold: 2 since ReplayGain is read (an item without the attribute is of
   * reading 1). An item of an older reading lacks what the file may have, so it gets a version that
   * matches no file, as an item without change time and inode does: the holder's next scan reads
   * the file again and rewrites the item.
   */
  static final int TAGS_READ = 2;

  // head
  static final String GENERATION = "generation";
  static final String TRACKS = "tracks";
  static final String UPDATED_AT_MS = "updatedAtMs";
  static final String HOLDER = "holder";
  static final String LAYOUT_ATTRIBUTE = "layout";
  static final String SHARDS_ATTRIBUTE = "shards";
  static final String SCAN = "scan";

  // lease
  static final String EXPIRES_AT_MS = "expiresAtMs";
  static final String ACQUIRED_AT_MS = "acquiredAtMs";
  static final String SCAN_REQUESTED_AT_MS = "scanRequestedAtMs";

  private static final String BASE64URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private CatalogItems() {}

  /** The shard of a track: the low 4 bits of its id's first base64url digit. */
  static int shard(String trackId) {
    int digit = BASE64URL.indexOf(trackId.charAt(0));
    return Math.max(digit, 0) % SHARDS;
  }

  static String shardKey(int shard) {
    return "tracks#" + shard;
  }

  static Map<String, AttributeValue> key(String pk, String sk) {
    return Map.of(PK, s(pk), SK, s(sk));
  }

  static Map<String, AttributeValue> trackKey(String trackId) {
    return key(shardKey(shard(trackId)), trackId);
  }

  static Map<String, AttributeValue> headKey() {
    return key(HEAD_PK, HEAD_SK);
  }

  static Map<String, AttributeValue> leaseKey() {
    return key(LEASE_PK, LEASE_SK);
  }

  // --- tracks ------------------------------------------------------------------------------

  static Map<String, AttributeValue> trackItem(Track t, long generation) {
    Map<String, AttributeValue> item = new HashMap<>(trackKey(t.id()));
    item.put(PATH, s(t.path()));
    item.put(FORMAT, s(t.format().name()));
    item.put(SIZE, n(t.version().size()));
    item.put(MTIME_NS, n(epochNanos(t.version().lastModified())));
    item.put(CTIME_NS, n(epochNanos(t.version().changed())));
    item.put(INODE, n(t.version().inode()));
    item.put(WRITTEN_IN, n(generation));
    item.put(TAGS_READ_ATTRIBUTE, n(TAGS_READ));
    TrackTags tags = t.tags();
    putS(item, "title", tags.title());
    putS(item, "artist", tags.artist());
    putS(item, "album", tags.album());
    putS(item, "albumArtist", tags.albumArtist());
    putN(item, "trackNumber", tags.trackNumber());
    putN(item, "discNumber", tags.discNumber());
    putN(item, "year", tags.year());
    putS(item, "genre", tags.genre());
    putN(item, "durationMs", tags.durationMs());
    ReplayGain gain = tags.replayGain();
    putDecimal(item, "trackGain", gain.trackGain());
    putDecimal(item, "trackPeak", gain.trackPeak());
    putDecimal(item, "albumGain", gain.albumGain());
    putDecimal(item, "albumPeak", gain.albumPeak());
    putDecimal(item, "baseGain", gain.baseGain());
    AudioProperties audio = t.audio();
    putN(item, "bitrate", audio.bitrate());
    putN(item, "sampleRate", audio.sampleRate());
    putN(item, "channels", audio.channels());
    putS(item, "codec", audio.codec());
    item.put("hasCover", AttributeValue.fromBool(t.hasCover()));
    return item;
  }

  /**
   * The track an item describes, its file under this pod's library root. Fails on an item that is
   * not a well-formed track of this layout (its id must be the hash of its path, and the path must
   * stay inside the library).
   */
  static Track track(Map<String, AttributeValue> item, Path root) {
    String id = str(item, SK);
    String path = str(item, PATH);
    if (id == null || path == null || !id.equals(Ids.track(path))) {
      throw new IllegalArgumentException("not a track item: " + item.get(PK) + "/" + id);
    }
    Path file = root.resolve(path).normalize();
    if (!file.startsWith(root)) {
      throw new IllegalArgumentException("track item " + id + " points out of the library");
    }
    TrackTags tags =
        TrackTags.builder()
            .title(str(item, "title"))
            .artist(str(item, "artist"))
            .album(str(item, "album"))
            .albumArtist(str(item, "albumArtist"))
            .trackNumber(integer(item, "trackNumber"))
            .discNumber(integer(item, "discNumber"))
            .year(integer(item, "year"))
            .genre(str(item, "genre"))
            .durationMs(longValue(item, "durationMs"))
            // absent from items written before ReplayGain was read: NONE
            .replayGain(
                new ReplayGain(
                    decimal(item, "trackGain"),
                    decimal(item, "trackPeak"),
                    decimal(item, "albumGain"),
                    decimal(item, "albumPeak"),
                    decimal(item, "baseGain")))
            .build();
    AudioProperties audio =
        new AudioProperties(
            integer(item, "bitrate"),
            integer(item, "sampleRate"),
            integer(item, "channels"),
            str(item, "codec"));
    boolean hasCover =
        Boolean.TRUE.equals(item.getOrDefault("hasCover", AttributeValue.fromBool(false)).bool());
    // Items written before the change time and inode were stored lack them, and items of an older
    // tag reading lack tags: such a version matches no file, so the lease holder's next scan
    // rewrites the item and a follower re-reads the file before serving it.
    Long ctime = longValue(item, CTIME_NS);
    Long tagsRead = longValue(item, TAGS_READ_ATTRIBUTE);
    Long inode = tagsRead != null && tagsRead >= TAGS_READ ? longValue(item, INODE) : null;
    FileVersion version =
        new FileVersion(
            longValue(item, SIZE),
            fromEpochNanos(longValue(item, MTIME_NS)),
            fromEpochNanos(ctime == null ? 0 : ctime),
            inode == null ? -1 : inode);
    return new Track(
        id,
        path,
        file,
        AudioFormat.valueOf(str(item, FORMAT)),
        version,
        new FileTags(tags, audio, hasCover));
  }

  /** Whether two tracks would be stored as the same item (the absolute file is not stored). */
  static boolean sameItem(Track a, Track b) {
    return a.id().equals(b.id())
        && a.path().equals(b.path())
        && a.format() == b.format()
        && a.version().equals(b.version())
        && a.fileTags().equals(b.fileTags());
  }

  // --- head --------------------------------------------------------------------------------

  /** The head item: which generation of the catalogue the track items hold. */
  record Head(long generation, int tracks, Instant updatedAt, String holder, ScanReport lastScan) {}

  static Map<String, AttributeValue> headItem(Head head) {
    Map<String, AttributeValue> item = new HashMap<>(headKey());
    item.put(GENERATION, n(head.generation()));
    item.put(TRACKS, n(head.tracks()));
    item.put(UPDATED_AT_MS, n(head.updatedAt().toEpochMilli()));
    item.put(HOLDER, s(head.holder()));
    item.put(LAYOUT_ATTRIBUTE, n(LAYOUT));
    item.put(SHARDS_ATTRIBUTE, n(SHARDS));
    if (head.lastScan() != null) {
      item.put(SCAN, AttributeValue.fromM(scanItem(head.lastScan())));
    }
    return item;
  }

  static Head head(Map<String, AttributeValue> item) {
    Long layout = longValue(item, LAYOUT_ATTRIBUTE);
    Long shards = longValue(item, SHARDS_ATTRIBUTE);
    if (layout == null || layout != LAYOUT || shards == null || shards != SHARDS) {
      throw new IllegalStateException(
          "the catalog table holds layout "
              + layout
              + " with "
              + shards
              + " shards; this version reads layout "
              + LAYOUT
              + " with "
              + SHARDS);
    }
    AttributeValue scan = item.get(SCAN);
    return new Head(
        longValue(item, GENERATION),
        longValue(item, TRACKS).intValue(),
        Instant.ofEpochMilli(longValue(item, UPDATED_AT_MS)),
        str(item, HOLDER),
        scan != null && scan.hasM() ? scanReport(scan.m()) : null);
  }

  private static Map<String, AttributeValue> scanItem(ScanReport r) {
    Map<String, AttributeValue> m = new HashMap<>();
    m.put("startedAtNs", n(epochNanos(r.startedAt())));
    m.put("durationNs", n(r.duration().toNanos()));
    m.put("files", n(r.files()));
    m.put("added", n(r.added()));
    m.put("changed", n(r.changed()));
    m.put("removed", n(r.removed()));
    m.put("skippedCount", n(r.skippedCount()));
    m.put("ignored", n(r.ignored()));
    List<AttributeValue> skipped = new ArrayList<>();
    for (ScanReport.SkippedFile f : r.skipped()) {
      skipped.add(AttributeValue.fromM(Map.of("path", s(f.path()), "reason", s(f.reason()))));
    }
    m.put("skipped", AttributeValue.fromL(skipped));
    return m;
  }

  private static ScanReport scanReport(Map<String, AttributeValue> m) {
    List<ScanReport.SkippedFile> skipped = new ArrayList<>();
    AttributeValue list = m.get("skipped");
    if (list != null && list.hasL()) {
      for (AttributeValue f : list.l()) {
        skipped.add(new ScanReport.SkippedFile(str(f.m(), "path"), str(f.m(), "reason")));
      }
    }
    return new ScanReport(
        fromEpochNanos(longValue(m, "startedAtNs")),
        Duration.ofNanos(longValue(m, "durationNs")),
        longValue(m, "files").intValue(),
        longValue(m, "added").intValue(),
        longValue(m, "changed").intValue(),
        longValue(m, "removed").intValue(),
        List.copyOf(skipped),
        longValue(m, "skippedCount").intValue(),
        longValue(m, "ignored").intValue());
  }

  // --- lease -------------------------------------------------------------------------------

  /**
   * The scan lease as stored.
   *
   * @param expiresAtMs epoch ms after which any pod may take the lease
   * @param scanRequestedAtMs epoch ms of the last request for a scan (0 for none)
   */
  record Lease(String holder, long expiresAtMs, long scanRequestedAtMs) {

    boolean liveAt(long nowMs) {
      return expiresAtMs >= nowMs;
    }
  }

  static Lease lease(Map<String, AttributeValue> item) {
    Long requested = longValue(item, SCAN_REQUESTED_AT_MS);
    return new Lease(
        str(item, HOLDER), longValue(item, EXPIRES_AT_MS), requested == null ? 0 : requested);
  }

  // --- values ------------------------------------------------------------------------------

  static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private static void putS(Map<String, AttributeValue> item, String name, String value) {
    if (value != null) {
      item.put(name, s(value));
    }
  }

  private static void putN(Map<String, AttributeValue> item, String name, Number value) {
    if (value != null) {
      item.put(name, n(value.longValue()));
    }
  }

  // The shortest decimal that reads back as the same double ("-6.48", never "1.0E-5").
  private static void putDecimal(Map<String, AttributeValue> item, String name, Double value) {
    if (value != null) {
      item.put(name, AttributeValue.fromN(BigDecimal.valueOf(value).toPlainString()));
    }
  }

  private static Double decimal(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? null : Double.valueOf(v.n());
  }

  static String str(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  static Long longValue(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? null : Long.valueOf(v.n());
  }

  private static Integer integer(Map<String, AttributeValue> item, String name) {
    Long v = longValue(item, name);
    return v == null ? null : Math.toIntExact(v);
  }

  private static long epochNanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  private static Instant fromEpochNanos(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
