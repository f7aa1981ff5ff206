package mmr.model.encode;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import mmr.model.image.Pixels;
import mmr.model.image.Raster;
import mmr.model.tfjs.TfjsModel;
import mmr.model.tfjs.TfjsNet;
import mmr.model.vector.Vectors;

/**
 * Features from a pretrained TF.js model, layers or graph (e.g. the ones the {@code nsfwjs} package ships):
 * the image, composited on white, is scaled to [0, 1] and resized bilinearly (corners aligned) to the
 * model's input side — the preprocessing those models were trained with — and run up to a named layer or node,
 * whose output, averaged over space and L2-normalised, is the feature vector. Named
 * {@code tfjs-<model>-<layer>}; the version is a checksum of the model's files, so other weights are
 * another encoder. Thread-safe: each call runs in its own NDArray scope.
 */
public final class TfjsEncoder implements ImageEncoder {
    /** The user-facing spec prefix: {@code tfjs:<model folder or name>[/<layer or node>]}. */
    private final TfjsNet net;
    private final String layer;
    private final int size;
    private final NDManager base;
    private final EncoderIdentity identity;

    /**
     * @param layer the layer or node whose pooled output is the feature (its name, an end of it
     *              after a '/', or the encoder's name for it); null or empty for the features the
     *              model's classifier head reads
     */
    public TfjsEncoder(Path folder, String layer) {
        this(folder, layer, 0);
    }

    /** Smallest and largest input side an encoder may be asked to run at. */
    public static final int MIN_SIDE = 32;
    public static final int MAX_SIDE = 1024;

    /**
     * @param side the input side to run at (pixels); 0 for the model's own. Small images (icons) lose
     *             little at a smaller side and encode several times faster; the identity records it.
     */
    public TfjsEncoder(Path folder, String layer, int side) {
        if (side != 0 && (side < MIN_SIDE || side > MAX_SIDE)) {
            throw new IllegalArgumentException("input side " + side + " is out of range; accepted: " + MIN_SIDE + " to " + MAX_SIDE
                    + " pixels, or none for the model's own");
        }
        this.net = TfjsNet.of(TfjsModel.read(folder));
        try {
            this.layer = layer == null || layer.isEmpty() ? net.headInput() : net.resolve(layer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + folder + "': " + e.getMessage(), e);
        }
        int own = net.inputSize() > 0 ? net.inputSize() : 224;
        this.size = side > 0 ? side : own;
        this.base = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        int dimension;
        try {
            dimension = encode(List.of(new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB)))[0].length;
        } catch (RuntimeException e) {
            base.close();
            throw e;
        }
        this.identity = new EncoderIdentity(name(folder, net.shortName(this.layer)) + (size == own ? "" : "-" + size), dimension,
                digest(folder));
    }

    @Override
    public EncoderIdentity identity() {
        return identity;
    }

    /** The model's input side (pixels). */
    public int inputSize() {
        return size;
    }

    /**
     * Images per forward pass: a longer list is run in passes of this many, so memory stays bounded
     * whatever the caller's batch (an import writes 64–256 at a time). Measured on 2 cores with
     * mobilenet_v2_mid: 8 per pass encodes 1.3× faster than 16 or 32 at 224 px (smaller activations
     * stay in cache and out of the kernel's page faults) and the same at 128 px.
     */
    public static final int CHUNK = 8;

    @Override
    public float[][] encode(List<BufferedImage> images) {
        float[][] rows = new float[images.size()][];
        for (int from = 0; from < images.size(); from += CHUNK) {
            List<BufferedImage> part = images.subList(from, Math.min(images.size(), from + CHUNK));
            int n = part.size();
            float[] input = new float[n * size * size * 3];
            for (int i = 0; i < n; i++) {
                pixels(Raster.opaque(part.get(i)), size, input, i * size * size * 3);
            }
            float[][] out = net.pooled(base, input, n, size, size, layer);
            for (int i = 0; i < n; i++) {
                Vectors.normaliseInPlace(out[i]);
                rows[from + i] = out[i];
            }
        }
        return rows;
    }

    /**
     * Writes the image's RGB, divided by 255, resized bilinearly with corners aligned to
     * {@code side × side} (TF's resizeBilinear with alignCorners), HWC, into {@code out} at {@code at}.
     */
    static void pixels(BufferedImage image, int side, float[] out, int at) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = Pixels.argb(image);
        double sy = side > 1 ? (h - 1) / (double) (side - 1) : 0;
        double sx = side > 1 ? (w - 1) / (double) (side - 1) : 0;
        // Each column's source pixels and weights, worked out once instead of once per row.
        int[] x0 = new int[side];
        int[] x1 = new int[side];
        double[] dx = new double[side];
        for (int x = 0; x < side; x++) {
            double fx = x * sx;
            x0[x] = (int) Math.floor(fx);
            x1[x] = Math.min(x0[x] + 1, w - 1);
            dx[x] = fx - x0[x];
        }
        for (int y = 0; y < side; y++) {
            double fy = y * sy;
            int y0 = (int) Math.floor(fy);
            int row0 = y0 * w;
            int row1 = Math.min(y0 + 1, h - 1) * w;
            double dy = fy - y0;
            for (int x = 0; x < side; x++) {
                int a = rgb[row0 + x0[x]];
                int b = rgb[row0 + x1[x]];
                int c = rgb[row1 + x0[x]];
                int d = rgb[row1 + x1[x]];
                double wx = dx[x];
                int base = at + (y * side + x) * 3;
                for (int ch = 0; ch < 3; ch++) {
                    int shift = 16 - 8 * ch;
                    double top = channel(a, shift) * (1 - wx) + channel(b, shift) * wx;
                    double bottom = channel(c, shift) * (1 - wx) + channel(d, shift) * wx;
                    out[base + ch] = (float) ((top * (1 - dy) + bottom * dy) / 255.0);
                }
            }
        }
    }

    private static int channel(int argb, int shift) {
        return (argb >> shift) & 0xff;
    }

    /**
     * The encoder name of a model folder and layer: {@code tfjs-<folder>-<layer>}, each part as
     * {@link TfjsNet#clean} (so neither has a '-'); the identity adds {@code -<side>} when the encoder runs at
     * another input side than the model's own.
     */
    public static String name(Path folder, String layer) {
        return EncoderGrammar.TFJS_NAME + TfjsNet.clean(folder.getFileName().toString()) + "-" + TfjsNet.clean(layer);
    }

    /** The version of a TF.js model: a checksum of its folder's files (names and bytes, in name order). */
    public static String digest(Path folder) {
        try {
            return ModelChecksum.ofFolder(folder);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the TF.js model in '" + folder + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        base.close();
    }
}
