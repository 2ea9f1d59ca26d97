package dev.cadenza.stream.subsonic;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The parameters of one OpenSubsonic call: the query string's and, for a {@code POST} with an
 * {@code application/x-www-form-urlencoded} body (the {@code formPost} extension), the body's, in
 * that order. A parameter may repeat ({@code id=1&id=2}). Typed getters fail with the spec's error:
 * 10 when a required one is missing, 0 when a value has the wrong type.
 */
public final class SubsonicParams {

  /** More parameters than any call takes: the rest are ignored, as Netty's decoder does. */
  private static final int MAX_PARAMETERS = 1024;

  /** The longest player name kept (listeners' data refuses longer ones). */
  private static final int MAX_CLIENT = 100;

  private final Map<String, List<String>> values;

  private SubsonicParams(Map<String, List<String>> values) {
    this.values = values;
  }

  /** Decodes a raw query string and a form body (either may be null or empty). */
  public static SubsonicParams parse(String rawQuery, String formBody) {
    return parse(rawQuery, formBody, StandardCharsets.UTF_8);
  }

  /** As {@link #parse(String, String)}, with a form whose escapes encode {@code charset}. */
  public static SubsonicParams parse(String rawQuery, String formBody, Charset charset) {
    return parse(rawQuery, decode(formBody, charset));
  }

  /**
   * Decodes a raw query string, and adds the parameters of a form decoded already. A form field
   * without {@code =} (Spring decodes its value as null) is empty, as in the query string.
   */
  public static SubsonicParams parse(String rawQuery, Map<String, List<String>> form) {
    Map<String, List<String>> all = new LinkedHashMap<>(decode(rawQuery));
    form.forEach(
        (name, list) ->
            all.merge(
                name,
                list.stream().map(v -> v == null ? "" : v).toList(),
                (a, b) -> Stream.concat(a.stream(), b.stream()).toList()));
    return new SubsonicParams(all);
  }

  private static Map<String, List<String>> decode(String encoded) {
    return decode(encoded, StandardCharsets.UTF_8);
  }

  private static Map<String, List<String>> decode(String encoded, Charset charset) {
    if (encoded == null || encoded.isEmpty()) {
      return Map.of();
    }
    try {
      return new QueryStringDecoder(encoded, charset, false, MAX_PARAMETERS).parameters();
    } catch (IllegalArgumentException e) {
      // not Netty's message: it quotes the whole parameter, a password as well, at any length
      throw SubsonicError.generic("Malformed parameters: a '%' is not followed by two hex digits");
    }
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The first value, if the parameter is there (possibly empty). */
  public Optional<String> optional(String name) {
    List<String> list = values.get(name);
    return list == null || list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
  }

  /** The first value; error 10 when the parameter is absent or empty. */
  public String required(String name) {
    return optional(name).filter(v -> !v.isEmpty()).orElseThrow(() -> SubsonicError.missing(name));
  }

  /** Every value of a repeated parameter, in order; empty when absent. */
  public List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  /** The values of a repeated parameter that are not empty ({@code id=} counts as none). */
  public List<String> values(String name) {
    return all(name).stream().filter(v -> !v.isEmpty()).toList();
  }

  /** An integer parameter, or {@code fallback} when absent or empty. */
  public int integer(String name, int fallback) {
    return optional(name).filter(v -> !v.isBlank()).map(v -> parseInt(name, v)).orElse(fallback);
  }

  /** An integer parameter clamped to [{@code min}, {@code max}]: a page size or offset. */
  public int bounded(String name, int fallback, int min, int max) {
    return Math.max(min, Math.min(max, integer(name, fallback)));
  }

  /** A required integer parameter. */
  public int requiredInteger(String name) {
    return parseInt(name, required(name));
  }

  /** A long parameter (e.g. milliseconds since the epoch), if present. */
  public Optional<Long> longValue(String name) {
    return optional(name)
        .filter(v -> !v.isBlank())
        .map(
            v -> {
              try {
                return Long.parseLong(v.strip());
              } catch (NumberFormatException e) {
                throw SubsonicError.invalid(name, v, "an integer");
              }
            });
  }

  /** A boolean parameter ({@code true} or {@code false}, any case), or {@code fallback}. */
  public boolean bool(String name, boolean fallback) {
    return optional(name)
        .filter(v -> !v.isBlank())
        .map(
            v -> {
              if (v.equalsIgnoreCase("true")) {
                return true;
              }
              if (v.equalsIgnoreCase("false")) {
                return false;
              }
              throw SubsonicError.invalid(name, v, "true or false");
            })
        .orElse(fallback);
  }

  /**
   * The player's name ({@code c}) as listeners' data keeps it: control characters dropped, at most
   * 100 characters; {@code subsonic} when the client sends none.
   */
  public String client() {
    String c =
        optional("c")
            .map(v -> v.codePoints().filter(cp -> !Character.isISOControl(cp)))
            .map(
                cps ->
                    cps.collect(
                        StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append))
            .map(b -> b.toString().strip())
            .orElse("");
    if (c.length() > MAX_CLIENT) {
      c = SubsonicError.prefix(c, MAX_CLIENT).strip();
    }
    return c.isEmpty() ? "subsonic" : c;
  }

  /** A list of integers ({@code songIndexToRemove}); error 0 for one that is not. */
  public List<Integer> integers(String name) {
    return all(name).stream().filter(v -> !v.isBlank()).map(v -> parseInt(name, v)).toList();
  }

  private static int parseInt(String name, String value) {
    try {
      long parsed = Long.parseLong(value.strip());
      // a huge count is as good as the largest one: clamp rather than fail
      return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, parsed));
    } catch (NumberFormatException e) {
      throw SubsonicError.invalid(name, value, "an integer");
    }
  }
}
