package mmr.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

import org.junit.jupiter.api.Test;

/** Blank from the pixels, whatever the encoder would make of them. */
class BlankImagesTest {
    @Test
    void transparentFlatAndNearlyFlatImagesAreBlankAnythingDrawnIsNot() throws Exception {
        assertThat(BlankImages.isBlank(new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB))).as("fully transparent").isTrue();
        assertThat(BlankImages.isBlank(flat(new Color(200, 20, 20)))).as("one flat colour").isTrue();
        assertThat(BlankImages.isBlank(TestImages.square(64, Color.RED))).as("a red square on transparent").isFalse();
        BufferedImage jpeg = new ImageDecoder().decode(TestImages.bytes(flat(new Color(30, 90, 200)), "jpeg"), "q");
        assertThat(BlankImages.isBlank(jpeg)).as("a flat colour through JPEG").isTrue();
        BufferedImage dot = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        dot.setRGB(40, 40, 0xFF000000);
        assertThat(BlankImages.isBlank(dot)).as("one black pixel on transparent").isFalse();
        BufferedImage faint = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        faint.setRGB(3, 3, 0x08000000);
        assertThat(BlankImages.isBlank(faint)).as("a black pixel at alpha 8/255 composites to 247, beyond the tolerance").isFalse();
        assertThat(BlankImages.isBlank(TestImages.circle(40, Color.RED, 0, true))).isFalse();
    }

    private static BufferedImage flat(Color colour) {
        BufferedImage out = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, 64, 64);
        g.dispose();
        return out;
    }
}
