package dev.cadenza.stream.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The {@link ItemStore} of the single-process default: one H2 MVStore file, {@value #FILE_NAME},
 * under {@code cadenza.data.dir}, created on first use readable by its owner only.
 *
 * <p><b>Durability.</b> Every write is committed to the file before it completes, so a process
 * stopped in any way, {@code kill -9} included, loses nothing that was acknowledged: the data is in
 * the operating system's hands. A crash of the machine itself (power, kernel) can lose what the
 * kernel had not yet written to the disk; closing the store (a normal stop) syncs it.
 *
 * <p><b>Atomicity.</b> A conditional write reads, compares and writes under one lock, so two
 * requests racing on an item behave as two pods racing on the DynamoDB table: one wins, the other
 * sees the condition fail. Reads take no lock.
 *
 * <p><b>One process.</b> The file is locked while open: a second process on the same data directory
 * fails at start with a message that says so, instead of both writing one file.
 *
 * <p>Items are keyed {@code pk}, NUL, {@code sk}, so a partition key must not contain NUL; sort
 * keys are ordered by UTF-16 code unit, which matches DynamoDB's UTF-8 byte order for every
 * character outside the supplementary planes. Expired items are invisible to reads and removed when
 * the store opens.
 */
public final class EmbeddedItemStore implements StoreBackend {

  /** The file in {@code cadenza.data.dir}. */
  public static final String FILE_NAME = "users.mv.db";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedItemStore.class);

  private static final char SEPARATOR = '\u0000';

  /** First byte of every stored value: the layout below, so a later one can tell them apart. */
  private static final byte FORMAT = 1;

  private final Path file;
  private final MVStore store;
  private final MVMap<String, byte[]> items;
  private final Clock clock;

  private EmbeddedItemStore(Path file, MVStore store, Clock clock) {
    this.file = file;
    this.store = store;
    this.items = store.openMap("items");
    this.clock = clock;
  }

  /**
   * Opens (or creates) {@value #FILE_NAME} in {@code directory}, creating the directory too.
   *
   * @throws IllegalStateException when another process has the file open, or it cannot be read
   */
  public static EmbeddedItemStore open(Path directory) {
    return open(directory, Clock.systemUTC());
  }

  static EmbeddedItemStore open(Path directory, Clock clock) {
    Path file = directory.resolve(FILE_NAME).toAbsolutePath();
    createOwnerOnly(directory, file);
    // MVStore hands failures of its own open to the handler too: those are thrown below instead
    AtomicBoolean running = new AtomicBoolean();
    MVStore store;
    try {
      store =
          new MVStore.Builder()
              .fileName(file.toString())
              .backgroundExceptionHandler(
                  (thread, e) -> {
                    if (running.get()) {
                      log.error("Item store {}: background write failed", file, e);
                    }
                  })
              .open();
      running.set(true);
    } catch (MVStoreException e) {
      if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
        throw new IllegalStateException(
            "cadenza.data.dir: "
                + file
                + " is locked: another Cadenza process uses "
                + directory.toAbsolutePath()
                + ". Stop it, or give each process its own cadenza.data.dir (pods that share"
                + " users use DynamoDB: cadenza.dynamodb.table-prefix)");
      }
      throw new IllegalStateException(
          "cadenza.data.dir: cannot open " + file + ": " + e.getMessage(), e);
    }
    EmbeddedItemStore opened = new EmbeddedItemStore(file, store, clock);
    int removed = opened.removeExpired();
    log.info("Users and their music data in {} ({} expired items removed)", file, removed);
    return opened;
  }

  /** The directory (when new) and the file for its owner only, where the file system has modes. */
  private static void createOwnerOnly(Path directory, Path file) {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    try {
      if (posix) {
        Files.createDirectories(directory, permissions("rwx------"));
        Files.createFile(file, permissions("rw-------"));
      } else {
        Files.createDirectories(directory);
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      // an existing store: keep its file and modes as they are
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cadenza.data.dir: cannot create " + file + ": " + e.getMessage(), e);
    }
  }

  private static FileAttribute<?> permissions(String mode) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode));
  }

  @Override
  public Mono<Optional<Item>> get(String pk, String sk) {
    return blocking(() -> Optional.ofNullable(live(pk, sk, now())));
  }

  @Override
  public Flux<Item> query(String pk, String skPrefix, String exclusiveStartSk, int limit) {
    String prefix = skPrefix == null ? "" : skPrefix;
    return blocking(() -> page(pk, prefix, exclusiveStartSk, limit))
        .flatMapMany(Flux::fromIterable);
  }

  private List<Item> page(String pk, String prefix, String exclusiveStartSk, int limit) {
    List<Item> page = new ArrayList<>();
    if (limit <= 0) {
      return page;
    }
    String first = key(pk, prefix);
    String after = exclusiveStartSk == null ? null : key(pk, exclusiveStartSk);
    String from = after != null && after.compareTo(first) > 0 ? after : first;
    long now = now();
    Cursor<String, byte[]> cursor = items.cursor(from);
    while (cursor.hasNext() && page.size() < limit) {
      String key = cursor.next();
      if (!key.startsWith(first)) {
        break;
      }
      if (key.equals(after)) {
        continue;
      }
      Item item = decode(key, cursor.getValue());
      if (live(item, now)) {
        page.add(item);
      }
    }
    return page;
  }

  @Override
  public Mono<Optional<Item>> put(Item item, long expectedVersion) {
    return blocking(
        () -> {
          String key = key(item.pk(), item.sk());
          synchronized (this) {
            Item stored = live(item.pk(), item.sk(), now());
            long current = stored == null ? ABSENT : stored.version();
            if (expectedVersion != ANY && expectedVersion != current) {
              return Optional.empty();
            }
            Item next =
                new Item(
                    item.pk(),
                    item.sk(),
                    current + 1,
                    item.attributes(),
                    item.expiresAtEpochSecond());
            items.put(key, encode(next));
            store.commit();
            return Optional.of(next);
          }
        });
  }

  @Override
  public Mono<Boolean> delete(String pk, String sk, long expectedVersion) {
    return blocking(
        () -> {
          synchronized (this) {
            Item stored = live(pk, sk, now());
            if (stored == null || (expectedVersion != ANY && expectedVersion != stored.version())) {
              return false;
            }
            items.remove(key(pk, sk));
            store.commit();
            return true;
          }
        });
  }

  @Override
  public boolean shared() {
    return false;
  }

  @Override
  public Health health() {
    Health.Builder health =
        store.isClosed() ? Health.down() : Health.up().withDetail("items", items.sizeAsLong());
    health.withDetail("backend", "embedded").withDetail("file", file.toString());
    MVStoreException panic = store.getPanicException();
    if (panic != null) {
      health.down().withDetail("error", panic.getMessage());
    }
    return health.build();
  }

  /** Commits, syncs and unlocks the file; idempotent. */
  @Override
  public synchronized void close() {
    if (!store.isClosed()) {
      store.close();
      log.info("Item store {} closed", file);
    }
  }

  /** Removes the items that have expired; at open, when nobody else writes yet. */
  private synchronized int removeExpired() {
    long now = now();
    List<String> expired = new ArrayList<>();
    Cursor<String, byte[]> cursor = items.cursor(null);
    while (cursor.hasNext()) {
      String key = cursor.next();
      if (!live(decode(key, cursor.getValue()), now)) {
        expired.add(key);
      }
    }
    expired.forEach(items::remove);
    if (!expired.isEmpty()) {
      store.commit();
    }
    return expired.size();
  }

  /** The file is a disk: its calls run off the event loop. */
  private static <T> Mono<T> blocking(Callable<T> call) {
    return Mono.fromCallable(call)
        .onErrorMap(
            MVStoreException.class,
            e -> new Unavailable("the embedded item store failed: " + e.getMessage(), e))
        .subscribeOn(Schedulers.boundedElastic());
  }

  private Item live(String pk, String sk, long now) {
    String key = key(pk, sk);
    byte[] value = items.get(key);
    if (value == null) {
      return null;
    }
    Item item = decode(key, value);
    return live(item, now) ? item : null;
  }

  private static boolean live(Item item, long now) {
    return item.expiresAtEpochSecond() == 0 || item.expiresAtEpochSecond() > now;
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }

  private static String key(String pk, String sk) {
    if (pk.indexOf(SEPARATOR) >= 0) {
      throw new IllegalArgumentException("a partition key cannot contain NUL");
    }
    return pk + SEPARATOR + sk;
  }

  /** Version, expiry, then each attribute's name and value as length-prefixed UTF-8. */
  private static byte[] encode(Item item) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeLong(item.version());
      out.writeLong(item.expiresAtEpochSecond());
      out.writeInt(item.attributes().size());
      for (Map.Entry<String, String> a : item.attributes().entrySet()) {
        writeString(out, a.getKey());
        writeString(out, a.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  private Item decode(String key, byte[] value) {
    int separator = key.indexOf(SEPARATOR);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IOException("unknown format " + format);
      }
      long version = in.readLong();
      long expiresAt = in.readLong();
      int count = in.readInt();
      Map<String, String> attributes = new HashMap<>();
      for (int i = 0; i < count; i++) {
        attributes.put(readString(in), readString(in));
      }
      return new Item(
          key.substring(0, separator),
          key.substring(separator + 1),
          version,
          attributes,
          expiresAt);
    } catch (IOException e) {
      throw new Unavailable(
          "item " + key.replace(SEPARATOR, ' ') + " in " + file + " is unreadable", e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("truncated");
    }
    byte[] utf8 = in.readNBytes(length);
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
