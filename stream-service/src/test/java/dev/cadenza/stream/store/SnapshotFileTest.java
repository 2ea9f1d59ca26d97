package dev.cadenza.stream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot is read back only when whole, of its kind and format; otherwise it says why. */
class SnapshotFileTest {

  private static final int MAGIC = 0x435a5453; // "CZTS"

  @TempDir Path dir;

  private SnapshotFile snapshot(int format) {
    return new SnapshotFile(dir.resolve("test.bin"), MAGIC, format);
  }

  @Test
  void whatIsWrittenIsReadBackAndNothingIsReadWhenThereIsNoFile() throws Exception {
    SnapshotFile file = snapshot(1);
    assertThat(file.read(in -> in.readUTF())).isEmpty();
    file.write(out -> out.writeUTF("hello"));
    assertThat(file.read(in -> in.readUTF())).hasValue("hello");
    file.write(out -> out.writeUTF("again"));
    assertThat(file.read(in -> in.readUTF())).hasValue("again");
    assertThat(dir.resolve("test.bin.tmp")).doesNotExist();
  }

  @Test
  void anotherKindOrFormatIsRefused() throws Exception {
    snapshot(1).write(out -> out.writeUTF("hello"));
    assertThatThrownBy(() -> snapshot(2).read(in -> in.readUTF()))
        .isInstanceOf(SnapshotFile.Refused.class)
        .hasMessage("it is of an older or newer format (1)");
    SnapshotFile other = new SnapshotFile(dir.resolve("test.bin"), MAGIC + 1, 1);
    assertThatThrownBy(() -> other.read(in -> in.readUTF()))
        .isInstanceOf(SnapshotFile.Refused.class)
        .hasMessage("it is of another kind");
  }

  @Test
  void aTruncatedOrDamagedFileIsRefused() throws Exception {
    SnapshotFile file = snapshot(1);
    file.write(out -> out.writeUTF("a longer content than the header"));
    byte[] whole = Files.readAllBytes(file.path());

    Files.write(file.path(), Arrays.copyOf(whole, whole.length - 3));
    assertThatThrownBy(() -> file.read(in -> in.readUTF())).hasMessage("it is truncated");

    byte[] damaged = whole.clone();
    damaged[12] ^= 1;
    Files.write(file.path(), damaged);
    assertThatThrownBy(() -> file.read(in -> in.readUTF())).hasMessage("it is corrupt (checksum)");
  }

  @Test
  void whatTheReadingRefusesIsRefusedWithItsReason() throws Exception {
    SnapshotFile file = snapshot(1);
    file.write(out -> out.writeInt(7));
    assertThatThrownBy(
            () ->
                file.read(
                    in -> {
                      throw new SnapshotFile.Refused("it is of another library root");
                    }))
        .hasMessage("it is of another library root");
  }
}
