package dev.cadenza.stream.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gapless information written into made MP3 and M4A variants: on short known streams (a sine of
 * exactly 44,100 or 22,050 samples, encoded by real ffmpeg with the service's own arguments), the
 * patched MP3 decodes to exactly the source's samples and the patched M4A skips its priming; the
 * variant keeps its length and only its first bytes change.
 */
class GaplessInfoTest {

  @TempDir Path dir;

  @Test
  void aPatchedMp3DecodesToExactlyTheSourcesSamples() throws Exception {
    for (int rate : new int[] {44_100, 22_050}) {
      for (int channels : new int[] {2, 1}) {
        String what = rate + " Hz, " + channels + " channels";
        Path source = sine(rate, channels);
        // a directory name with what ffmpeg's tee syntax must have escaped
        Path copy =
            Files.createDirectories(dir.resolve("side|copies 'of' [mp3]"))
                .resolve("copy-" + rate + "-" + channels + ".mp3");
        byte[] made = transcode(source, TranscodeFormat.MP3, channels, Optional.of(copy));
        assertThat(Ffprobe.decodedSamples(write("made.mp3", made))).as(what).isGreaterThan(rate);

        GaplessInfo patched =
            GaplessInfo.written(TranscodeFormat.MP3, chunks(made, 4096), Optional.of(copy));
        byte[] bytes = join(patched.chunks());

        assertThat(bytes).as(what).hasSize(made.length);
        assertThat(Arrays.copyOfRange(bytes, Mp3InfoFrame.RESERVED + 10, bytes.length))
            .as("%s: the bytes after the reserved room", what)
            .isEqualTo(Arrays.copyOfRange(made, Mp3InfoFrame.RESERVED + 10, made.length));
        assertThat(Ffprobe.decodedSamples(write("patched.mp3", bytes))).as(what).isEqualTo(rate);
      }
    }
  }

  @Test
  void aPatchedFragmentedM4aSkipsItsPrimingAndSaysItsLength() throws Exception {
    for (int rate : new int[] {44_100, 22_050}) {
      String what = rate + " Hz";
      Path source = sine(rate, 2);
      byte[] made = transcode(source, TranscodeFormat.M4A, 2, Optional.empty());
      long before = Ffprobe.decodedSamples(write("made.m4a", made));
      assertThat(before).as(what).isGreaterThanOrEqualTo(rate + M4aGaplessInfo.PRIMING);

      GaplessInfo patched =
          GaplessInfo.written(TranscodeFormat.M4A, chunks(made, 4096), Optional.empty());
      byte[] bytes = join(patched.chunks());
      assertThat(bytes).as(what).hasSize(made.length);
      assertThat(Arrays.copyOfRange(bytes, 4096, bytes.length))
          .isEqualTo(Arrays.copyOfRange(made, 4096, made.length));

      Path file = write("patched.m4a", bytes);
      // ffmpeg 5.1 skips the priming (iTunSMPB) but plays the last frame whole: within one frame
      assertThat(Ffprobe.decodedSamples(file)).as(what).isBetween((long) rate, rate + 1023L);
      String padding = String.format("%08X", Math.floorMod(-(rate + 1024), 1024));
      assertThat(probeTags(file))
          .as(what)
          .contains(String.format("iTunSMPB= 00000000 00000400 %s %016X", padding, rate));
      assertThat(new String(bytes, 0, 2048, StandardCharsets.ISO_8859_1))
          .as("an edit list and a free box in the moov")
          .contains("edts", "elst", "iTunSMPB")
          .contains("free");
    }
  }

  @Test
  void theInfoFrameTakesTheEndOfTheId3PaddingAndTheTagShrinks() {
    byte[] head = new byte[10 + 2048 + 100];
    byte[] start = {'I', 'D', '3', 4, 0, 0, 0, 0, 0x10, 0}; // 2048, synchsafe
    System.arraycopy(start, 0, head, 0, start.length);
    Arrays.fill(head, 10 + 2048, head.length, (byte) 0x55);
    byte[] info = new byte[417];
    info[0] = (byte) 0xff;
    info[1] = (byte) 0xfb;

    byte[] patched = Mp3InfoFrame.patch(head, info);

    assertThat(patched).hasSize(head.length);
    assertThat(Mp3InfoFrame.tagLength(patched)).isEqualTo(10 + 2048 - 417);
    assertThat(Arrays.copyOfRange(patched, 10 + 2048 - 417, 10 + 2048)).isEqualTo(info);
    assertThat(Arrays.copyOfRange(patched, 10 + 2048, head.length))
        .isEqualTo(Arrays.copyOfRange(head, 10 + 2048, head.length));
    assertThat(head[9]).as("the run's own bytes are left alone").isZero();
  }

  @Test
  void anId3TagWithMoreThanPaddingOrTooLittleIsNotPatched() {
    byte[] head = new byte[10 + 100 + 10];
    byte[] start = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 100};
    System.arraycopy(start, 0, head, 0, start.length);
    assertThatThrownBy(() -> Mp3InfoFrame.patch(head, new byte[417]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no ID3v2 padding of 417 bytes");
    head[20] = 'T';
    assertThatThrownBy(() -> Mp3InfoFrame.patch(head, new byte[50]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more than padding");
  }

  private Path sine(int rate, int channels) throws Exception {
    Path flac = dir.resolve("sine-" + rate + "-" + channels + ".flac");
    run(
        List.of(
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=" + rate + ":duration=1",
            "-ac",
            Integer.toString(channels),
            flac.toString()),
        null);
    return flac;
  }

  private byte[] transcode(Path source, TranscodeFormat f, int channels, Optional<Path> copy)
      throws Exception {
    Path out = dir.resolve("out." + f.id());
    List<String> command = new ArrayList<>(List.of("ffmpeg"));
    command.addAll(Ffmpeg.arguments(source, new Variant(f, 96, 0), 0, channels, copy));
    run(command, out);
    return Files.readAllBytes(out);
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static String probeTags(Path file) throws Exception {
    Process p =
        new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "format_tags", "file:" + file)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private static void run(List<String> command, Path stdout) throws Exception {
    ProcessBuilder b = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    b.redirectOutput(
        stdout == null
            ? ProcessBuilder.Redirect.DISCARD
            : ProcessBuilder.Redirect.to(stdout.toFile()));
    Process p = b.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new IOException(command + " did not finish");
    }
    assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
  }

  private static List<byte[]> chunks(byte[] bytes, int size) {
    List<byte[]> all = new ArrayList<>();
    for (int i = 0; i < bytes.length; i += size) {
      all.add(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size)));
    }
    return all;
  }

  private static byte[] join(List<byte[]> chunks) {
    byte[] all = new byte[chunks.stream().mapToInt(c -> c.length).sum()];
    int at = 0;
    for (byte[] c : chunks) {
      System.arraycopy(c, 0, all, at, c.length);
      at += c.length;
    }
    return all;
  }
}
