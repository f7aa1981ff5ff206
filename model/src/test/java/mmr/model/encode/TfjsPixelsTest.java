package mmr.model.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The TF.js encoders' input: TF's resizeBilinear with corners aligned, against its definition. */
class TfjsPixelsTest {
    /** The definition, one output value at a time (the form the encoder had before its columns were worked out once). */
    private static float reference(int[] rgb, int w, int h, int side, int y, int x, int c) {
        double sy = side > 1 ? (h - 1) / (double) (side - 1) : 0;
        double sx = side > 1 ? (w - 1) / (double) (side - 1) : 0;
        double fy = y * sy;
        int y0 = (int) Math.floor(fy);
        int y1 = Math.min(y0 + 1, h - 1);
        double dy = fy - y0;
        double fx = x * sx;
        int x0 = (int) Math.floor(fx);
        int x1 = Math.min(x0 + 1, w - 1);
        double dx = fx - x0;
        int shift = 16 - 8 * c;
        double top = ((rgb[y0 * w + x0] >> shift) & 0xff) * (1 - dx) + ((rgb[y0 * w + x1] >> shift) & 0xff) * dx;
        double bottom = ((rgb[y1 * w + x0] >> shift) & 0xff) * (1 - dx) + ((rgb[y1 * w + x1] >> shift) & 0xff) * dx;
        return (float) ((top * (1 - dy) + bottom * dy) / 255.0);
    }

    @Test
    void resizesBilinearlyWithCornersAlignedToTheLastBit() {
        SplittableRandom rng = new SplittableRandom(7);
        int[][] sizes = {{64, 64}, {72, 40}, {1, 1}, {3, 200}, {300, 17}};
        for (int[] size : sizes) {
            BufferedImage image = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size[1]; y++) {
                for (int x = 0; x < size[0]; x++) {
                    image.setRGB(x, y, rng.nextInt(1 << 24));
                }
            }
            int[] rgb = image.getRGB(0, 0, size[0], size[1], null, 0, size[0]);
            for (int side : new int[] {1, 37, 128}) {
                float[] out = new float[5 + side * side * 3];
                TfjsEncoder.pixels(image, side, out, 5);
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        for (int c = 0; c < 3; c++) {
                            float expected = reference(rgb, size[0], size[1], side, y, x, c);
                            assertThat(out[5 + (y * side + x) * 3 + c]).as("%dx%d at side %d, (%d, %d) channel %d", size[0], size[1],
                                    side, x, y, c).isEqualTo(expected);
                        }
                    }
                }
            }
        }
    }

    @Test
    void cornersAreTheImagesCorners() {
        BufferedImage image = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xff0000);
        image.setRGB(4, 0, 0x00ff00);
        image.setRGB(0, 3, 0x0000ff);
        image.setRGB(4, 3, 0xffffff);
        float[] out = new float[9 * 9 * 3];
        TfjsEncoder.pixels(image, 9, out, 0);
        assertThat(new float[] {out[0], out[1], out[2]}).containsExactly(1f, 0f, 0f);
        assertThat(new float[] {out[8 * 3], out[8 * 3 + 1], out[8 * 3 + 2]}).containsExactly(0f, 1f, 0f);
        assertThat(new float[] {out[72 * 3], out[72 * 3 + 1], out[72 * 3 + 2]}).containsExactly(0f, 0f, 1f);
        assertThat(new float[] {out[80 * 3], out[80 * 3 + 1], out[80 * 3 + 2]}).containsExactly(1f, 1f, 1f);
    }
}
