package mmr.model.tfjs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;

/** TensorFlow's convolution and pooling semantics on DJL's NCHW arrays, shared by the layers and graph runners. */
final class TfOps {
    private TfOps() {}

    /**
     * The OIHW kernel of TF's HWIO weights (a depthwise one's HWCM as {@code (kh, kw, C·M, 1)}), laid out
     * contiguously in that order. A permuted view of the weights is not, and PyTorch's convolution then
     * copies the kernel into its own layout on every call, which for one image at a time is a large part
     * of the pass; {@code duplicate()} keeps a view's strides, so the copy here is made by flattening.
     */
    static NDArray oihwKernel(NDManager m, float[] weights, long kh, long kw, long ins, long outs, boolean depthwise) {
        try (NDManager scratch = m.newSubManager()) {
            NDArray view = depthwise ? scratch.create(weights, new Shape(kh, kw, outs, 1)).transpose(2, 3, 0, 1)
                    : scratch.create(weights, new Shape(kh, kw, ins, outs)).transpose(3, 2, 0, 1);
            NDArray kernel = view.flatten().reshape(view.getShape());
            kernel.attach(m);
            return kernel;
        }
    }

    /**
     * A convolution with TF's padding: 'valid', or 'same' with the extra row/column at the
     * bottom/right. {@code kernel} is OIHW; {@code groups} is the input channel count for a depthwise one.
     */
    static NDArray conv(NDArray x, NDArray kernel, NDArray bias, int[] k, int[] s, int[] d, boolean same, int groups) {
        Shape padding = new Shape(0, 0);
        if (same) {
            int[] effective = {(k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1};
            int[] pad = samePadding(x, effective, s);
            if (pad[0] == pad[1] && pad[2] == pad[3]) {
                padding = new Shape(pad[0], pad[2]);
            } else {
                x = x.pad(new Shape(pad[2], pad[3], pad[0], pad[1]), 0);
            }
        }
        return Conv2d.conv2d(x, kernel, bias, new Shape(s[0], s[1]), padding, new Shape(d[0], d[1]), groups).singletonOrThrow();
    }

    /**
     * Max or average pooling with TF's padding; a 'same' average counts only the window's real
     * cells, as TF does.
     */
    static NDArray pool(NDArray x, int[] k, int[] s, boolean same, boolean max) {
        if (same) {
            int[] pad = samePadding(x, k, s);
            Shape padding = new Shape(pad[2], pad[3], pad[0], pad[1]);
            if (!max) {
                // TF averages over the window's real cells only: the zero-padded sums divided by the pooled
                // share of real cells. (DJL's PyTorch avgPool2d counted its own padding whatever
                // countIncludePad said — measured — so the padding is explicit here.)
                Shape valid = new Shape(0, 0);
                NDArray sums = Pool.avgPool2d(x.pad(padding, 0), new Shape(k[0], k[1]), new Shape(s[0], s[1]), valid, false, true);
                NDArray real = x.getManager().ones(new Shape(1, 1, x.getShape().get(2), x.getShape().get(3))).pad(padding, 0);
                return sums.div(Pool.avgPool2d(real, new Shape(k[0], k[1]), new Shape(s[0], s[1]), valid, false, true));
            }
            if (pad[0] == pad[1] && pad[2] == pad[3]) {
                return Pool.maxPool2d(x, new Shape(k[0], k[1]), new Shape(s[0], s[1]), new Shape(pad[0], pad[2]), false);
            }
            x = x.pad(padding, Float.NEGATIVE_INFINITY);
        }
        Shape none = new Shape(0, 0);
        return max ? Pool.maxPool2d(x, new Shape(k[0], k[1]), new Shape(s[0], s[1]), none, false)
                : Pool.avgPool2d(x, new Shape(k[0], k[1]), new Shape(s[0], s[1]), none, false, false);
    }

    /** TF's 'same' padding of an NCHW input: {top, bottom, left, right}. */
    static int[] samePadding(NDArray x, int[] k, int[] s) {
        int[] out = new int[4];
        for (int a = 0; a < 2; a++) {
            long size = x.getShape().get(2 + a);
            long outSize = (size + s[a] - 1) / s[a];
            long total = Math.max((outSize - 1) * s[a] + k[a] - size, 0);
            out[2 * a] = (int) (total / 2);
            out[2 * a + 1] = (int) (total - total / 2);
        }
        return out;
    }

    /** The mean over H and W of an NCHW array (one axis at a time: the engine reduces one axis per call). */
    static NDArray spatialMean(NDArray x) {
        return x.mean(new int[] {3}).mean(new int[] {2});
    }

    /** An output as N rows: a 4-d one averaged over space first. */
    static float[][] rows(NDArray y, int n) {
        NDArray pooled = y.getShape().dimension() == 4 ? spatialMean(y) : y;
        if (pooled.getShape().dimension() != 2) {
            throw new IllegalArgumentException("the TF.js output has shape " + y.getShape() + "; read: N×C or N×H×W×C");
        }
        float[] flat = pooled.toFloatArray();
        int c = (int) pooled.getShape().get(1);
        float[][] rows = new float[n][c];
        for (int r = 0; r < n; r++) {
            System.arraycopy(flat, r * c, rows[r], 0, c);
        }
        return rows;
    }
}
