package dev.cadenza.stream.catalog;

import dev.cadenza.stream.web.Problems;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

/**
 * Cursor pagination over a list sorted by a unique string key. The cursor is the key of the last
 * item sent, so pages stay correct when the catalogue changes between requests.
 */
final class Paging {

  private Paging() {}

  /** Validated {@code limit} and decoded {@code cursor} of a listing request. */
  record Request(int limit, String after) {

    static Request of(String limit, String cursor, int defaultLimit, int maxLimit) {
      int n = limit == null ? defaultLimit : integer("limit", limit);
      if (n < 1 || n > maxLimit) {
        throw Problems.badParameter("limit", limit, "must be between 1 and " + maxLimit);
      }
      return new Request(n, cursor == null || cursor.isEmpty() ? null : decode(cursor));
    }

    private static String decode(String cursor) {
      try {
        byte[] bytes = Base64.getUrlDecoder().decode(cursor);
        String key = new String(bytes, StandardCharsets.UTF_8);
        if (!encode(key).equals(cursor.replace("=", ""))) {
          throw new IllegalArgumentException("not a cursor this API made");
        }
        return key;
      } catch (IllegalArgumentException e) {
        throw Problems.badParameter(
            "cursor", cursor, "is not a cursor returned by this API (use the 'next' value)");
      }
    }
  }

  /** A query parameter that must be a whole number. */
  static int integer(String name, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw Problems.badParameter(name, value, "must be a whole number");
    }
  }

  static <T, V> CatalogViews.PageView<V> page(
      List<T> sorted,
      Function<T, String> key,
      Predicate<T> filter,
      Request request,
      Function<T, V> view) {
    return page(sorted, i -> i, key, filter, request, view);
  }

  /**
   * A page of the items that {@code next} picks out of {@code sorted} (the position of the first
   * one at or after a position, or the list's size when there is none: a search's hits) and that
   * pass {@code filter}.
   */
  static <T, V> CatalogViews.PageView<V> page(
      List<T> sorted,
      IntUnaryOperator next,
      Function<T, String> key,
      Predicate<T> filter,
      Request request,
      Function<T, V> view) {
    List<V> items = new ArrayList<>(Math.min(request.limit(), sorted.size()));
    String lastKey = null;
    boolean more = false;
    int from = request.after() == null ? 0 : firstAfter(sorted, key, request.after());
    for (int i = next.applyAsInt(from); i < sorted.size(); i = next.applyAsInt(i + 1)) {
      T item = sorted.get(i);
      if (!filter.test(item)) {
        continue;
      }
      if (items.size() == request.limit()) {
        more = true;
        break;
      }
      items.add(view.apply(item));
      lastKey = key.apply(item);
    }
    return new CatalogViews.PageView<>(items, more ? encode(lastKey) : null);
  }

  /**
   * Index of the first item whose key sorts after {@code after}: a binary search, so that a page
   * deep in a 100k-track listing costs as little as the first (the lists are random-access).
   */
  private static <T> int firstAfter(List<T> sorted, Function<T, String> key, String after) {
    int low = 0;
    int high = sorted.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (key.apply(sorted.get(mid)).compareTo(after) <= 0) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  private static String encode(String key) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }
}
