package dev.cadenza.stream.account;

import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@link UserDeletionContract} on the DynamoDB users table (dynalite), as pods share it. */
@ExtendWith(DynaliteExtension.class)
class UserDeletionDynamoDbTest extends UserDeletionContract {

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;

  @BeforeAll
  static void start(Dynalite dynalite) throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    String prefix = "deletion" + ThreadLocalRandom.current().nextInt(1_000_000);
    app = AccountTestApp.startSharing(library, dynalite, prefix, AccountTestApp.secretKey(), data);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  @Override
  TestApp app() {
    return app;
  }
}
