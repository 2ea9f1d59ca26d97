package dev.cadenza.stream.account;

import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link UserDeletionContract} on the embedded store (the single-process default). */
class UserDeletionTest extends UserDeletionContract {

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    app = AccountTestApp.start(library, data);
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
