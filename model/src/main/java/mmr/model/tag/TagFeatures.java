package mmr.model.tag;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import mmr.model.vector.Vectors;

/**
 * Initial feature vectors for Tag nodes. The paper initialises tags randomly; we make that
 * deterministic (seeded from the tag name) so two imports of one catalog give the same graph.
 */
public final class TagFeatures {

    /** How tag features are initialised. */
    public enum Init {
        /** Unit Gaussian direction seeded from the tag name (the paper's choice). */
        RANDOM,
        /** Mean of the visual features of the images that carry the tag. */
        CENTROID;

        /**
         * Import's default: centroids, which mmr's trainer reads through its tag space (measured,
         * docs/evaluation.md).
         */
        public static final Init DEFAULT = CENTROID;

        public static Init parse(String value) {
            for (Init i : values()) {
                if (i.name().equalsIgnoreCase(value == null ? "" : value.strip())) {
                    return i;
                }
            }
            throw new IllegalArgumentException("unknown tag feature init '" + value
                    + "'; accepted: random, centroid");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private TagFeatures() {}

    /** A unit vector whose direction depends only on the (normalised) name and the dimension. */
    public static float[] random(String normalisedName, int dimension) {
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be positive, got " + dimension);
        }
        CRC32C crc = new CRC32C();
        byte[] bytes = normalisedName.getBytes(StandardCharsets.UTF_8);
        crc.update(bytes);
        long seed = (crc.getValue() << 32) ^ normalisedName.hashCode() ^ (long) dimension * 0x9E3779B97F4A7C15L;
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) gaussian(rng);
        }
        return Vectors.normaliseInPlace(v);
    }

    /** Unit-length mean of the given image features. */
    public static float[] centroid(List<float[]> imageFeatures) {
        return Vectors.normaliseInPlace(Vectors.mean(imageFeatures));
    }

    private static double gaussian(SplittableRandom rng) {
        // Box–Muller: SplittableRandom has no nextGaussian on Java 17.
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
