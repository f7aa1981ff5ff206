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
        int[] argb = Pixels.argb(image);
        int n = size * size;
        double[] acc = new double[4 * n];
        // Area-average: each source pixel spreads over the target cells its footprint overlaps. Each
        // column's and row's cells and overlaps are worked out once; the sums keep their order.
        Footprints cols = new Footprints(w, size);
        Footprints rows = new Footprints(h, size);
        double[] unit = new double[256];
        for (int v = 0; v < 256; v++) {
            unit[v] = v / 255.0;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = argb[y * w + x];
                double a = unit[(p >>> 24) & 0xFF];
                double r = unit[(p >>> 16) & 0xFF] * a;
                double g = unit[(p >>> 8) & 0xFF] * a;
                double b = unit[p & 0xFF] * a;
                for (int i = 0; i < rows.count[y]; i++) {
                    int ty = rows.first[y] + i;
                    double fy = rows.overlap[rows.at[y] + i];
                    for (int j = 0; j < cols.count[x]; j++) {
                        double f = fy * cols.overlap[cols.at[x] + j];
                        int t = ty * size + cols.first[x] + j;
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

    /**
     * {@code image} with alpha composited on white: the image itself when it is opaque RGB already (a
     * decoded JPEG; the copy would hold the same pixels), else an opaque RGB copy.
     */
    public static BufferedImage opaque(BufferedImage image) {
        int type = image.getType();
        return type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_3BYTE_BGR ? image : onWhite(image);
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

    /** Along one axis of {@code length} source pixels resampled to {@code size} cells: the cells each pixel overlaps, and by how much. */
    private static final class Footprints {
        final int[] first;
        final int[] count;
        final int[] at;          // where pixel i's overlaps start in {@code overlap}
        final double[] overlap;

        Footprints(int length, int size) {
            double[] edges = edges(length, size);
            first = new int[length];
            count = new int[length];
            at = new int[length];
            int total = 0;
            for (int i = 0; i < length; i++) {
                first[i] = (int) Math.min(size - 1, Math.floor(i * (double) size / length));
                int last = (int) Math.min(size - 1, Math.floor((i + 1) * (double) size / length - 1e-9));
                count[i] = Math.max(0, last - first[i] + 1);
                at[i] = total;
                total += count[i];
            }
            overlap = new double[total];
            for (int i = 0; i < length; i++) {
                for (int c = 0; c < count[i]; c++) {
                    int cell = first[i] + c;
                    overlap[at[i] + c] = overlap(i, i + 1, edges[cell], edges[cell + 1]);
                }
            }
        }
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
