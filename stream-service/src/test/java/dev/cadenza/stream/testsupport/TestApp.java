package dev.cadenza.stream.testsupport;

import dev.cadenza.stream.StreamServiceApplication;
import dev.cadenza.stream.library.Library;
import dev.cadenza.testsupport.Dynalite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole service on a free loopback port, and its actuator on another, serving {@code library}
 * without rescans, started once its first scan is done.
 *
 * @param app the running application; close it to stop the service
 * @param port its HTTP (API) port
 * @param managementPort its management port: probes, info, metrics
 */
public record TestApp(ConfigurableApplicationContext app, int port, int managementPort) {

  /** Starts the service; {@code extraArgs} are more {@code --name=value} arguments. */
  public static TestApp start(Path library, String... extraArgs) throws Exception {
    List<String> args = new ArrayList<>();
    args.add("--cadenza.library.path=" + library);
    args.addAll(List.of(extraArgs));
    return run(args);
  }

  /** Starts the service on the demo library (no library path set); {@code extraArgs} as above. */
  public static TestApp startDemo(String... extraArgs) throws Exception {
    return run(List.of(extraArgs));
  }

  private static TestApp run(List<String> extraArgs) throws Exception {
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    args.add("--server.address=127.0.0.1");
    args.add("--cadenza.library.rescan-interval=0");
    // many instances run at once: the SNTP responder takes any free port
    args.add("--cadenza.clock.sntp.port=0");
    args.addAll(extraArgs);
    ConfigurableApplicationContext app =
        new SpringApplicationBuilder(StreamServiceApplication.class)
            .run(args.toArray(String[]::new));
    app.getBean(Library.class).awaitFirstScan(60, TimeUnit.SECONDS);
    return new TestApp(
        app, ((WebServerApplicationContext) app).getWebServer().getPort(), managementPort(app));
  }

  /** The management port a running service took (its child context reports it to the parent). */
  public static int managementPort(ConfigurableApplicationContext app) {
    return app.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
  }

  /**
   * Starts one pod of several that share the DynamoDB tables {@code prefix}-* in {@code dynalite}
   * (the first to start creates them); {@code extraArgs} as for {@link #start}.
   */
  public static TestApp startSharing(
      Path library, Dynalite dynalite, String prefix, String... extraArgs) throws Exception {
    List<String> args = new ArrayList<>();
    args.add("--cadenza.dynamodb.table-prefix=" + prefix);
    args.add("--cadenza.dynamodb.endpoint=" + dynalite.endpoint());
    args.add("--cadenza.dynamodb.create-tables=true");
    args.addAll(List.of(extraArgs));
    return start(library, args.toArray(String[]::new));
  }
}
