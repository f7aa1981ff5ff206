package mmr.model.encode;

import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Several encoders' features side by side: each part's L2-normalised vector, scaled by the square
 * root of its weight (weights sum to 1), concatenated — so the fused vector has unit length and the
 * cosine of two fused vectors is the weighted mean of the parts' cosines. Spec:
 * {@code [w*]<encoder>+[w*]<encoder>…}, e.g. {@code descriptor+tfjs:mobilenet_v2_mid} (equal
 * weights) or {@code 0.3*descriptor+0.7*tfjs:mobilenet_v2_mid}. Named
 * {@code fused:<name>:<dimension>:<weight>:…} with the parts' versions joined by '-', which is all a
 * server needs to rebuild it.
 *
 * <p>The parts run one after the other: a network part already spreads its work over the cores through
 * PyTorch's intra-op threads, and two of them side by side oversubscribe them (measured slower for one
 * image and for a batch when the descriptor still ran on PyTorch: docs/benchmarks.md); the descriptor,
 * plain Java now, costs too little to be worth a thread of its own.
 */
public final class FusedEncoder implements ImageEncoder {
    private final List<ImageEncoder> parts;
    private final double[] scales;
    private final boolean ownsParts;
    private final EncoderIdentity identity;

    /**
     * @param weights   one per part, positive; normalised to sum 1 and rounded to 4 significant digits
     *                  (the identity records them, and a rebuilt encoder must scale exactly alike)
     * @param ownsParts whether {@link #close()} closes the parts
     */
    public FusedEncoder(List<ImageEncoder> parts, double[] weights, boolean ownsParts) {
        if (parts.size() < 2 || weights.length != parts.size()) {
            throw new IllegalArgumentException("a fused encoder needs two or more parts, one weight each");
        }
        double sum = 0;
        for (double w : weights) {
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("fused encoder weight " + w + " is not a positive number");
            }
            sum += w;
        }
        this.parts = List.copyOf(parts);
        this.ownsParts = ownsParts;
        this.scales = new double[weights.length];
        List<EncoderIdentity> identities = new ArrayList<>();
        List<String> rounded = new ArrayList<>();
        List<String> versions = new ArrayList<>();
        int dimension = 0;
        for (int i = 0; i < weights.length; i++) {
            String w = weight(weights[i] / sum);
            scales[i] = Math.sqrt(Double.parseDouble(w));
            EncoderIdentity p = parts.get(i).identity();
            identities.add(p);
            rounded.add(w);
            versions.add(p.version());
            dimension += p.dimension();
        }
        String name = EncoderGrammar.fusedName(identities, rounded);
        this.identity = new EncoderIdentity(name, dimension, String.join("-", versions));
    }

    /** A weight as the identity writes it: 4 significant digits, no trailing zeros. */
    static String weight(double w) {
        return new BigDecimal(w).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    @Override
    public EncoderIdentity identity() {
        return identity;
    }

    @Override
    public float[][] encode(List<BufferedImage> images) {
        float[][] out = new float[images.size()][identity.dimension()];
        int at = 0;
        for (int p = 0; p < parts.size(); p++) {
            float[][] rows = parts.get(p).encode(images);
            int d = parts.get(p).identity().dimension();
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < d; j++) {
                    out[i][at + j] = (float) (rows[i][j] * scales[p]);
                }
            }
            at += d;
        }
        return out;
    }

    @Override
    public void close() {
        if (ownsParts) {
            parts.forEach(ImageEncoder::close);
        }
    }
}
