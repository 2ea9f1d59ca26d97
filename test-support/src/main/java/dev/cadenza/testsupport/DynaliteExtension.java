package dev.cadenza.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link Dynalite} per test class, given to any {@code @BeforeAll}, {@code @BeforeEach} or test
 * method that declares a {@code Dynalite} parameter, and closed (process stopped, data removed)
 * when the class is done:
 *
 * <pre>{@code
 * @ExtendWith(DynaliteExtension.class)
 * class SharedThingTest {
 *   static Dynalite dynalite;
 *
 *   @BeforeAll
 *   static void tables(Dynalite server) { dynalite = server; ... }
 * }
 * }</pre>
 *
 * <p>The server is started on first use, so a class whose tests never ask for it starts nothing. It
 * also makes the AWS SDK's default credential chain find keys ({@link
 * Dynalite#useAsDefaultCredentials()}), as code under test that builds its own client needs. A test
 * that needs a second, separate server starts one itself with {@link Dynalite#start()}.
 */
public final class DynaliteExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(DynaliteExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Dynalite.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext.Store store = outermostClass(context).getStore(NAMESPACE);
    Dynalite server = store.get(Dynalite.class, Dynalite.class);
    if (server == null) {
      Dynalite.useAsDefaultCredentials();
      server = Dynalite.start();
      // an AutoCloseable in the store is closed with its context, after the class's last test
      store.put(Dynalite.class, server);
    }
    return server;
  }

  /** The context of the top-level test class, so nested classes share their outer class's. */
  private static ExtensionContext outermostClass(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getParent().flatMap(ExtensionContext::getParent).isPresent()) {
      c = c.getParent().orElseThrow();
    }
    return c;
  }
}
