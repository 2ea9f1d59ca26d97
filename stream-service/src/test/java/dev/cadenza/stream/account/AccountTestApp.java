package dev.cadenza.stream.account;

import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.testsupport.Dynalite;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/** The service with authentication on (the tests' default turns it off), and its admin. */
public final class AccountTestApp {

  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "admin-password-for-tests";

  private AccountTestApp() {}

  public static String secretKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** With the admin password and a secret key set; {@code extraArgs} as for {@link TestApp}. */
  public static TestApp start(Path library, Path dataDir, String... extraArgs) throws Exception {
    return TestApp.start(library, args(dataDir, extraArgs));
  }

  private static String[] args(Path dataDir, String... extraArgs) {
    List<String> args = new ArrayList<>();
    args.add("--cadenza.auth.enabled=true");
    args.add("--cadenza.auth.admin.password=" + ADMIN_PASSWORD);
    // a repeated argument would be joined into a list: a key given in extraArgs replaces this one
    if (Arrays.stream(extraArgs).noneMatch(a -> a.startsWith("--cadenza.auth.secret-key="))) {
      args.add("--cadenza.auth.secret-key=" + secretKey());
    }
    args.add("--cadenza.data.dir=" + dataDir);
    args.addAll(List.of(extraArgs));
    return args.toArray(String[]::new);
  }

  /**
   * As {@link #start}, as one of several pods sharing {@code dynalite}'s tables under {@code
   * prefix}; pods that share users give the same {@code secretKey}.
   */
  public static TestApp startSharing(
      Path library,
      Dynalite dynalite,
      String prefix,
      String secretKey,
      Path dataDir,
      String... extraArgs)
      throws Exception {
    List<String> extra = new ArrayList<>(List.of("--cadenza.auth.secret-key=" + secretKey));
    extra.addAll(List.of(extraArgs));
    return TestApp.startSharing(
        library, dynalite, prefix, args(dataDir, extra.toArray(String[]::new)));
  }

  /** As {@link #start}, on the demo library. */
  public static TestApp startDemoLibrary(Path dataDir, String... extraArgs) throws Exception {
    return TestApp.startDemo(args(dataDir, extraArgs));
  }

  public static String admin() {
    return AccountHttp.basic(ADMIN, ADMIN_PASSWORD);
  }
}
