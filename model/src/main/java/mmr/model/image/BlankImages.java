package mmr.model.image;

import java.awt.image.BufferedImage;

/**
 * Whether a decoded image shows nothing: every pixel, composited on white as the encoders see it,
 * the same colour (a fully transparent image is all white). Decided from the pixels before encoding,
 * so the answer does not depend on the encoder (a CNN gives a blank image non-zero features).
 */
public final class BlankImages {
    /** Largest spread per channel (0..255) still called one colour: lossy codecs add a little noise. */
    public static final int TOLERANCE = 2;

    private BlankImages() {}

    public static boolean isBlank(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] row = new int[w];
        int minR = 255, minG = 255, minB = 255, maxR = 0, maxG = 0, maxB = 0;
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int argb : row) {
                int a = argb >>> 24;
                int r = onWhite((argb >> 16) & 0xFF, a);
                int g = onWhite((argb >> 8) & 0xFF, a);
                int b = onWhite(argb & 0xFF, a);
                minR = Math.min(minR, r);
                maxR = Math.max(maxR, r);
                minG = Math.min(minG, g);
                maxG = Math.max(maxG, g);
                minB = Math.min(minB, b);
                maxB = Math.max(maxB, b);
            }
            if (maxR - minR > TOLERANCE || maxG - minG > TOLERANCE || maxB - minB > TOLERANCE) {
                return false;
            }
        }
        return true;
    }

    private static int onWhite(int channel, int alpha) {
        return (channel * alpha + 255 * (255 - alpha) + 127) / 255;
    }
}
