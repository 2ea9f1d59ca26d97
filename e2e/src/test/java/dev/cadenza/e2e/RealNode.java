package dev.cadenza.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The real one-node Kubernetes for end-to-end tests: started on first use and shared by every test
 * class of the run (the root context's store holds it), stopped when the run ends, also after a
 * failure ({@code hack/node.sh stop}; a JVM shutdown hook as well). Tests get it as a {@link Node}
 * parameter. A failed test leaves diagnostics (pods, events, the operator's log).
 *
 * <p>Where no node can run (not root, not Linux x86-64), the tests are skipped with the reason; the
 * build's {@code e2e/prepare.sh} skips itself likewise.
 *
 * <pre>{@code
 * @ExtendWith(RealNode.class)
 * class SomethingIT {
 *   @BeforeAll static void up(Node node) { node.kubectl("get", "nodes"); }
 * }
 * }</pre>
 */
public final class RealNode implements BeforeAllCallback, ParameterResolver, TestWatcher {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RealNode.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    String os = System.getProperty("os.name");
    String arch = System.getProperty("os.arch");
    assumeTrue(
        os.equals("Linux") && arch.equals("amd64"),
        "the end-to-end tests need Linux x86-64, this is " + os + " " + arch);
    assumeTrue(
        new UnixSystem().getUid() == 0,
        "the end-to-end tests run a Kubernetes node (containerd, kubelet, iptables) and need root");
    node(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Node.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return node(context);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Node node = context.getRoot().getStore(NAMESPACE).get(Node.class, Node.class);
    if (node != null) {
      node.diagnose(
          context.getRequiredTestClass().getSimpleName() + "-" + context.getDisplayName());
    }
  }

  /**
   * The node, started by the first caller; an AutoCloseable in the root store ends with the run.
   */
  private static Node node(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(
            Node.class,
            k ->
                Node.start(
                    Path.of(System.getProperty("cadenza.repo", "..")).toAbsolutePath().normalize(),
                    Path.of(System.getProperty("cadenza.e2e.dir", "target/e2e")).toAbsolutePath()),
            Node.class);
  }
}
