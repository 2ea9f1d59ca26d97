package dev.cadenza.client.cli;

import dev.cadenza.client.CadenzaClient;
import dev.cadenza.client.CadenzaException;
import dev.cadenza.client.ClockEstimate;
import dev.cadenza.client.ClockSync;
import dev.cadenza.client.Credentials;
import dev.cadenza.client.DownloadProgress;
import dev.cadenza.client.DownloadResult;
import dev.cadenza.client.LocalClock;
import dev.cadenza.client.PlaybackPlan;
import dev.cadenza.client.SessionEventStream;
import dev.cadenza.client.SessionListener;
import dev.cadenza.client.StreamFormat;
import dev.cadenza.client.Track;
import dev.cadenza.client.TrackPage;
import dev.cadenza.protocol.Member;
import dev.cadenza.protocol.PauseCommand;
import dev.cadenza.protocol.PlayCommand;
import dev.cadenza.protocol.SeekCommand;
import dev.cadenza.protocol.SessionEvent;
import dev.cadenza.protocol.SessionView;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The command-line player tool: clock offset, sessions, following a session as a player would, and
 * resumable downloads. {@code main} exits 0 on success, 1 when the service refused or could not be
 * reached, 2 on bad arguments.
 */
public final class CadenzaCli {

  static final String USAGE =
      """
      usage: cadenza [--api-key <key> | --user <name> --password <password>] <command> <url> [arguments]

        time     <url> [exchanges]             offset and round trip to the media clock
        tracks   <url> [query]                 track ids, durations and titles
        create   <url> [name]                  create a session, print its id
        show     <url> <session>               a session's members and playback
        join     <url> <session> <name>        join and follow: for each play, pause and seek print
                                               the local instant and position this player starts at
        play     <url> <session> <track> [position-s]
        pause    <url> <session>
        seek     <url> <session> <position-s>
        end      <url> <session>               end the session
        download <url> <track> <file> [rate] [--format <f>] [--bitrate <kbit/s>]
                                               resumable download of a track, its SHA-256;
                                               rate: read at most that many bytes a second
                                               (e.g. 256k, 2M), as a player at playback speed;
                                               --format opus|mp3|aac|m4a|raw, --bitrate 1-10000:
                                               transcoded by the service (docs/transcoding.md)

      <url> is the service, e.g. http://localhost:8080
      credentials (docs/auth.md): --api-key, else env CADENZA_API_KEY; or --user and --password,
      else env CADENZA_USER and CADENZA_PASSWORD. None: only for a service with authentication off""";

  private final PrintStream out;
  private final PrintStream err;
  private final LocalClock clock;
  private final Map<String, String> env;
  private Credentials credentials = Credentials.NONE;
  private StreamFormat streamFormat = StreamFormat.ORIGINAL;

  /** {@code env}: the environment variables the credentials may come from. */
  CadenzaCli(PrintStream out, PrintStream err, LocalClock clock, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.clock = clock;
    this.env = env;
  }

  CadenzaCli(PrintStream out, PrintStream err, LocalClock clock) {
    this(out, err, clock, Map.of());
  }

  public static void main(String[] args) {
    System.exit(
        new CadenzaCli(System.out, System.err, LocalClock.system(), System.getenv()).run(args));
  }

  /** Bad arguments: the message and the usage go to stderr, exit code 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** Runs one command; answers the exit code. */
  int run(String... given) {
    try {
      String[] args = streamFormat(credentials(List.of(given))).toArray(String[]::new);
      if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
        (args.length == 0 ? err : out).println(USAGE);
        return args.length == 0 ? 2 : 0;
      }
      String command = args[0];
      List<String> rest = Arrays.asList(args).subList(1, args.length);
      if (!streamFormat.isOriginal() && !command.equals("download")) {
        throw new UsageException("--format and --bitrate are options of download");
      }
      switch (command) {
        case "time" -> time(arguments(rest, 1, 2));
        case "tracks" -> tracks(arguments(rest, 1, 2));
        case "create" -> create(arguments(rest, 1, 2));
        case "show" -> show(arguments(rest, 2, 2));
        case "join" -> join(arguments(rest, 3, 3));
        case "play" -> play(arguments(rest, 3, 4));
        case "pause" -> pause(arguments(rest, 2, 2));
        case "seek" -> seek(arguments(rest, 3, 3));
        case "end" -> end(arguments(rest, 2, 2));
        case "download" -> download(arguments(rest, 3, 4));
        default -> throw new UsageException("unknown command '" + command + "'");
      }
      return 0;
    } catch (UsageException | IllegalArgumentException e) {
      err.println("cadenza: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (CadenzaException e) {
      err.println("cadenza: " + e.getMessage());
      return 1;
    }
  }

  /**
   * Takes the credential options out of {@code args} (anywhere on the line, {@code --opt value} or
   * {@code --opt=value}), falling back to the environment; answers the other arguments.
   */
  private List<String> credentials(List<String> args) {
    Map<String, String> options = new HashMap<>();
    List<String> rest = takeOptions(args, CREDENTIAL_OPTIONS, options);
    String key = options.getOrDefault("--api-key", env.get("CADENZA_API_KEY"));
    String user = options.getOrDefault("--user", env.get("CADENZA_USER"));
    String password = options.getOrDefault("--password", env.get("CADENZA_PASSWORD"));
    if (options.containsKey("--api-key") && options.containsKey("--user")) {
      throw new UsageException("give --api-key or --user and --password, not both");
    }
    if (key != null && !key.isBlank() && !options.containsKey("--user")) {
      credentials = Credentials.apiKey(key);
    } else if (user != null && !user.isBlank()) {
      if (password == null) {
        throw new UsageException("--user needs --password (or CADENZA_PASSWORD)");
      }
      credentials = Credentials.password(user, password);
    } else if (options.containsKey("--password")) {
      throw new UsageException("--password needs --user (or CADENZA_USER)");
    }
    return rest;
  }

  private static final List<String> CREDENTIAL_OPTIONS =
      List.of("--api-key", "--user", "--password");

  /** Takes {@code --format} and {@code --bitrate} out of {@code args}; answers the others. */
  private List<String> streamFormat(List<String> args) {
    Map<String, String> options = new HashMap<>();
    List<String> rest = takeOptions(args, List.of("--format", "--bitrate"), options);
    String bitRate = options.get("--bitrate");
    streamFormat =
        StreamFormat.of(
            options.get("--format"),
            bitRate == null ? 0 : boundedInt(bitRate, "--bitrate", StreamFormat.MAX_BIT_RATE_KBPS));
    return rest;
  }

  /**
   * Moves the options {@code names} of {@code args} (anywhere on the line, {@code --opt value} or
   * {@code --opt=value}) into {@code options}; answers the other arguments.
   */
  private static List<String> takeOptions(
      List<String> args, List<String> names, Map<String, String> options) {
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (!names.contains(name)) {
        rest.add(arg);
      } else if (arg.contains("=")) {
        options.put(name, arg.substring(arg.indexOf('=') + 1));
      } else if (i + 1 < args.size()) {
        options.put(name, args.get(++i));
      } else {
        throw new UsageException(name + " needs a value");
      }
    }
    return rest;
  }

  private static List<String> arguments(List<String> args, int min, int max) {
    if (args.size() < min || args.size() > max) {
      throw new UsageException(
          "expected "
              + (min == max ? String.valueOf(min) : min + " to " + max)
              + " arguments, got "
              + args.size());
    }
    return args;
  }

  private CadenzaClient client(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new UsageException("not a URL: " + url);
    }
    try {
      return CadenzaClient.builder(uri).credentials(credentials).streamFormat(streamFormat).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  // ---- commands

  private void time(List<String> args) {
    CadenzaClient client = client(args.get(0));
    int exchanges =
        args.size() > 1 ? positiveInt(args.get(1), "exchanges") : ClockSync.DEFAULT_EXCHANGES;
    try (ClockSync sync =
        ClockSync.builder(client.baseUri()).clock(clock).exchanges(exchanges).build()) {
      ClockEstimate e = sync.sync();
      out.printf(
          Locale.ROOT,
          "offset %s  delay %s  error ±%s  %s stratum %d  (best of %d exchanges)%n",
          millis(e.offsetMicros()),
          millis(e.delayMicros()),
          millis(e.errorBoundMicros()),
          e.synchronised() ? "synchronised" : "unsynchronised",
          e.stratum(),
          e.samples());
    }
  }

  private void tracks(List<String> args) {
    CadenzaClient client = client(args.get(0));
    String query = args.size() > 1 ? args.get(1) : null;
    String cursor = null;
    do {
      TrackPage page = client.tracks(query, 500, cursor);
      for (Track t : page.items()) {
        out.printf(
            Locale.ROOT,
            "%s  %8s  %s – %s%n",
            t.id(),
            t.durationMs() == null ? "?" : seconds(t.durationMs() * 1000),
            t.artist() == null ? "?" : t.artist(),
            t.title());
      }
      cursor = page.next();
    } while (cursor != null);
  }

  private void create(List<String> args) {
    SessionView session = client(args.get(0)).createSession(args.size() > 1 ? args.get(1) : null);
    out.println(session.id());
  }

  private void show(List<String> args) {
    SessionView s = client(args.get(0)).session(args.get(1));
    out.printf(
        Locale.ROOT,
        "session %s%s  version %d%n",
        s.id(),
        s.name() == null ? "" : " (" + s.name() + ")",
        s.version());
    for (Member m : s.members()) {
      out.printf(Locale.ROOT, "  member %s  %s%n", m.id(), m.name());
    }
    out.printf(
        Locale.ROOT,
        "  %s %s at %s, media instant %d µs%n",
        s.playback().state(),
        s.playback().trackId() == null ? "-" : s.playback().trackId(),
        seconds(s.playback().positionMicros()),
        s.playback().atMicros());
  }

  private void join(List<String> args) {
    CadenzaClient client = client(args.get(0));
    String sessionId = args.get(1);
    ClockSync sync = client.clockSync(clock);
    ClockEstimate first = sync.sync();
    out.printf(
        Locale.ROOT,
        "clock offset %s, delay %s, error ±%s%n",
        millis(first.offsetMicros()),
        millis(first.delayMicros()),
        millis(first.errorBoundMicros()));
    sync.syncEvery(
        Duration.ofSeconds(30), e -> err.println("cadenza: re-sync failed: " + e.getMessage()));
    Member me = client.join(sessionId, args.get(2));
    out.printf(Locale.ROOT, "joined %s as %s (%s)%n", sessionId, me.name(), me.id());
    SessionEventStream events = client.followEvents(sessionId, new Printer(sync));
    Thread leave =
        new Thread(
            () -> {
              events.close();
              sync.close();
              try {
                client.leave(sessionId, me.id());
              } catch (CadenzaException e) {
                // the session may be over already
              }
            });
    Runtime.getRuntime().addShutdownHook(leave);
    try {
      while (!events.await(Duration.ofHours(1))) {
        // follows until the session ends or Ctrl-C
      }
      // the session ended: nothing to leave (unless Ctrl-C ended the stream: then the hook runs)
      try {
        Runtime.getRuntime().removeShutdownHook(leave);
      } catch (IllegalStateException shuttingDown) {
        // the hook is leaving the session right now
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sync.close();
  }

  /** Prints what a player would do for each event of the session it follows. */
  private final class Printer implements SessionListener {
    private final ClockSync sync;

    Printer(ClockSync sync) {
      this.sync = sync;
    }

    @Override
    public void onEvent(SessionEvent event) {
      long now = clock.nowMicros();
      SessionView s = event.session();
      if (!List.of("snapshot", "play", "pause", "seek").contains(event.type())) {
        out.printf(
            Locale.ROOT,
            "%-8s version %d, %d members%n",
            event.type(),
            s.version(),
            s.members().size());
        return;
      }
      ClockEstimate estimate = sync.requireEstimate();
      PlaybackPlan plan = PlaybackPlan.of(s.playback(), estimate, now);
      out.printf(
          Locale.ROOT,
          "%-8s %s %s  local start %s (%d µs ±%d µs, %s)  position %s%s%n",
          event.type(),
          plan.state(),
          plan.trackId() == null ? "-" : plan.trackId(),
          Instant.EPOCH.plusNanos(plan.localMicros() * 1000),
          plan.localMicros(),
          estimate.errorBoundAt(now),
          plan.late() ? "late: now" : "in " + seconds(plan.localMicros() - now),
          seconds(plan.positionMicros()),
          plan.finished() ? " (track over)" : "");
    }

    @Override
    public void onDisconnected(Throwable cause, Duration wait) {
      err.println(
          "cadenza: event stream dropped ("
              + cause.getMessage()
              + "), reconnecting in "
              + wait.toMillis()
              + " ms");
    }

    @Override
    public void onClosed(CadenzaException failure) {
      if (failure != null) {
        err.println("cadenza: " + failure.getMessage());
      }
    }
  }

  private void play(List<String> args) {
    Long position = args.size() > 3 ? micros(args.get(3)) : null;
    report(client(args.get(0)).play(args.get(1), new PlayCommand(args.get(2), position, null)));
  }

  private void pause(List<String> args) {
    report(client(args.get(0)).pause(args.get(1), new PauseCommand(null)));
  }

  private void seek(List<String> args) {
    long position = micros(args.get(2));
    report(client(args.get(0)).seek(args.get(1), new SeekCommand(position, null)));
  }

  private void report(SessionView s) {
    out.printf(
        Locale.ROOT,
        "%s %s at %s from media instant %d µs (version %d)%n",
        s.playback().state(),
        s.playback().trackId() == null ? "-" : s.playback().trackId(),
        seconds(s.playback().positionMicros()),
        s.playback().atMicros(),
        s.version());
  }

  private void end(List<String> args) {
    client(args.get(0)).deleteSession(args.get(1));
    out.println("ended " + args.get(1));
  }

  private void download(List<String> args) {
    CadenzaClient client = client(args.get(0));
    Path file = Path.of(args.get(2));
    Pace pace = args.size() > 3 ? new Pace(bytesPerSecond(args.get(3))) : null;
    DownloadResult result =
        client
            .downloader()
            .download(
                args.get(1),
                file,
                new DownloadProgress() {
                  @Override
                  public void onProgress(long received, long total) {
                    if (pace != null) {
                      pace.await(received);
                    }
                  }

                  @Override
                  public void onRetry(long from, Throwable cause, Duration wait) {
                    err.println(
                        "cadenza: connection lost ("
                            + cause.getMessage()
                            + "), resuming at byte "
                            + from);
                  }

                  @Override
                  public void onRestart(String oldEtag, String newEtag) {
                    err.println(
                        "cadenza: the track changed ("
                            + oldEtag
                            + " → "
                            + newEtag
                            + "), starting over");
                  }

                  @Override
                  public void onStartOver(long discarded, Throwable cause, Duration wait) {
                    err.println(
                        "cadenza: connection lost ("
                            + cause.getMessage()
                            + ") on a variant being made, which has no byte ranges: starting over"
                            + " from byte 0 ("
                            + discarded
                            + " bytes discarded)");
                  }
                });
    out.printf(
        Locale.ROOT,
        "%s: %d bytes, sha256 %s, ETag %s, %d request(s), %d resume(s), %d restart(s)%s%n",
        file,
        result.bytes(),
        sha256(file),
        result.etag(),
        result.requests(),
        result.resumes(),
        result.restarts(),
        result.transcoding().isEmpty() ? "" : ", transcoded: " + result.transcoding());
  }

  /**
   * Holds a download to a rate, as a player reading at its playback speed does: the downloader
   * reads on the thread that reports progress, so waiting there slows the reads, and TCP the
   * sender.
   */
  static final class Pace {
    private final long bytesPerSecond;
    private final long startNanos = System.nanoTime();

    Pace(long bytesPerSecond) {
      this.bytesPerSecond = bytesPerSecond;
    }

    void await(long received) {
      long due = startNanos + (long) (received * 1e9 / bytesPerSecond);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new CadenzaException("cannot read " + file, e.toString(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  // ---- argument and number formats

  /** Seconds as typed ("12", "1.5") to microseconds. */
  static long micros(String seconds) {
    try {
      BigDecimal value = new BigDecimal(seconds);
      if (value.signum() < 0) {
        throw new UsageException("a position cannot be negative: " + seconds);
      }
      return value.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UsageException("not a number of seconds: " + seconds);
    }
  }

  /** A rate as typed ("65536", "256k", "2M": binary multiples) to bytes a second. */
  static long bytesPerSecond(String rate) {
    String digits = rate;
    long unit = 1;
    if (rate.endsWith("k") || rate.endsWith("K")) {
      unit = 1024;
    } else if (rate.endsWith("m") || rate.endsWith("M")) {
      unit = 1024 * 1024;
    }
    if (unit > 1) {
      digits = rate.substring(0, rate.length() - 1);
    }
    try {
      long value = Long.parseLong(digits);
      if (value < 1) {
        throw new UsageException("a rate must be at least 1 byte a second, got " + rate);
      }
      return Math.multiplyExact(value, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UsageException("not a rate in bytes a second (e.g. 256k, 2M): " + rate);
    }
  }

  private static int positiveInt(String text, String what) {
    return boundedInt(text, what, Integer.MAX_VALUE);
  }

  private static int boundedInt(String text, String what, int max) {
    try {
      int value = Integer.parseInt(text);
      if (value < 1 || value > max) {
        throw new UsageException(
            what
                + " must be at least 1"
                + (max == Integer.MAX_VALUE ? "" : " and at most " + max)
                + ", got "
                + text);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException(what + " must be a whole number, got " + text);
    }
  }

  private static String millis(long micros) {
    return String.format(Locale.ROOT, "%.3f ms", micros / 1000.0);
  }

  private static String seconds(long micros) {
    return String.format(Locale.ROOT, "%.3f s", micros / 1_000_000.0);
  }
}
