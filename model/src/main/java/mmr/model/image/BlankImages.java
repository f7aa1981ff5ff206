package mmr.model.image;

import java.awt.image.BufferedImage;

/**
 * Whether a decoded image shows nothing: every pixel, composited on white as the encoders see it,
 * the same colour (a fully transparent image is all white). Decided from the pixels before encoding,
 * so the answer does not depend on the encoder (a CNN gives a blank image non-zero features).
 * An image drawn in white on transparency — icons made for dark backgrounds — would be blank that way
 * although its alpha holds a shape; {@link #visibleOnWhite} redraws such an image in black.
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

    /**
     * {@code image} itself, or — when it is one light colour on transparency, so that composited on white it
     * shows nothing while its alpha varies — a copy drawn in black with the same alpha: its shape is what
     * the encoders then see, as for an icon drawn in black. An image that shows anything on white is
     * returned as it is, so such images' features do not depend on this.
     */
    public static BufferedImage visibleOnWhite(BufferedImage image) {
        if (!image.getColorModel().hasAlpha() || !isBlank(image)) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int[] row = new int[w];
        int min = 255;
        int max = 0;
        for (int y = 0; y < h && max - min <= TOLERANCE; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int argb : row) {
                min = Math.min(min, argb >>> 24);
                max = Math.max(max, argb >>> 24);
            }
        }
        if (max - min <= TOLERANCE) {
            return image;
        }
        BufferedImage ink = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                row[x] &= 0xFF000000;
            }
            ink.setRGB(0, y, w, 1, row, 0, w);
        }
        return ink;
    }

    private static int onWhite(int channel, int alpha) {
        return (channel * alpha + 255 * (255 - alpha) + 127) / 255;
    }
}
