package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.transcode.TranscodeFormat;
import dev.cadenza.stream.transcode.TranscodePolicy;
import dev.cadenza.stream.transcode.Variant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * OpenSubsonic's {@code transcoding} extension, the decision: given what a client says it plays
 * ({@code ClientInfo}: direct-play profiles, transcoding profiles, bit rate limits), whether it
 * gets the original or which transcode, and the {@code transcodeParams} that {@code
 * getTranscodeStream} then takes.
 *
 * <ul>
 *   <li>Direct play when a direct-play profile names the file's container and codec (an empty list
 *       is any), over {@code http}, within its channel limit, and the file's bit rate is within
 *       {@code maxAudioBitrate} and the user's own limit.
 *   <li>Otherwise the first transcoding profile this server makes (MP3; Opus in Ogg; AAC in ADTS or
 *       MP4), at the lowest of {@code maxTranscodingAudioBitrate}, {@code maxAudioBitrate} and the
 *       user's limit, on the bit-rate ladder (128 kb/s with none).
 *   <li>{@code codecProfiles} are not evaluated (their limitations are left to the profiles above).
 * </ul>
 *
 * Bit rates in the request and the answer are in bits per second, as the extension has them.
 */
final class TranscodeDecisions {

  /** The decision. {@code variant} is null for direct play (and when nothing fits). */
  record Decision(
      boolean canDirectPlay,
      boolean canTranscode,
      List<String> reasons,
      String errorReason,
      Variant variant) {

    /** What {@code getTranscodeStream} is given back: {@code v1:<format or raw>:<kb/s>}. */
    String params() {
      return variant == null ? "v1:raw:0" : "v1:" + variant.format().id() + ':' + variant.bitRate();
    }
  }

  /** A {@code transcodeParams} read back: the format ({@code raw} for the original) and kb/s. */
  record Params(String format, int bitRate) {

    static Optional<Params> parse(String text) {
      String[] parts = text == null ? new String[0] : text.split(":", -1);
      if (parts.length != 3 || !parts[0].equals("v1")) {
        return Optional.empty();
      }
      if (!parts[1].equals("raw") && TranscodeFormat.named(parts[1]).isEmpty()) {
        return Optional.empty();
      }
      try {
        int kbps = Integer.parseInt(parts[2]);
        return kbps < 0 || kbps > 10_000
            ? Optional.empty()
            : Optional.of(new Params(parts[1], kbps));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  private TranscodeDecisions() {}

  static Decision decide(Track track, JsonNode client, int userMaxBitRate, TranscodePolicy policy) {
    long maxAudio = number(client, "maxAudioBitrate");
    long maxTranscoding = number(client, "maxTranscodingAudioBitrate");
    int limitKbps = lowest(maxAudio / 1000, userMaxBitRate);
    List<String> reasons = new ArrayList<>();
    Integer bitrate = track.audio().bitrate();
    boolean withinBitRate = limitKbps <= 0 || (bitrate != null && bitrate <= limitKbps);
    boolean profileFits = false;
    for (JsonNode p : client.path("directPlayProfiles")) {
      if (directPlays(track, p)) {
        profileFits = true;
        break;
      }
    }
    if (!profileFits) {
      reasons.add(
          "container "
              + container(track)
              + " with codec "
              + codec(track)
              + " is in no direct-play profile");
    }
    if (!withinBitRate) {
      reasons.add(
          "audio bit rate " + bitrate + " kb/s is above the limit of " + limitKbps + " kb/s");
    }
    if (profileFits && withinBitRate) {
      return new Decision(true, true, List.of(), null, null);
    }
    int transcodeLimit = lowest(lowest(maxTranscoding / 1000, maxAudio / 1000), userMaxBitRate);
    for (JsonNode p : client.path("transcodingProfiles")) {
      Optional<TranscodeFormat> format = format(p);
      if (format.isPresent() && http(p.path("protocol").asString(""))) {
        Variant v = policy.variantFor(track, format.get(), transcodeLimit > 0 ? transcodeLimit : 0);
        return new Decision(false, true, reasons, null, v);
      }
    }
    return new Decision(
        false,
        false,
        reasons,
        "no transcoding profile of the client is one this server makes (mp3, opus in ogg, aac in"
            + " aac/adts or mp4)",
        null);
  }

  private static boolean directPlays(Track track, JsonNode p) {
    if (!matches(p.path("containers"), containers(track))
        || !matches(p.path("audioCodecs"), Set.of(codec(track)))) {
      return false;
    }
    boolean http = !p.path("protocols").isArray() || p.path("protocols").isEmpty();
    for (JsonNode protocol : p.path("protocols")) {
      http |= http(protocol.asString(""));
    }
    int channels = p.path("maxAudioChannels").asInt(0);
    Integer source = track.audio().channels();
    return http && (channels <= 0 || source == null || source <= channels);
  }

  private static boolean matches(JsonNode list, Set<String> names) {
    if (!list.isArray() || list.isEmpty()) {
      return true;
    }
    for (JsonNode n : list) {
      if (names.contains(n.asString("").toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static boolean http(String protocol) {
    return protocol.isEmpty() || protocol.equalsIgnoreCase("http");
  }

  private static Optional<TranscodeFormat> format(JsonNode p) {
    String container = p.path("container").asString("").toLowerCase(Locale.ROOT);
    String codec = p.path("audioCodec").asString("").toLowerCase(Locale.ROOT);
    return switch (container) {
      case "mp3" ->
          codec.isEmpty() || codec.equals("mp3")
              ? Optional.of(TranscodeFormat.MP3)
              : Optional.empty();
      case "ogg", "oga", "opus" ->
          codec.isEmpty() || codec.equals("opus")
              ? Optional.of(TranscodeFormat.OPUS)
              : Optional.empty();
      case "aac", "adts" ->
          codec.isEmpty() || codec.equals("aac")
              ? Optional.of(TranscodeFormat.AAC)
              : Optional.empty();
      case "mp4", "m4a" ->
          codec.isEmpty() || codec.equals("aac")
              ? Optional.of(TranscodeFormat.M4A)
              : Optional.empty();
      default -> Optional.empty();
    };
  }

  /** The names a client may give the file's container. */
  static Set<String> containers(Track track) {
    return switch (track.format()) {
      case MP3 -> Set.of("mp3");
      case FLAC -> Set.of("flac");
      case OGG_VORBIS -> Set.of("ogg", "oga");
      case OPUS -> Set.of("ogg", "opus");
      case M4A -> Set.of("mp4", "m4a");
      case AAC -> Set.of("aac", "adts");
      case WAV -> Set.of("wav");
    };
  }

  /** The container as the answer names it. */
  static String container(Track track) {
    return switch (track.format()) {
      case MP3 -> "mp3";
      case FLAC -> "flac";
      case OGG_VORBIS, OPUS -> "ogg";
      case M4A -> "mp4";
      case AAC -> "aac";
      case WAV -> "wav";
    };
  }

  /** The codec as the extension names it. */
  static String codec(Track track) {
    String c = track.audio().codec() == null ? "" : track.audio().codec().toLowerCase(Locale.ROOT);
    return switch (track.format()) {
      case MP3 -> "mp3";
      case FLAC -> "flac";
      case OGG_VORBIS -> "vorbis";
      case OPUS -> "opus";
      case WAV -> "pcm";
      case AAC -> "aac";
      case M4A -> c.contains("alac") || c.contains("lossless") ? "alac" : "aac";
    };
  }

  private static long number(JsonNode client, String field) {
    JsonNode n = client.path(field);
    return n.isNumber() && n.asLong() > 0 ? n.asLong() : 0;
  }

  /** The lower of two limits that are set (above 0); 0 when neither is. */
  private static int lowest(long a, long b) {
    if (a > 0 && b > 0) {
      return (int) Math.min(a, b);
    }
    return (int) Math.max(Math.max(a, b), 0);
  }
}
