package dev.cadenza.stream.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

/**
 * When start-up fails, writes why to the container's termination-message file, where Kubernetes
 * shows it ({@code lastState.terminated.message} of the pod, and the operator's {@code
 * CrashLooping} condition): the failure analysis Spring Boot logs ({@code Description} and {@code
 * Action}), or else the root cause's message; never a stack trace. The file is {@value #PROPERTY}
 * ({@code CADENZA_TERMINATION_LOG}), by default {@value #DEFAULT}, and is written only when it
 * exists and is writable: the kubelet creates it in every container, so a run outside one writes
 * nothing. Read from the environment as it stands, not bound like {@link CadenzaProperties}, since
 * a failed binding is one of the failures it reports. The process then exits non-zero as before.
 */
public final class TerminationMessage implements SpringApplicationRunListener {

  private static final Logger log = LoggerFactory.getLogger(TerminationMessage.class);

  public static final String PROPERTY = "cadenza.termination-log";
  public static final String DEFAULT = "/dev/termination-log";

  /** The kubelet reads at most 4096 bytes of the file. */
  static final int MAX_BYTES = 4096;

  /** A qualified exception type before its message, as failure analyses quote causes. */
  private static final Pattern EXCEPTION_TYPE =
      Pattern.compile("\\b(?:[a-z_][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");

  private volatile Environment environment;

  /** Spring Boot's run-listener contract (META-INF/spring.factories). */
  public TerminationMessage(SpringApplication application, String[] args) {}

  @Override
  public void environmentPrepared(
      ConfigurableBootstrapContext bootstrap, ConfigurableEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public void failed(ConfigurableApplicationContext context, Throwable failure) {
    Environment env = context != null ? context.getEnvironment() : environment;
    String configured = env == null ? null : env.getProperty(PROPERTY);
    Path file = Path.of(configured == null || configured.isBlank() ? DEFAULT : configured.strip());
    if (!Files.isRegularFile(file) || !Files.isWritable(file)) {
      return;
    }
    try {
      Files.write(
          file,
          bounded(describe(context, failure)),
          StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException | RuntimeException e) {
      log.warn("Could not write the termination message to {}: {}", file, e.toString());
    }
  }

  /** Spring Boot's failure analysis, as it logs it; else the root cause's type and message. */
  static String describe(ConfigurableApplicationContext context, Throwable failure) {
    for (FailureAnalyzer analyzer : analyzers(context)) {
      FailureAnalysis analysis;
      try {
        analysis = analyzer.analyze(failure);
      } catch (RuntimeException e) {
        continue; // as Spring Boot does: an analyzer that fails has nothing to say
      }
      if (analysis != null) {
        String action = analysis.getAction();
        // "Reason: java.lang.IllegalArgumentException: cadenza.library.path: ..." says no more to
        // a user than "Reason: cadenza.library.path: ..."
        return EXCEPTION_TYPE.matcher(analysis.getDescription().strip()).replaceAll("")
            + (action == null || action.isBlank() ? "" : "\n\nAction: " + action.strip());
      }
    }
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName()
        + (message == null || message.isBlank() ? "" : ": " + message.strip());
  }

  /** The analyzers Spring Boot runs, given what it gives them (the bean factory, environment). */
  private static List<FailureAnalyzer> analyzers(ConfigurableApplicationContext context) {
    ArgumentResolver arguments = ArgumentResolver.none();
    if (context != null) {
      try {
        arguments =
            ArgumentResolver.of(BeanFactory.class, context.getBeanFactory())
                .and(Environment.class, context.getEnvironment());
      } catch (IllegalStateException e) {
        // a context whose bean factory is gone: the analyzers that need none still run
      }
    }
    return SpringFactoriesLoader.forDefaultResourceLocation(
            TerminationMessage.class.getClassLoader())
        .load(FailureAnalyzer.class, arguments, FailureHandler.handleMessage((m, e) -> {}));
  }

  /** UTF-8, cut at a character boundary to what the kubelet reads. */
  static byte[] bounded(String message) {
    CharsetEncoder utf8 =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    ByteBuffer out = ByteBuffer.allocate(MAX_BYTES);
    utf8.encode(CharBuffer.wrap(message), out, true);
    byte[] bytes = new byte[out.position()];
    out.flip().get(bytes);
    return bytes;
  }
}
