package dev.cadenza.stream.subsonic;

import java.util.regex.Pattern;

/**
 * How a call wants its answer ({@code f}): XML, the default; {@code json}; or {@code jsonp}, JSON
 * wrapped in a call of {@code callback}. Any other {@code f} gets XML, as Navidrome answers.
 *
 * @param callback the JavaScript function name, for {@link Kind#JSONP} only
 */
public record ResponseFormat(Kind kind, String callback) {

  public enum Kind {
    XML,
    JSON,
    JSONP
  }

  public static final ResponseFormat XML = new ResponseFormat(Kind.XML, null);
  public static final ResponseFormat JSON = new ResponseFormat(Kind.JSON, null);

  /** A dotted JavaScript identifier: nothing a page could be made to run beyond the call. */
  private static final Pattern CALLBACK =
      Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*");

  /** The format {@code params} ask for; error 10 or 0 for {@code jsonp} without a good callback. */
  public static ResponseFormat of(SubsonicParams params) {
    String f = params.optional("f").orElse("xml");
    return switch (f) {
      case "json" -> JSON;
      case "jsonp" -> {
        String callback = params.required("callback");
        if (callback.length() > 128 || !CALLBACK.matcher(callback).matches()) {
          throw SubsonicError.invalid("callback", callback, "a JavaScript function name");
        }
        yield new ResponseFormat(Kind.JSONP, callback);
      }
      default -> XML;
    };
  }

  /** The format to report an error in when {@link #of} failed: JSON for a JSON client. */
  public static ResponseFormat fallback(SubsonicParams params) {
    return params.optional("f").filter(f -> f.startsWith("json")).isPresent() ? JSON : XML;
  }

  public String contentType() {
    return switch (kind) {
      case XML -> "application/xml;charset=UTF-8";
      case JSON -> "application/json";
      case JSONP -> "application/javascript;charset=UTF-8";
    };
  }
}
