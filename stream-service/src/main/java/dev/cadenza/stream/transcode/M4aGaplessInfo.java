package dev.cadenza.stream.transcode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The gapless information of a made fragmented M4A: how many samples of AAC encoder priming to skip
 * and how long the track is, so that a player plays exactly the source's samples.
 *
 * <p>A fragmented M4A is written front to back: its {@code moov} comes first, before ffmpeg knows
 * the length, so ffmpeg writes no edit list into it. The run reserves room in the {@code moov} (a
 * comment of {@link #RESERVED} spaces, which lands in {@code udta/meta/ilst}); once the run is
 * done, {@link #patch} reads the length from the last fragment (its decode time plus its samples'
 * durations, which ffmpeg cuts to the source's end) and rewrites the {@code moov} in place, the
 * same size: an {@code edts/elst} (media time = the priming, duration = the source's samples; what
 * MSE players and Firefox honour), an {@code iTunSMPB} (priming, end padding and length; what
 * ffmpeg's demuxer and Apple's players honour), and a {@code free} box for the rest. The movie's
 * time scale becomes the sample rate so that the edit list is exact to the sample (it only scales
 * durations, which are zero in a fragmented {@code moov}).
 */
final class M4aGaplessInfo {

  /** Samples ffmpeg's AAC encoder puts before the audio (its {@code initial_padding}). */
  static final int PRIMING = 1024;

  /** Bytes of the comment that keeps room for the edit list and the {@code iTunSMPB}. */
  static final int RESERVED = 400;

  private static final int AAC_FRAME = 1024;

  private M4aGaplessInfo() {}

  /** ffmpeg's output options that reserve the room. */
  static List<String> reserveArgs() {
    return List.of("-metadata", "comment=" + " ".repeat(RESERVED));
  }

  /**
   * The first chunk of {@code chunks} with its {@code moov} rewritten, the same length.
   *
   * @throws IllegalArgumentException when the output is not laid out as ffmpeg writes a fragmented
   *     M4A, or has no room
   */
  static byte[] patch(List<byte[]> chunks) {
    Output out = new Output(chunks);
    long moov = -1;
    long moovSize = 0;
    long lastMoof = -1;
    long lastMoofSize = 0;
    for (long pos = 0; pos + 8 <= out.length; ) {
      ByteBuffer h = ByteBuffer.wrap(out.read(pos, (int) Math.min(16, out.length - pos)));
      long size = Integer.toUnsignedLong(h.getInt());
      String type = type(h.getInt());
      size = size == 1 ? h.getLong() : size == 0 ? out.length - pos : size;
      if (size < 8) {
        throw new IllegalArgumentException("a box of " + size + " bytes at " + pos);
      }
      if (type.equals("moov")) {
        moov = pos;
        moovSize = size;
      } else if (type.equals("moof")) {
        lastMoof = pos;
        lastMoofSize = size;
      }
      pos += size;
    }
    byte[] head = chunks.get(0);
    if (moov < 0 || lastMoof < 0 || moov + moovSize > head.length || lastMoofSize > 1 << 20) {
      throw new IllegalArgumentException("no moov in the first chunk, or no fragment");
    }
    Box moovBox = new Box(head, (int) moov, (int) moovSize);
    Box trak = moovBox.child("trak");
    long rate = mediaTimeScale(trak.child("mdia").child("mdhd"));
    Box moof = new Box(out.read(lastMoof, (int) lastMoofSize), 0, (int) lastMoofSize);
    long end = fragmentEnd(moof, moovBox);
    long samples = end - PRIMING;
    if (samples <= 0) {
      throw new IllegalArgumentException("the fragments end at sample " + end);
    }
    byte[] rewritten = rewrite(moovBox, rate, samples);
    byte[] patched = head.clone();
    System.arraycopy(rewritten, 0, patched, (int) moov, rewritten.length);
    return patched;
  }

  /** The {@code moov} with the edit list, the {@code iTunSMPB} and a {@code free} box. */
  private static byte[] rewrite(Box moov, long rate, long samples) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Box b : moov.children()) {
      switch (b.type()) {
        case "mvhd" -> body.writeBytes(withMovieTimeScale(b, rate));
        case "trak" -> body.writeBytes(withEditList(b, samples));
        case "udta" -> body.writeBytes(box("udta", metadata(samples)));
        default -> body.writeBytes(b.bytes());
      }
    }
    int rest = moov.length() - 8 - body.size();
    if (rest < 8) {
      throw new IllegalArgumentException("the moov has no room (" + rest + " bytes) for the info");
    }
    body.writeBytes(box("free", new byte[rest - 8]));
    return box("moov", body.toByteArray());
  }

  private static byte[] withMovieTimeScale(Box mvhd, long rate) {
    byte[] b = mvhd.bytes();
    int version = b[8];
    int at = version == 1 ? 28 : 20;
    long duration =
        version == 1
            ? ByteBuffer.wrap(b, at + 4, 8).getLong()
            : ByteBuffer.wrap(b, at + 4, 4).getInt();
    if (duration != 0) {
      throw new IllegalArgumentException(
          "a movie duration of " + duration + ", not a fragmented moov");
    }
    ByteBuffer.wrap(b).putInt(at, (int) rate);
    return b;
  }

  private static byte[] withEditList(Box trak, long samples) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Box b : trak.children()) {
      if (b.type().equals("edts")) {
        throw new IllegalArgumentException("the track already has an edit list");
      }
      body.writeBytes(b.bytes());
      if (b.type().equals("tkhd")) {
        ByteBuffer elst =
            ByteBuffer.allocate(4 + 4 + 8 + 8 + 4)
                .putInt(1 << 24) // version 1: 64-bit times
                .putInt(1)
                .putLong(samples)
                .putLong(PRIMING)
                .putInt(1 << 16); // rate 1.0
        body.writeBytes(box("edts", box("elst", elst.array())));
      }
    }
    return box("trak", body.toByteArray());
  }

  /** {@code meta/ilst} with one {@code ----:com.apple.iTunes:iTunSMPB}, as iTunes writes it. */
  private static byte[] metadata(long samples) {
    long padding = Math.floorMod(-(samples + PRIMING), AAC_FRAME);
    StringBuilder smpb =
        new StringBuilder(
            String.format(Locale.ROOT, " 00000000 %08X %08X %016X", PRIMING, padding, samples));
    smpb.append(" 00000000".repeat(8));
    byte[] hdlr = box("hdlr", concat(new byte[8], ascii("mdirappl"), new byte[9]));
    byte[] item =
        box(
            "----",
            concat(
                box("mean", concat(new byte[4], ascii("com.apple.iTunes"))),
                box("name", concat(new byte[4], ascii("iTunSMPB"))),
                box("data", concat(new byte[] {0, 0, 0, 1, 0, 0, 0, 0}, ascii(smpb.toString())))));
    return box("meta", concat(new byte[4], hdlr, box("ilst", item)));
  }

  /** Where the last fragment's samples end, in the media's time scale. */
  private static long fragmentEnd(Box moof, Box moov) {
    Box traf = moof.child("traf");
    ByteBuffer tfhd = traf.child("tfhd").payload();
    int flags = tfhd.getInt() & 0xffffff;
    tfhd.getInt(); // track
    if ((flags & 0x01) != 0) {
      tfhd.getLong();
    }
    if ((flags & 0x02) != 0) {
      tfhd.getInt();
    }
    long defaultDuration =
        (flags & 0x08) != 0
            ? Integer.toUnsignedLong(tfhd.getInt())
            : Integer.toUnsignedLong(moov.child("mvex").child("trex").payload().getInt(12));
    ByteBuffer tfdt = traf.child("tfdt").payload();
    long start = tfdt.get(0) == 1 ? tfdt.getLong(4) : Integer.toUnsignedLong(tfdt.getInt(4));
    ByteBuffer trun = traf.child("trun").payload();
    int runFlags = trun.getInt() & 0xffffff;
    long count = Integer.toUnsignedLong(trun.getInt());
    if ((runFlags & 0x01) != 0) {
      trun.getInt();
    }
    if ((runFlags & 0x04) != 0) {
      trun.getInt();
    }
    int fieldsPerSample = Integer.bitCount(runFlags & 0xf00);
    long end = start;
    for (long i = 0; i < count; i++) {
      if ((runFlags & 0x100) != 0) {
        end += Integer.toUnsignedLong(trun.getInt());
        trun.position(trun.position() + 4 * (fieldsPerSample - 1));
      } else {
        end += defaultDuration;
        trun.position(trun.position() + 4 * fieldsPerSample);
      }
    }
    return end;
  }

  private static long mediaTimeScale(Box mdhd) {
    ByteBuffer p = mdhd.payload();
    return Integer.toUnsignedLong(p.getInt(p.get(0) == 1 ? 20 : 12));
  }

  private static byte[] box(String type, byte[] payload) {
    return ByteBuffer.allocate(8 + payload.length)
        .putInt(8 + payload.length)
        .put(ascii(type))
        .put(payload)
        .array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String type(int fourcc) {
    return new String(ByteBuffer.allocate(4).putInt(fourcc).array(), StandardCharsets.ISO_8859_1);
  }

  /** The whole output across its chunks. */
  private static final class Output {
    private final List<byte[]> chunks;
    private final int chunkSize;
    private final long length;

    Output(List<byte[]> chunks) {
      this.chunks = chunks;
      this.chunkSize = chunks.get(0).length;
      this.length = chunks.stream().mapToLong(c -> c.length).sum();
    }

    byte[] read(long position, int n) {
      if (position < 0 || position + n > length) {
        throw new IllegalArgumentException("bytes " + position + "+" + n + " past the end");
      }
      byte[] out = new byte[n];
      for (int done = 0; done < n; ) {
        long at = position + done;
        byte[] chunk = chunks.get((int) (at / chunkSize));
        int offset = (int) (at % chunkSize);
        int k = Math.min(n - done, chunk.length - offset);
        System.arraycopy(chunk, offset, out, done, k);
        done += k;
      }
      return out;
    }
  }

  /** One box of an array of bytes: {@code offset} is where its header starts. */
  private record Box(byte[] data, int offset, int length) {

    String type() {
      return new String(data, offset + 4, 4, StandardCharsets.ISO_8859_1);
    }

    byte[] bytes() {
      return Arrays.copyOfRange(data, offset, offset + length);
    }

    ByteBuffer payload() {
      return ByteBuffer.wrap(bytes(), 8, length - 8).slice();
    }

    List<Box> children() {
      List<Box> all = new ArrayList<>();
      int meta = type().equals("meta") ? 4 : 0; // a full box: version and flags first
      for (int p = offset + 8 + meta; p + 8 <= offset + length; ) {
        int size = ByteBuffer.wrap(data, p, 4).getInt();
        if (size < 8 || p + size > offset + length) {
          throw new IllegalArgumentException("a bad box size " + size + " in " + type());
        }
        all.add(new Box(data, p, size));
        p += size;
      }
      return all;
    }

    Box child(String type) {
      return children().stream()
          .filter(b -> b.type().equals(type))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no " + type + " in " + type()));
    }
  }
}
