package mmr.model.encode;

import static mmr.model.image.TestImages.circle;
import static mmr.model.image.TestImages.square;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;

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

    @Test
    void emptyBatchGivesNoRows() {
        assertThat(encoder.encode(List.of())).isEmpty();
    }
}
