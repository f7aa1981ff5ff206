package mmr.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Random;

import org.junit.jupiter.api.Test;

class PixelsTest {
    /** Every type, whole and as a subimage (a raster that starts inside its array), reads as getRGB does. */
    @Test
    void readsWhatGetRgbReads() {
        int[] types = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_3BYTE_BGR,
                BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_INT_ARGB_PRE,
                BufferedImage.TYPE_BYTE_INDEXED, BufferedImage.TYPE_USHORT_565_RGB};
        for (int type : types) {
            BufferedImage image = drawing(37, 23, type);
            for (BufferedImage im : new BufferedImage[] {image, image.getSubimage(5, 3, 20, 11)}) {
                int w = im.getWidth();
                assertThat(Pixels.argb(im)).as("type " + type + ", " + w + " wide")
                        .containsExactly(im.getRGB(0, 0, w, im.getHeight(), null, 0, w));
            }
        }
    }

    private static BufferedImage drawing(int w, int h, int type) {
        BufferedImage image = new BufferedImage(w, h, type);
        Graphics2D g = image.createGraphics();
        Random random = new Random(7);
        for (int i = 0; i < 30; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256), random.nextInt(256)));
            g.fillOval(random.nextInt(w), random.nextInt(h), 4 + random.nextInt(12), 4 + random.nextInt(12));
        }
        g.dispose();
        return image;
    }
}
