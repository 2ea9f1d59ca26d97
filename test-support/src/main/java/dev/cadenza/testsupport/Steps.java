package dev.cadenza.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * For a class whose ordered tests are the steps of one scenario on shared state: once a step fails,
 * the later ones are skipped with the failed step's name, so the report shows the step that broke
 * rather than every step after it failing too.
 *
 * <pre>{@code
 * @ExtendWith(Steps.class)
 * @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
 * class SomeScenarioTest { @Test @Order(1) void first() {...} @Test @Order(2) void second() {...} }
 * }</pre>
 */
public final class Steps implements ExecutionCondition, TestWatcher {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(Steps.class);
  private static final String FAILED = "failed step";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String failed =
        context.getTestMethod().isEmpty() ? null : store(context).get(FAILED, String.class);
    return failed == null
        ? ConditionEvaluationResult.enabled("no step failed")
        : ConditionEvaluationResult.disabled("an earlier step failed: " + failed);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    store(context).put(FAILED, context.getDisplayName());
  }

  /** The store of the test class, which its steps share. */
  private static ExtensionContext.Store store(ExtensionContext context) {
    return context.getParent().orElseThrow().getStore(NAMESPACE);
  }
}
