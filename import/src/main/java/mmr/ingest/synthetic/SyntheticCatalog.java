package mmr.ingest.synthetic;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A synthetic catalog for scale work, written as a features manifest the importer reads:
 * images drawn around random cluster centres (unit vectors plus Gaussian noise, renormalised) and
 * tags drawn from Zipf distributions — mostly from the image's cluster's own vocabulary ranking,
 * some from the global one — so tags correlate with visual clusters as they do in real catalogs.
 * Everything follows from the seed. The cluster is kept as evaluation-only metadata.
 * This is synthetic data for measuring speed and memory; it says nothing about retrieval quality.
 */
public final class SyntheticCatalog {
    /** Identity recorded for the generated features. */
    public static final String ENCODER_NAME = "synthetic";

    /**
     * Generator settings. {@code vendors} images share one concept (as vendors of one emoji do): a
     * concept is a point near its cluster's centre and a set of tags; each of its images is a small
     * step from that point and keeps each of the concept's tags with probability {@code tagKeep}.
     * With one vendor every image is its own concept.
     */
    public record Spec(long images, int dimension, int clusters, int vocabulary, double meanTags,
                       double zipfExponent, double noise, long seed, int vendors, double tagKeep) {
        public Spec(long images, int dimension, int clusters, int vocabulary, double meanTags, double zipfExponent,
                    double noise, long seed) {
            this(images, dimension, clusters, vocabulary, meanTags, zipfExponent, noise, seed, 1, 1.0);
        }

        public Spec {
            if (images < 1) {
                throw new IllegalArgumentException("images must be at least 1, got " + images);
            }
            if (dimension < 2 || dimension > 4096) {
                throw new IllegalArgumentException("dimension must be from 2 to 4096, got " + dimension);
            }
            if (clusters < 1) {
                throw new IllegalArgumentException("clusters must be at least 1, got " + clusters);
            }
            if (vocabulary < 1) {
                throw new IllegalArgumentException("vocabulary must be at least 1, got " + vocabulary);
            }
            if (meanTags < 0 || zipfExponent <= 0 || noise < 0) {
                throw new IllegalArgumentException("meanTags and noise must be >= 0 and zipfExponent > 0");
            }
            if (vendors < 1 || vendors > 16 || !(tagKeep > 0 && tagKeep <= 1)) {
                throw new IllegalArgumentException("vendors must be from 1 to 16 and tagKeep in (0, 1], got " + vendors
                        + " and " + tagKeep);
            }
        }

        /** Sensible proportions for {@code images}: ~50 images per cluster, vocabulary 5k, 5 tags each. */
        public static Spec forImages(long images, long seed) {
            int clusters = (int) Math.max(1, Math.min(100_000, images / 50));
            return new Spec(images, 512, clusters, 5000, 5, 1.1, 0.6, seed);
        }

        /**
         * A catalog shaped like a real one for scale runs: ~50 images per cluster, a vocabulary that
         * grows with the catalog (N/20, 2,000 to 50,000 tags), ~8.5 tags per concept (~7 per image) and pairs of
         * near-duplicate images (two vendors of one concept) that each keep 85 % of its tags.
         */
        public static Spec scale(long images, int dimension, long seed) {
            int clusters = (int) Math.max(1, Math.min(200_000, images / 50));
            int vocabulary = (int) Math.max(2000, Math.min(50_000, images / 20));
            return new Spec(images, dimension, clusters, vocabulary, 8.5, 1.1, 0.6, seed, 2, 0.85);
        }

        public String encoderIdentity() {
            return ENCODER_NAME + "/" + dimension + "/seed" + seed;
        }
    }

    private SyntheticCatalog() {}

    /** Writes the manifest; memory stays O(clusters × dimension). */
    public static void write(Spec spec, Path manifest) throws IOException {
        SplittableRandom root = new SplittableRandom(spec.seed());
        float[][] centres = new float[spec.clusters()][];
        for (int c = 0; c < spec.clusters(); c++) {
            centres[c] = unitGaussian(root.split(), spec.dimension());
        }
        Zipf zipf = new Zipf(spec.vocabulary(), spec.zipfExponent());
        double perDimNoise = spec.noise() / Math.sqrt(spec.dimension());
        Path parent = manifest.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter w = Files.newBufferedWriter(manifest, StandardCharsets.UTF_8)) {
            StringBuilder sb = new StringBuilder(spec.dimension() * 10);
            float[] v = new float[spec.dimension()];
            float[] base = new float[spec.dimension()];
            for (long i = 0; i < spec.images(); i++) {
                SplittableRandom rnd = new SplittableRandom(spec.seed() * 0x9E3779B97F4A7C15L + i);
                long concept = spec.vendors() > 1 ? i / spec.vendors() : -1;
                int cluster;
                Set<Integer> tags;
                if (concept < 0) {
                    cluster = rnd.nextInt(spec.clusters());
                    for (int d = 0; d < v.length; d++) {
                        v[d] = (float) (centres[cluster][d] + gaussian(rnd) * perDimNoise);
                    }
                    tags = drawTags(spec, rnd, zipf, cluster);
                } else {
                    // the concept (cluster, point, tags) follows from the seed and its number alone,
                    // so its vendors' images agree without keeping state
                    SplittableRandom crnd = new SplittableRandom((spec.seed() * 0x9E3779B97F4A7C15L + concept) ^ 0xC2B2AE3D27D4EB4FL);
                    cluster = crnd.nextInt(spec.clusters());
                    for (int d = 0; d < base.length; d++) {
                        base[d] = (float) (centres[cluster][d] + gaussian(crnd) * perDimNoise);
                    }
                    Set<Integer> conceptTags = drawTags(spec, crnd, zipf, cluster);
                    for (int d = 0; d < v.length; d++) {
                        // a vendor's image is a quarter of the concept's spread away from the concept
                        v[d] = (float) (base[d] + gaussian(rnd) * perDimNoise * 0.25);
                    }
                    tags = new LinkedHashSet<>();
                    for (int tag : conceptTags) {
                        if (rnd.nextDouble() < spec.tagKeep()) {
                            tags.add(tag);
                        }
                    }
                }
                double norm = 0;
                for (float x : v) {
                    norm += (double) x * x;
                }
                norm = Math.sqrt(norm);
                sb.setLength(0);
                sb.append("{\"id\":\"syn-").append(i).append("\",\"features\":[");
                for (int d = 0; d < v.length; d++) {
                    if (d > 0) {
                        sb.append(',');
                    }
                    appendFloat(sb, (float) (v[d] / norm));
                }
                sb.append("],\"tags\":[");
                boolean first = true;
                for (int tag : tags) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    sb.append("\"t").append(tag).append('"');
                }
                sb.append("],\"metadata\":{\"cluster\":\"").append(cluster).append('"');
                if (concept >= 0) {
                    sb.append(",\"concept\":\"").append(concept).append('"');
                }
                sb.append("}}\n");
                w.write(sb.toString());
            }
        }
    }

    /** Zipf-distributed tags, 70 % from the cluster's own ranking of the vocabulary, 30 % from the global one. */
    private static Set<Integer> drawTags(Spec spec, SplittableRandom rnd, Zipf zipf, int cluster) {
        int tagCount = poisson(rnd, spec.meanTags());
        Set<Integer> tags = new LinkedHashSet<>();
        for (int t = 0; t < tagCount; t++) {
            int rank = zipf.sample(rnd);
            int tag = rnd.nextDouble() < 0.7
                    ? (int) Math.floorMod(rank * 2654435761L + cluster * 40503L, (long) spec.vocabulary())
                    : rank;
            tags.add(tag);
        }
        return tags;
    }

    /** Fixed point with six decimals (features are unit-vector components): fast and compact. */
    static void appendFloat(StringBuilder sb, float f) {
        long scaled = Math.round(f * 1_000_000.0);
        if (scaled == 0) {
            sb.append('0');
            return;
        }
        if (scaled < 0) {
            sb.append('-');
            scaled = -scaled;
        }
        sb.append(scaled / 1_000_000).append('.');
        long frac = scaled % 1_000_000;
        for (long div = 100_000; div > 0; div /= 10) {
            sb.append((char) ('0' + (frac / div) % 10));
        }
    }

    private static float[] unitGaussian(SplittableRandom rnd, int dim) {
        float[] v = new float[dim];
        double norm = 0;
        for (int d = 0; d < dim; d++) {
            v[d] = (float) gaussian(rnd);
            norm += (double) v[d] * v[d];
        }
        norm = Math.sqrt(norm);
        for (int d = 0; d < dim; d++) {
            v[d] = (float) (v[d] / norm);
        }
        return v;
    }

    private static double gaussian(SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    private static int poisson(SplittableRandom rnd, double mean) {
        double l = Math.exp(-mean);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= rnd.nextDouble();
        } while (p > l);
        return k - 1;
    }

    /** Inverse-CDF Zipf sampler over ranks 0..n-1. */
    static final class Zipf {
        private final double[] cdf;

        Zipf(int n, double s) {
            cdf = new double[n];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += 1 / Math.pow(k + 1, s);
                cdf[k] = sum;
            }
            for (int k = 0; k < n; k++) {
                cdf[k] /= sum;
            }
        }

        int sample(SplittableRandom rnd) {
            int i = Arrays.binarySearch(cdf, rnd.nextDouble());
            return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
        }
    }
}
