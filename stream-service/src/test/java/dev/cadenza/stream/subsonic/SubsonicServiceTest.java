package dev.cadenza.stream.subsonic;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The set-up the OpenSubsonic tests share: a service of their own on a random port ({@link
 * TestListeners}' user, no rescans), a temporary folder for its library ({@code tmp}, made by each
 * test class's {@code @DynamicPropertySource}, see {@link SubsonicFixtures#demoLibrary}) and {@code
 * api}, a client of it.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "cadenza.library.rescan-interval=0"})
@Import(TestListeners.class)
@DirtiesContext
abstract class SubsonicServiceTest {

  @TempDir static Path tmp;

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  SubsonicClient api;

  @BeforeEach
  void ready() {
    api = new SubsonicClient(port, managementPort);
  }
}
