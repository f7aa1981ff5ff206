package mmr.model.encode;

import static mmr.model.image.TestImages.circle;
import static mmr.model.image.TestImages.square;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import mmr.model.vector.Vectors;

class DescriptorEncoderTest {
    private static DescriptorEncoder encoder;

    @BeforeAll
    static void open() {
        encoder = new DescriptorEncoder();
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void identityNamesTheDescriptor() {
        assertThat(encoder.identity().toString()).isEqualTo("descriptor/512/1");
    }

    @Test
    void producesUnitVectorsOfTheDeclaredDimension() {
        float[] v = encoder.encode(circle(64, Color.RED, 0, true));
        assertThat(v).hasSize(512);
        assertThat(Vectors.norm(v)).isCloseTo(1.0, within(1e-5));
        assertThat(Vectors.firstNonFinite(v)).isEqualTo(-1);
    }

    @Test
    void isDeterministic() {
        BufferedImage img = circle(64, Color.ORANGE, 3, true);
        assertThat(encoder.encode(img)).containsExactly(encoder.encode(img));
    }

    @Test
    void batchEncodingEqualsOneByOne() {
        List<BufferedImage> images = List.of(circle(64, Color.RED, 0, true), square(64, Color.BLUE),
                circle(224, Color.GREEN, -10, false), square(17, Color.BLACK));
        float[][] batch = encoder.encode(images);
        for (int i = 0; i < images.size(); i++) {
            float[] single = encoder.encode(images.get(i));
            assertThat(batch[i]).containsExactly(single, within(1e-6f));
        }
    }

    @Test
    void colourHiddenUnderFullTransparencyIsIgnored() {
        BufferedImage a = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
        BufferedImage b = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                a.setRGB(x, y, 0x00FF0000);                 // transparent red
                b.setRGB(x, y, 0x000000FF);                 // transparent blue
            }
        }
        a.setRGB(5, 5, 0xFF00FF00);
        b.setRGB(5, 5, 0xFF00FF00);
        assertThat(encoder.encode(a)).containsExactly(encoder.encode(b), within(1e-6f));
    }

    @Test
    void alphaIsCompositedOnWhite() {
        // The same red circle, once on transparency and once painted on opaque white: layout,
        // gradients and shape agree; the colour histogram differs because an opaque image
        // covers its white background too (measured 0.93).
        double sim = Vectors.cosine(encoder.encode(circle(64, Color.RED, 0, true)),
                encoder.encode(circle(64, Color.RED, 0, false)));
        assertThat(sim).isGreaterThan(0.9);
    }

    @Test
    void similarImagesAreCloserThanDifferentOnes() {
        float[] red = encoder.encode(circle(64, Color.RED, 0, true));
        float[] redShifted = encoder.encode(circle(64, Color.RED, 4, true));
        float[] redLarge = encoder.encode(circle(160, Color.RED, 0, true));
        float[] blueSquare = encoder.encode(square(64, Color.BLUE));
        assertThat(Vectors.cosine(red, redShifted)).isGreaterThan(Vectors.cosine(red, blueSquare));
        assertThat(Vectors.cosine(red, redLarge)).isGreaterThan(0.95);
        assertThat(Vectors.cosine(red, blueSquare)).isLessThan(0.65);
    }

    /**
     * Catalogs imported before the descriptor moved off the PyTorch engine hold its tensor version's
     * vectors under the same identity: a query encoded now must land on them. Noise with ragged alpha
     * is the hard case (a 2×2 mean on a histogram level's edge rounds to either bin with the
     * order of its sum); flat shapes and gradients are the common one.
     */
    @Test
    void reproducesTheTensorImplementationsVectors() {
        List<BufferedImage> images = new ArrayList<>(List.of(circle(64, Color.RED, 0, true), square(64, Color.BLUE),
                circle(224, Color.GREEN, -10, false), square(17, Color.BLACK), circle(64, Color.WHITE, 0, false)));
        // Red 132 + 255 + 253 + 125 is 765, three quarters of white exactly: in float the cell's mean
        // lands on level 3 when summed row by row and on level 2 when summed one by one.
        BufferedImage onTheEdge = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        int[][] red = {{132, 255}, {253, 125}};
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                onTheEdge.setRGB(x, y, red[y % 2][x % 2] << 16 | 0x4080);
            }
        }
        images.add(onTheEdge);
        Random random = new Random(7);
        for (int i = 0; i < 12; i++) {
            boolean transparent = i % 2 == 0;
            int side = 16 + random.nextInt(200);
            BufferedImage noise = new BufferedImage(side, side, transparent ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int smooth = (y * 255 / side) << 24 | (x * 255 / side) << 16 | (y * 255 / side) << 8 | ((x + y) * 127 / side);
                    int pixel = i < 6 ? random.nextInt() : smooth;
                    noise.setRGB(x, y, transparent ? pixel : pixel | 0xFF000000);
                }
            }
            images.add(noise);
        }
        try (TensorDescriptor reference = new TensorDescriptor()) {
            float[][] expected = reference.encode(images);
            float[][] actual = encoder.encode(images);
            for (int i = 0; i < images.size(); i++) {
                assertThat(Vectors.cosine(actual[i], expected[i])).as("image %d", i).isGreaterThan(0.99999);
                assertThat(actual[i]).as("image %d", i).containsExactly(expected[i], within(1e-5f));
            }
        }
    }

    @Test
    void emptyBatchGivesNoRows() {
        assertThat(encoder.encode(List.of())).isEmpty();
    }
}
