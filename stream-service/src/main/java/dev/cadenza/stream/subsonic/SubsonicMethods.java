package dev.cadenza.stream.subsonic;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The OpenSubsonic methods this server answers, by name: what every {@link SubsonicEndpoints} bean
 * adds. A later group of methods (stars, playlists...) is one more such bean.
 */
@Component
public class SubsonicMethods {

  /** A method that needs an authenticated listener. */
  @FunctionalInterface
  public interface Method {
    Mono<SubsonicReply> handle(SubsonicCall call);
  }

  /** A method anyone may call ({@code getOpenSubsonicExtensions}). */
  @FunctionalInterface
  public interface PublicMethod extends Function<SubsonicParams, Mono<SubsonicReply>> {}

  /** A registered method: exactly one of the two is set. */
  public record Entry(Method method, PublicMethod publicMethod) {
    public boolean isPublic() {
      return publicMethod != null;
    }
  }

  /** What an endpoint group registers its methods with. */
  public interface Registry {
    void add(String name, Method method);

    void addPublic(String name, PublicMethod method);
  }

  private final Map<String, Entry> byName = new HashMap<>();

  public SubsonicMethods(List<SubsonicEndpoints> groups) {
    Registry registry =
        new Registry() {
          @Override
          public void add(String name, Method method) {
            put(name, new Entry(method, null));
          }

          @Override
          public void addPublic(String name, PublicMethod method) {
            put(name, new Entry(null, method));
          }
        };
    groups.forEach(g -> g.register(registry));
  }

  private void put(String name, Entry entry) {
    if (byName.putIfAbsent(name, entry) != null) {
      throw new IllegalStateException("OpenSubsonic method '" + name + "' is registered twice");
    }
  }

  /** The method called {@code name} (without {@code .view}). */
  public Optional<Entry> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }
}
