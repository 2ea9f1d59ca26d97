package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BinaryCodesTest {

  @Test
  void oneSignBitPerDimensionMostSignificantFirst() {
    float[] v = new float[384];
    v[0] = 0.5f;
    v[9] = 0.1f;
    v[383] = 1e-6f;
    v[1] = -0.3f;

    byte[] code = BinaryCodes.encode(v);

    assertThat(code).hasSize(48);
    assertThat(code[0]).isEqualTo((byte) 0x80);
    assertThat(code[1]).isEqualTo((byte) 0x40);
    assertThat(code[47]).isEqualTo((byte) 0x01);
    assertThat(BinaryCodes.bytes(384)).isEqualTo(48);
  }

  @Test
  void hammingCountsDifferingBits() {
    byte[] a = {(byte) 0xff, 0x00, 0x0f};
    byte[] b = {(byte) 0x0f, 0x00, (byte) 0xff};

    assertThat(BinaryCodes.hamming(a, a)).isZero();
    assertThat(BinaryCodes.hamming(a, b)).isEqualTo(8);
    assertThatThrownBy(() -> BinaryCodes.hamming(a, new byte[2]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nearestOrdersByDistanceThenIndexAndLeavesOutTheQuery() {
    byte[][] codes = {{0b0000}, {0b0111}, {0b0001}, {0b0011}, {0b0001}};

    assertThat(BinaryCodes.nearest(codes[0], codes, 3, 0)).containsExactly(2, 4, 3);
  }

  @Test
  void rerankOrdersCandidatesByCosine() {
    float[][] vectors = {{1, 0}, {0, 1}, {0.6f, 0.8f}, {0.8f, 0.6f}};

    assertThat(BinaryCodes.rerank(vectors[0], vectors, new int[] {1, 2, 3}, 2))
        .containsExactly(3, 2);
  }
}
