package dev.cadenza.stream.transcode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** ffprobe and ffmpeg (hack/ffmpeg.sh) as a test's judges of what a transcode made. */
public final class Ffprobe {

  /** The first audio stream of a file, as ffprobe sees it. */
  public record Stream(String codec, int sampleRate, int channels) {}

  private Ffprobe() {}

  public static Stream audio(Path file) throws Exception {
    String out =
        run(
            List.of(
                "ffprobe",
                "-v",
                "error",
                "-select_streams",
                "a:0",
                "-show_entries",
                "stream=codec_name,sample_rate,channels",
                "-of",
                "default=noprint_wrappers=1",
                "file:" + file));
    Map<String, String> fields = new TreeMap<>();
    out.lines()
        .map(l -> l.split("=", 2))
        .filter(kv -> kv.length == 2)
        .forEach(kv -> fields.put(kv[0], kv[1]));
    return new Stream(
        fields.get("codec_name"),
        Integer.parseInt(fields.get("sample_rate")),
        Integer.parseInt(fields.get("channels")));
  }

  /** Samples of the first audio stream, decoded to mono at 48 kHz: its exact duration. */
  public static long samplesAt48k(Path file) throws Exception {
    return decodedSamples(file, "-ar", "48000");
  }

  /** Samples of the first audio stream, decoded to mono at the stream's own rate. */
  public static long decodedSamples(Path file) throws Exception {
    return decodedSamples(file, new String[0]);
  }

  private static long decodedSamples(Path file, String... resample) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "ffmpeg",
                "-v",
                "error",
                "-nostdin",
                "-i",
                "file:" + file,
                "-map",
                "0:a:0",
                "-f",
                "s16le",
                "-ac",
                "1"));
    command.addAll(List.of(resample));
    command.add("-");
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    long bytes;
    try (InputStream in = p.getInputStream()) {
      bytes = in.transferTo(OutputStream.nullOutputStream());
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("ffmpeg could not decode " + file);
    }
    return bytes / 2;
  }

  /** The mean volume of the first audio stream in dB (ffmpeg's volumedetect). */
  static double meanVolume(Path file) throws Exception {
    String out =
        run(
            List.of(
                "ffmpeg",
                "-v",
                "info",
                "-nostdin",
                "-i",
                "file:" + file,
                "-map",
                "0:a:0",
                "-af",
                "volumedetect",
                "-f",
                "null",
                "-"));
    var m = java.util.regex.Pattern.compile("mean_volume: (-?[0-9.]+) dB").matcher(out);
    if (!m.find()) {
      throw new IOException("no mean_volume in: " + out);
    }
    return Double.parseDouble(m.group(1));
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(command + " failed: " + out);
    }
    return out;
  }
}
