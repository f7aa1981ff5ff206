package mmr.model.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * An image resampled to a fixed square size with its alpha composited on white, as planar
 * float arrays in [0, 1]. Resampling is exact area averaging of premultiplied colour, so small
 * icons and large photos both reduce without aliasing.
 */
public final class Raster {
    public final int size;
    /** Planar composited RGB: {@code rgb[c * size * size + y * size + x]}. */
    public final float[] rgb;
    /** Coverage (alpha) per pixel; all ones for opaque images. */
    public final float[] alpha;

    private Raster(int size, float[] rgb, float[] alpha) {
        this.size = size;
        this.rgb = rgb;
        this.alpha = alpha;
    }

    public static Raster of(BufferedImage image, int size) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        int n = size * size;
        double[] acc = new double[4 * n];
        double[] xs = edges(w, size);
        double[] ys = edges(h, size);
        // Area-average: each source pixel spreads over the target cells its footprint overlaps.
        int[] xCell = new int[w + 1];
        for (int x = 0; x <= w; x++) {
            xCell[x] = Math.min(size - 1, (int) Math.floor(x * (double) size / w));
        }
        for (int y = 0; y < h; y++) {
            int ty0 = (int) Math.min(size - 1, Math.floor(y * (double) size / h));
            int ty1 = (int) Math.min(size - 1, Math.floor((y + 1) * (double) size / h - 1e-9));
            for (int x = 0; x < w; x++) {
                int p = argb[y * w + x];
                double a = ((p >>> 24) & 0xFF) / 255.0;
                double r = ((p >>> 16) & 0xFF) / 255.0 * a;
                double g = ((p >>> 8) & 0xFF) / 255.0 * a;
                double b = (p & 0xFF) / 255.0 * a;
                int tx0 = xCell[x];
                int tx1 = (int) Math.min(size - 1, Math.floor((x + 1) * (double) size / w - 1e-9));
                for (int ty = ty0; ty <= ty1; ty++) {
                    double fy = overlap(y, y + 1, ys[ty], ys[ty + 1]);
                    for (int tx = tx0; tx <= tx1; tx++) {
                        double f = fy * overlap(x, x + 1, xs[tx], xs[tx + 1]);
                        int t = ty * size + tx;
                        acc[t] += r * f;
                        acc[n + t] += g * f;
                        acc[2 * n + t] += b * f;
                        acc[3 * n + t] += a * f;
                    }
                }
            }
        }
        double cellArea = (w / (double) size) * (h / (double) size);
        float[] rgb = new float[3 * n];
        float[] alpha = new float[n];
        for (int t = 0; t < n; t++) {
            double a = acc[3 * n + t] / cellArea;
            alpha[t] = (float) Math.min(1, a);
            double white = Math.max(0, 1 - a);
            for (int c = 0; c < 3; c++) {
                rgb[c * n + t] = (float) Math.min(1, acc[c * n + t] / cellArea + white);
            }
        }
        return new Raster(size, rgb, alpha);
    }

    /** Copy of {@code image} with alpha composited on white, as opaque RGB. */
    public static BufferedImage onWhite(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static double[] edges(int sourceLength, int size) {
        double[] e = new double[size + 1];
        for (int i = 0; i <= size; i++) {
            e[i] = i * (double) sourceLength / size;
        }
        return e;
    }

    private static double overlap(double a0, double a1, double b0, double b1) {
        return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
    }
}
