package mmr.model.encode;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.IntStream;

import mmr.model.image.Raster;

/**
 * The weight-free visual descriptor (512-d). Four blocks, each L2-normalised and weighted equally:
 * <ol>
 *   <li>colour distribution — a 4×4×4 joint RGB histogram over covered pixels, Hellinger-mapped (64);</li>
 *   <li>spatial colour layout — darkness and two chroma channels (YCbCr) on an 8×8 grid (192);</li>
 *   <li>gradient orientations — 12 signed directions on a 4×4 grid of cells, HOG-like (192);</li>
 *   <li>shape layout — alpha coverage (or ink, for opaque images) on an 8×8 grid (64).</li>
 * </ol>
 * Images are composited on white and area-resampled to 64×64 first, so icons and photos of any
 * size give comparable vectors.
 * <p>
 * Plain Java loops over the 64×64 raster: the descriptor is a few passes over 4,096 pixels, so a
 * tensor library's cost per operation (about sixty of them) would be most of its time — it ran on
 * the PyTorch engine until version 1's vectors were reproduced here (the test keeps that
 * implementation as its reference), which is why the version did not change.
 */
public final class DescriptorEncoder implements ImageEncoder {
    public static final String NAME = "descriptor";
    public static final String VERSION = "1";
    public static final int DIMENSION = 512;

    static final int SIZE = 64;
    private static final int N = SIZE * SIZE;
    private static final int HIST_LEVELS = 4;
    private static final int BINS = HIST_LEVELS * HIST_LEVELS * HIST_LEVELS;
    private static final int ORIENTATIONS = 12;
    private static final int COLOUR_GRID = 8;
    private static final int GRADIENT_GRID = 4;
    private static final float EPS = 1e-12f;
    /** Where each block starts in the vector. */
    private static final int HISTOGRAM_AT = 0;
    private static final int LAYOUT_AT = HISTOGRAM_AT + BINS;
    private static final int GRADIENT_AT = LAYOUT_AT + 3 * COLOUR_GRID * COLOUR_GRID;
    private static final int SHAPE_AT = GRADIENT_AT + GRADIENT_GRID * GRADIENT_GRID * ORIENTATIONS;

    private final EncoderIdentity identity = new EncoderIdentity(NAME, DIMENSION, VERSION);
    private final float[] cos = new float[ORIENTATIONS];
    private final float[] sin = new float[ORIENTATIONS];

    public DescriptorEncoder() {
        for (int k = 0; k < ORIENTATIONS; k++) {
            double theta = 2 * Math.PI * k / ORIENTATIONS;
            cos[k] = (float) Math.cos(theta);
            sin[k] = (float) Math.sin(theta);
        }
    }

    @Override
    public EncoderIdentity identity() {
        return identity;
    }

    @Override
    public float[][] encode(List<BufferedImage> images) {
        float[][] out = new float[images.size()][];
        IntStream range = IntStream.range(0, images.size());
        (images.size() > 1 ? range.parallel() : range).forEach(i -> out[i] = encode(Raster.of(images.get(i), SIZE)));
        return out;
    }

    private float[] encode(Raster raster) {
        float[] v = new float[DIMENSION];
        colourHistogram(raster, v);
        colourLayout(raster, v);
        gradientOrientations(raster, v);
        shapeLayout(raster, v);
        unit(v, HISTOGRAM_AT, BINS);
        unit(v, LAYOUT_AT, GRADIENT_AT - LAYOUT_AT);
        unit(v, GRADIENT_AT, SHAPE_AT - GRADIENT_AT);
        unit(v, SHAPE_AT, DIMENSION - SHAPE_AT);
        unit(v, 0, DIMENSION);
        return v;
    }

    /** 4×4×4 joint RGB histogram weighted by coverage, on a 32×32 pooled image; Hellinger-mapped. */
    private static void colourHistogram(Raster raster, float[] v) {
        float[] rgb = raster.rgb;
        int half = SIZE / 2;
        float total = 0;
        for (int y = 0; y < half; y++) {
            for (int x = 0; x < half; x++) {
                int p = 2 * y * SIZE + 2 * x;
                int bin = 0;
                for (int c = 0; c < 3; c++) {
                    float mean = cell2(rgb, c * N + p);
                    float level = (float) Math.floor(Math.min(Math.max(mean * HIST_LEVELS, 0f), HIST_LEVELS - 1e-3f));
                    bin = bin * HIST_LEVELS + (int) level;
                }
                float weight = cell2(raster.alpha, p);
                v[HISTOGRAM_AT + bin] += weight;
                total += weight;
            }
        }
        total = Math.max(total, EPS);
        for (int i = 0; i < BINS; i++) {
            v[HISTOGRAM_AT + i] = (float) Math.sqrt(v[HISTOGRAM_AT + i] / total);
        }
    }

    /**
     * Mean of the 2×2 cell whose top-left pixel is {@code at}, summed row by row as the tensor
     * implementation did: a mean on a histogram level's edge then falls into the same bin.
     */
    private static float cell2(float[] plane, int at) {
        return ((plane[at] + plane[at + 1]) + (plane[at + SIZE] + plane[at + SIZE + 1])) / 4f;
    }

    /** Darkness (1-Y) and chroma (Cb, Cr) averaged on an 8×8 grid; white background is zero. */
    private static void colourLayout(Raster raster, float[] v) {
        float[] rgb = raster.rgb;
        int cell = SIZE / COLOUR_GRID;
        int cells = COLOUR_GRID * COLOUR_GRID;
        for (int p = 0; p < N; p++) {
            float r = rgb[p];
            float g = rgb[N + p];
            float b = rgb[2 * N + p];
            int at = (p / SIZE / cell) * COLOUR_GRID + (p % SIZE) / cell;
            v[LAYOUT_AT + at] += r * -0.299f + g * -0.587f + b * -0.114f + 1f;
            v[LAYOUT_AT + cells + at] += r * -0.168736f + g * -0.331264f + b * 0.5f;
            v[LAYOUT_AT + 2 * cells + at] += r * 0.5f + g * -0.418688f + b * -0.081312f;
        }
        for (int i = LAYOUT_AT; i < GRADIENT_AT; i++) {
            v[i] /= cell * cell;
        }
    }

    /** Gradient energy in 12 signed directions, summed over a 4×4 grid of 16×16-pixel cells. */
    private void gradientOrientations(Raster raster, float[] v) {
        float[] rgb = raster.rgb;
        float[] luma = new float[N];
        for (int p = 0; p < N; p++) {
            luma[p] = rgb[p] * 0.299f + rgb[N + p] * 0.587f + rgb[2 * N + p] * 0.114f;
        }
        int cell = SIZE / GRADIENT_GRID;
        float[] sharp = new float[ORIENTATIONS];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int p = y * SIZE + x;
                float gx = x + 1 < SIZE ? luma[p + 1] - luma[p] : 0f;
                float gy = y + 1 < SIZE ? luma[p + SIZE] - luma[p] : 0f;
                float magnitude = (float) Math.sqrt(gx * gx + gy * gy);
                if (magnitude == 0f) {
                    continue;
                }
                float sum = 0;
                for (int k = 0; k < ORIENTATIONS; k++) {
                    float projection = Math.max(0f, gx * cos[k] + gy * sin[k]);
                    float square = projection * projection;
                    sharp[k] = square * square;
                    sum += sharp[k];
                }
                sum = Math.max(sum, EPS);
                int at = GRADIENT_AT + ((y / cell) * GRADIENT_GRID + x / cell) * ORIENTATIONS;
                for (int k = 0; k < ORIENTATIONS; k++) {
                    v[at + k] += sharp[k] / sum * magnitude;
                }
            }
        }
        for (int i = GRADIENT_AT; i < SHAPE_AT; i++) {
            v[i] = (float) Math.sqrt(v[i]);
        }
    }

    /** Alpha coverage on an 8×8 grid for images with transparency; ink (1 - min RGB) otherwise. */
    private static void shapeLayout(Raster raster, float[] v) {
        float[] rgb = raster.rgb;
        float[] alpha = raster.alpha;
        boolean transparent = false;
        for (float a : alpha) {
            if (a < 0.999f) {
                transparent = true;
                break;
            }
        }
        int cell = SIZE / COLOUR_GRID;
        for (int p = 0; p < N; p++) {
            float value = transparent ? alpha[p] : 1f - Math.min(rgb[p], Math.min(rgb[N + p], rgb[2 * N + p]));
            v[SHAPE_AT + (p / SIZE / cell) * COLOUR_GRID + (p % SIZE) / cell] += value;
        }
        for (int i = SHAPE_AT; i < DIMENSION; i++) {
            v[i] /= cell * cell;
        }
    }

    /** L2-normalises {@code v[from, from + length)}; an all-zero range stays zero. */
    private static void unit(float[] v, int from, int length) {
        double sum = 0;
        for (int i = from; i < from + length; i++) {
            sum += (double) v[i] * v[i];
        }
        float norm = Math.max((float) Math.sqrt(sum), EPS);
        for (int i = from; i < from + length; i++) {
            v[i] /= norm;
        }
    }

    @Override
    public void close() {
        // nothing native to release
    }
}
