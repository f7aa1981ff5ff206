package mmr.model.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/** Small synthetic images drawn with Java2D for encoder and decoder tests. */
public final class TestImages {
    private TestImages() {}

    /** A filled circle of {@code colour} on a transparent (or white, if opaque) square canvas. */
    public static BufferedImage circle(int size, Color colour, int dx, boolean transparent) {
        BufferedImage img = new BufferedImage(size, size,
                transparent ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        if (!transparent) {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, size, size);
        }
        g.setColor(colour);
        int r = size * 3 / 8;
        g.fillOval(size / 2 - r + dx, size / 2 - r, 2 * r, 2 * r);
        g.dispose();
        return img;
    }

    /** A filled square of {@code colour} on a transparent canvas. */
    public static BufferedImage square(int size, Color colour) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setColor(colour);
        g.fillRect(size / 8, size / 8, size * 3 / 4, size * 3 / 4);
        g.dispose();
        return img;
    }

    /** A PNG signature and IHDR declaring {@code width}×{@code height} pixels, with no pixel data behind it. */
    public static byte[] pngHeaderOnly(int width, int height) {
        return CraftedImages.pngHeader(width, height, 8);
    }

    public static byte[] bytes(BufferedImage image, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
