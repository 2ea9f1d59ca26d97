package dev.cadenza.stream.library;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lyrics as a tag holds them: plain lines, or lines timed LRC-style ({@code [mm:ss.xx]text},
 * several stamps on one line allowed, an {@code [offset:ms]} tag honoured as {@link #offsetMs}).
 *
 * @param synced whether the lines carry start times
 * @param offsetMs to add to every start time (LRC's offset: positive shows lines sooner)
 * @param lines in order of start time (synced) or as written
 */
public record Lyrics(boolean synced, long offsetMs, List<Line> lines) {

  /**
   * One line.
   *
   * @param startMs when it starts, for synced lyrics; else null
   */
  public record Line(Long startMs, String text) {}

  private static final Pattern STAMP =
      Pattern.compile("\\[(\\d{1,3}):(\\d{1,2})(?:[.:](\\d{1,3}))?]");
  private static final Pattern OFFSET = Pattern.compile("(?i)\\[offset:\\s*([+-]?\\d+)\\s*]");

  /** Reads one tag's text: synced when any line starts with a time stamp. */
  public static Lyrics parse(String text) {
    String[] rows = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    List<Line> timed = new ArrayList<>();
    long offset = 0;
    for (String row : rows) {
      Matcher o = OFFSET.matcher(row.strip());
      if (o.matches()) {
        offset = Long.parseLong(o.group(1));
        continue;
      }
      Matcher m = STAMP.matcher(row);
      List<Long> starts = new ArrayList<>();
      int end = 0;
      while (m.find() && m.start() == end) {
        starts.add(millis(m));
        end = m.end();
      }
      for (Long start : starts) {
        timed.add(new Line(start, row.substring(end).strip()));
      }
    }
    if (!timed.isEmpty()) {
      timed.sort(Comparator.comparing(Line::startMs));
      return new Lyrics(true, offset, List.copyOf(timed));
    }
    List<Line> plain = new ArrayList<>();
    for (String row : rows) {
      plain.add(new Line(null, row.stripTrailing()));
    }
    while (!plain.isEmpty() && plain.get(plain.size() - 1).text().isEmpty()) {
      plain.remove(plain.size() - 1);
    }
    while (!plain.isEmpty() && plain.get(0).text().isEmpty()) {
      plain.remove(0);
    }
    return new Lyrics(false, 0, List.copyOf(plain));
  }

  /** The lines' text without times, one per line. */
  public String plainText() {
    return String.join("\n", lines.stream().map(Line::text).toList());
  }

  private static long millis(Matcher m) {
    long minutes = Long.parseLong(m.group(1));
    long seconds = Long.parseLong(m.group(2));
    String fraction = m.group(3);
    long ms = 0;
    if (fraction != null) {
      // .5 is 500 ms, .05 50 ms, .005 5 ms
      ms = Long.parseLong((fraction + "00").substring(0, 3));
    }
    return (minutes * 60 + seconds) * 1000 + ms;
  }
}
