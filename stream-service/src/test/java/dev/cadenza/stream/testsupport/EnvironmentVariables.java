package dev.cadenza.stream.testsupport;

import java.util.Map;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** A Spring environment whose environment variables are the given ones, as a pod would have. */
public final class EnvironmentVariables {

  private EnvironmentVariables() {}

  public static StandardEnvironment of(Map<String, ?> variables) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.<String, Object>copyOf(variables)));
    return environment;
  }
}
