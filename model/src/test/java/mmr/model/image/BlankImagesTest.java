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

    @Test
    void aWhiteIconOnTransparencyIsDecodedInBlackAndAnythingVisibleOnWhiteIsLeftAsItIs() throws Exception {
        BufferedImage white = TestImages.circle(40, Color.WHITE, 0, true);
        assertThat(BlankImages.isBlank(white)).as("white on transparency composites to all white").isTrue();

        BufferedImage decoded = new ImageDecoder().decode(TestImages.bytes(white, "png"), "white icon");
        assertThat(BlankImages.isBlank(decoded)).isFalse();
        BufferedImage black = TestImages.circle(40, Color.BLACK, 0, true);
        for (int y = 0; y < black.getHeight(); y++) {
            for (int x = 0; x < black.getWidth(); x++) {
                assertThat(decoded.getRGB(x, y) >>> 24).isEqualTo(white.getRGB(x, y) >>> 24);
                if ((black.getRGB(x, y) >>> 24) == 255) {
                    assertThat(decoded.getRGB(x, y)).as("drawn in black at (%d, %d)", x, y).isEqualTo(0xFF000000);
                }
            }
        }

        BufferedImage red = TestImages.circle(40, Color.RED, 0, true);
        assertThat(BlankImages.visibleOnWhite(red)).as("visible on white: the same image").isSameAs(red);
        BufferedImage transparent = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        assertThat(BlankImages.visibleOnWhite(transparent)).as("nothing drawn: still blank").isSameAs(transparent);
        BufferedImage whiteOnWhite = flat(Color.WHITE);
        assertThat(BlankImages.isBlank(new ImageDecoder().decode(TestImages.bytes(whiteOnWhite, "png"), "white"))).isTrue();
        String svg = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'><circle cx='12' cy='12' r='8' fill='#fff'/></svg>";
        assertThat(BlankImages.isBlank(new ImageDecoder().decode(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8), "svg")))
                .as("a white SVG icon").isFalse();
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
