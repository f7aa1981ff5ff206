package mmr.model.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VectorsTest {
    @Test
    void float32BytesRoundTripExactlyAndLittleEndian() {
        float[] v = {0f, -0f, 1.5f, -2.25e-7f, Float.MAX_VALUE, Float.MIN_VALUE, Float.NaN, Float.NEGATIVE_INFINITY};
        byte[] bytes = Vectors.toBytes(v);
        assertThat(bytes).hasSize(4 * v.length);
        assertThat(Vectors.fromBytes(bytes)).containsExactly(v);
        // 1.5f is 0x3FC00000: its lowest byte first
        assertThat(new byte[] {bytes[8], bytes[9], bytes[10], bytes[11]}).containsExactly(0x00, 0x00, 0xC0, 0x3F);
        assertThat(Vectors.fromBytes(new byte[0])).isEmpty();
    }

    @Test
    void bytesThatAreNotWholeFloatsAreRefused() {
        assertThatThrownBy(() -> Vectors.fromBytes(new byte[6])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("float32 bytes must come in fours, got 6");
    }
}
