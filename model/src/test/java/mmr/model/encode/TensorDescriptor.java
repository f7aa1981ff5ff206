package mmr.model.encode;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.stream.IntStream;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

import mmr.model.image.Raster;

/**
 * {@link DescriptorEncoder} as it was computed up to this release: the same 512 values with NDArray
 * operations on the PyTorch engine. Catalogs imported then hold these vectors under the same
 * identity ({@code descriptor/512/1}), so the plain-Java encoder must reproduce them.
 */
final class TensorDescriptor implements AutoCloseable {
    static final int DIMENSION = 512;
    static final int SIZE = 64;
    private static final int HIST_LEVELS = 4;
    private static final int ORIENTATIONS = 12;
    private static final float EPS = 1e-12f;

    private final NDManager base;
    private final float[] directions;

    TensorDescriptor() {
        this.base = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        this.directions = new float[2 * ORIENTATIONS];
        for (int k = 0; k < ORIENTATIONS; k++) {
            double theta = 2 * Math.PI * k / ORIENTATIONS;
            directions[k] = (float) Math.cos(theta);
            directions[ORIENTATIONS + k] = (float) Math.sin(theta);
        }
    }

    float[][] encode(List<BufferedImage> images) {
        int b = images.size();
        if (b == 0) {
            return new float[0][];
        }
        int n = SIZE * SIZE;
        float[] rgb = new float[b * 3 * n];
        float[] alpha = new float[b * n];
        float[] transparent = new float[b];
        IntStream.range(0, b).parallel().forEach(i -> {
            Raster r = Raster.of(images.get(i), SIZE);
            System.arraycopy(r.rgb, 0, rgb, i * 3 * n, 3 * n);
            System.arraycopy(r.alpha, 0, alpha, i * n, n);
            boolean anyTransparent = false;
            for (float a : r.alpha) {
                if (a < 0.999f) {
                    anyTransparent = true;
                    break;
                }
            }
            transparent[i] = anyTransparent ? 1f : 0f;
        });
        try (NDManager m = base.newSubManager()) {
            NDArray rgbA = m.create(FloatBuffer.wrap(rgb), new Shape(b, 3, SIZE, SIZE));
            NDArray alphaA = m.create(FloatBuffer.wrap(alpha), new Shape(b, SIZE, SIZE));
            NDArray transparentA = m.create(FloatBuffer.wrap(transparent), new Shape(b, 1));
            NDArray features = NDArrays.concat(new NDList(
                    unit(colourHistogram(m, rgbA, alphaA)),
                    unit(colourLayout(rgbA)),
                    unit(gradientOrientations(m, rgbA)),
                    unit(shapeLayout(rgbA, alphaA, transparentA))), 1);
            float[] flat = unit(features).toFloatArray();
            float[][] out = new float[b][DIMENSION];
            for (int i = 0; i < b; i++) {
                System.arraycopy(flat, i * DIMENSION, out[i], 0, DIMENSION);
            }
            return out;
        }
    }

    /** 4×4×4 joint RGB histogram weighted by coverage, on a 32×32 pooled image; Hellinger-mapped. */
    private static NDArray colourHistogram(NDManager m, NDArray rgb, NDArray alpha) {
        long b = rgb.getShape().get(0);
        NDArray pooled = pool(rgb, 32);                               // (B,3,32,32)
        NDArray weight = pool(alpha.expandDims(1), 32).reshape(b, 1, 32 * 32);
        NDArray q = pooled.mul(HIST_LEVELS).clip(0, HIST_LEVELS - 1e-3f).floor()
                .reshape(b, 3, 32 * 32);
        NDArray index = q.get(":,0").mul(HIST_LEVELS * HIST_LEVELS)
                .add(q.get(":,1").mul(HIST_LEVELS)).add(q.get(":,2"))
                .toType(DataType.INT64, false);                       // (B,1024)
        int bins = HIST_LEVELS * HIST_LEVELS * HIST_LEVELS;
        NDArray oneHot = index.oneHot(bins, DataType.FLOAT32);         // (B,1024,64)
        NDArray hist = weight.matMul(oneHot).reshape(b, bins);         // (B,64)
        NDArray total = hist.sum(new int[] {1}, true).maximum(EPS);
        return hist.div(total).sqrt();
    }

    /** Darkness (1-Y) and chroma (Cb, Cr) averaged on an 8×8 grid; white background is zero. */
    private static NDArray colourLayout(NDArray rgb) {
        long b = rgb.getShape().get(0);
        NDArray r = rgb.get(":,0");
        NDArray g = rgb.get(":,1");
        NDArray bl = rgb.get(":,2");
        NDArray darkness = r.mul(-0.299f).add(g.mul(-0.587f)).add(bl.mul(-0.114f)).add(1f);
        NDArray cb = r.mul(-0.168736f).add(g.mul(-0.331264f)).add(bl.mul(0.5f));
        NDArray cr = r.mul(0.5f).add(g.mul(-0.418688f)).add(bl.mul(-0.081312f));
        NDArray ycc = darkness.stack(cb, 1).concat(cr.expandDims(1), 1); // (B,3,64,64)
        return pool(ycc, 8).reshape(b, 3 * 64);
    }

    /** Gradient energy in 12 signed directions, summed over a 4×4 grid of 16×16-pixel cells. */
    private NDArray gradientOrientations(NDManager m, NDArray rgb) {
        long b = rgb.getShape().get(0);
        NDArray y = rgb.get(":,0").mul(0.299f).add(rgb.get(":,1").mul(0.587f))
                .add(rgb.get(":,2").mul(0.114f));                      // (B,64,64)
        NDArray zeroCol = m.zeros(new Shape(b, SIZE, 1));
        NDArray zeroRow = m.zeros(new Shape(b, 1, SIZE));
        NDArray gx = y.get(":,:,1:").sub(y.get(":,:,:-1")).concat(zeroCol, 2);
        NDArray gy = y.get(":,1:,:").sub(y.get(":,:-1,:")).concat(zeroRow, 1);
        NDArray grad = gx.stack(gy, 3).reshape(b, SIZE * SIZE, 2);     // (B,N,2)
        NDArray dirs = m.create(directions, new Shape(2, ORIENTATIONS));
        NDArray projection = Activation.relu(grad.matMul(dirs));        // (B,N,12)
        NDArray sharp = projection.pow(4);
        NDArray share = sharp.div(sharp.sum(new int[] {2}, true).maximum(EPS));
        NDArray magnitude = grad.norm(new int[] {2}, true);             // (B,N,1)
        NDArray energy = share.mul(magnitude)
                .reshape(b, 4, SIZE / 4, 4, SIZE / 4, ORIENTATIONS)
                .sum(new int[] {2, 4});                                 // (B,4,4,12)
        return energy.reshape(b, 16 * ORIENTATIONS).sqrt();
    }

    /** Alpha coverage on an 8×8 grid for images with transparency; ink (1 - min RGB) otherwise. */
    private static NDArray shapeLayout(NDArray rgb, NDArray alpha, NDArray transparent) {
        long b = rgb.getShape().get(0);
        NDArray ink = rgb.min(new int[] {1}).neg().add(1f);             // (B,64,64)
        NDArray alphaGrid = pool(alpha.expandDims(1), 8).reshape(b, 64);
        NDArray inkGrid = pool(ink.expandDims(1), 8).reshape(b, 64);
        return alphaGrid.mul(transparent).add(inkGrid.mul(transparent.neg().add(1f)));
    }

    /** Average-pools (B,C,S,S) to (B,C,g,g) by reshaping into blocks. */
    private static NDArray pool(NDArray x, int grid) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        int cell = SIZE / grid;
        return x.reshape(b, c, grid, cell, grid, cell).sum(new int[] {3, 5}).div((float) (cell * cell));
    }

    /** Row-wise L2 normalisation; all-zero rows stay zero. */
    private static NDArray unit(NDArray x) {
        return x.div(x.norm(new int[] {1}, true).maximum(EPS));
    }

    @Override
    public void close() {
        base.close();
    }
}
