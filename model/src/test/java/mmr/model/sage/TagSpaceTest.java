package mmr.model.sage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import mmr.model.linalg.Cholesky;

/**
 * The tag space on data with a known answer: each image carries the tag of its largest feature
 * (plus a hub tag on every image). The image inputs must reproduce the ridge predictions' geometry
 * exactly at full rank, and each image's input must point to its own tag's input.
 */
class TagSpaceTest {
    static final int D = 8;
    static final int N = 400;

    @Test
    void imageInputsKeepTheRidgePredictionsGeometryAndPointToTheirOwnTags() {
        SplittableRandom rng = new SplittableRandom(11);
        float[][] x = new float[N][D];
        int[][] tags = new int[N][];
        int tagCount = D + 1;                              // tag a: feature a is the largest; tag D: the hub
        for (int i = 0; i < N; i++) {
            int best = 0;
            for (int a = 0; a < D; a++) {
                x[i][a] = (float) rng.nextGaussian();
                if (x[i][a] > x[i][best]) {
                    best = a;
                }
            }
            tags[i] = new int[] {best, D};
        }
        float[][] centroids = new float[tagCount][D];
        int[] counts = new int[tagCount];
        for (int i = 0; i < N; i++) {
            for (int t : tags[i]) {
                counts[t]++;
                for (int a = 0; a < D; a++) {
                    centroids[t][a] += x[i][a];
                }
            }
        }
        for (int t = 0; t < tagCount; t++) {
            for (int a = 0; a < D; a++) {
                centroids[t][a] /= counts[t];
            }
        }
        TagSpace.Maps maps = TagSpace.fit(x, tags, centroids, D, 1.0, 0);
        assertThat(maps.image().rows()).isEqualTo(D);
        assertThat(maps.image().cols()).isEqualTo(D + 1);

        // Full rank: image inputs' dot products are the ridge predictions' (idf-weighted, rows unit length).
        double[][] predictions = ridgePredictions(x, tags, tagCount);
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 20; j++) {
                double expected = 0;
                for (int t = 0; t < tagCount; t++) {
                    expected += predictions[i][t] * predictions[j][t];
                }
                assertThat(dot(TagSpace.apply(maps.image(), x[i]), TagSpace.apply(maps.image(), x[j])))
                        .isCloseTo(expected, within(1e-4));
            }
        }

        // Each image's input scores its own tag highest among the specific tags.
        int right = 0;
        float[][] tagInputs = new float[tagCount][];
        for (int t = 0; t < tagCount; t++) {
            tagInputs[t] = TagSpace.apply(maps.tag(), centroids[t]);
        }
        for (int i = 0; i < N; i++) {
            float[] in = TagSpace.apply(maps.image(), x[i]);
            int best = 0;
            for (int t = 1; t < D; t++) {
                if (dot(in, tagInputs[t]) > dot(in, tagInputs[best])) {
                    best = t;
                }
            }
            right += best == tags[i][0] ? 1 : 0;
        }
        assertThat(right).as("images whose input points to their own tag").isGreaterThan(N * 9 / 10);
    }

    /**
     * λ chosen on held-out images follows the data: where the tags are a clean function of the features
     * it picks a smaller penalty (relative to the features' scale) than where most feature dimensions are
     * noise and there are few images per dimension, which a small penalty overfits.
     */
    @Test
    void autoLambdaIsSmallerForCleanDataThanForNoisyData() {
        TagSpace.Maps clean = TagSpace.fit(features(2000, 20, 0, 3), largestTags(2000, 20, 3), centroids(20), 20, TagSpace.AUTO, 5);
        TagSpace.Maps noisy = TagSpace.fit(features(150, 60, 0.3, 3), largestTags(150, 60, 3), centroids(60), 20, TagSpace.AUTO, 5);
        assertThat(clean.choice().heldOut()).isEqualTo(200);
        assertThat(noisy.choice().heldOut()).isEqualTo(15);
        assertThat(clean.choice().lambdas()).hasSize(TagSpace.RELATIVE_LAMBDAS.length);
        assertThat(relative(clean)).isLessThan(relative(noisy));
        assertThat(java.util.Arrays.stream(clean.choice().meanCosines()).boxed().toList()).allSatisfy(c -> assertThat(c).isBetween(-1.0, 1.0));

        TagSpace.Maps few = TagSpace.fit(features(50, 4, 0, 2), largestTags(50, 4, 2), centroids(4), 4, TagSpace.AUTO, 5);
        assertThat(few.lambda()).isEqualTo(TagSpace.FALLBACK_LAMBDA);
        assertThat(few.choice().heldOut()).isZero();
        assertThat(TagSpace.fit(features(50, 4, 0, 2), largestTags(50, 4, 2), centroids(4), 4, 0.5, 5).choice()).isNull();
    }

    /** The held-out cosines of the choice are those of a ridge fitted directly on the other images. */
    @Test
    void heldOutCosinesMatchADirectFitOnTheRest() {
        int n = 120;
        int d = 6;
        float[][] x = features(n, d, 0.5, 3);
        int[][] tags = largestTags(n, d, 3);
        for (int i = 0; i < n; i += 7) {
            tags[i] = new int[] {tags[i][0], 3};            // a second, rarer tag on some images
        }
        int[] sample = {1, 5, 8, 13, 40, 77, 119};
        TagSpace.LambdaChoice choice = TagSpace.choose(x, tags, 4, sample);
        double[] mu = TagSpace.mean(x);
        double[] idf = TagSpace.idf(tags, 4);
        java.util.Set<Integer> out = new java.util.HashSet<>();
        for (int i : sample) {
            out.add(i);
        }
        for (int l = 0; l < choice.lambdas().length; l += 4) {
            double[][] g = new double[d][d];
            double[][] b = new double[d][4];
            for (int i = 0; i < n; i++) {
                if (out.contains(i)) {
                    continue;
                }
                double[] y = unitTags(tags[i], idf);
                for (int a = 0; a < d; a++) {
                    for (int c = 0; c < d; c++) {
                        g[a][c] += (x[i][a] - mu[a]) * (x[i][c] - mu[c]);
                    }
                    for (int t = 0; t < 4; t++) {
                        b[a][t] += (x[i][a] - mu[a]) * y[t];
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                g[a][a] += choice.lambdas()[l];
            }
            double[][] coef = Cholesky.solve(g, b);           // d × tags
            double total = 0;
            for (int i : sample) {
                double[] y = unitTags(tags[i], idf);
                double[] p = new double[4];
                for (int t = 0; t < 4; t++) {
                    for (int a = 0; a < d; a++) {
                        p[t] += coef[a][t] * (x[i][a] - mu[a]);
                    }
                }
                double dot = 0;
                double norm = 0;
                for (int t = 0; t < 4; t++) {
                    dot += p[t] * y[t];
                    norm += p[t] * p[t];
                }
                total += dot / Math.sqrt(norm);
            }
            assertThat(choice.meanCosines()[l]).as("lambda " + choice.lambdas()[l]).isCloseTo(total / sample.length, within(1e-9));
        }
    }

    private static double[] unitTags(int[] tags, double[] idf) {
        double[] y = new double[idf.length];
        double norm = 0;
        for (int t : tags) {
            y[t] = idf[t];
            norm += idf[t] * idf[t];
        }
        for (int t = 0; t < y.length; t++) {
            y[t] /= Math.sqrt(norm);
        }
        return y;
    }

    /** The chosen λ as a multiple of the grid's base (its position on the relative grid). */
    private static double relative(TagSpace.Maps maps) {
        return maps.lambda() / maps.choice().lambdas()[0];
    }

    /** {@code n × d} features seeded by (n, d): the first {@code signal} dimensions unit Gaussian, the rest Gaussian times {@code noise}. */
    private static float[][] features(int n, int d, double noise, int signal) {
        SplittableRandom rng = new SplittableRandom(n * 31L + d);
        float[][] x = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                x[i][a] = (float) (rng.nextGaussian() * (a < signal ? 1 : noise));
            }
        }
        return x;
    }

    /** Each image's tag: which of the first {@code signal} dimensions is largest (from the same seed as {@link #features}). */
    private static int[][] largestTags(int n, int d, int signal) {
        float[][] x = features(n, d, 0, signal);
        int[][] tags = new int[n][1];
        for (int i = 0; i < n; i++) {
            for (int a = 1; a < signal; a++) {
                if (x[i][a] > x[i][tags[i][0]]) {
                    tags[i][0] = a;
                }
            }
        }
        return tags;
    }

    private static float[][] centroids(int d) {
        float[][] c = new float[3][d];
        for (int t = 0; t < 3; t++) {
            c[t][t] = 1;
        }
        return c;
    }

    @Test
    void aRankAboveTheFeatureDimensionIsPaddedWithZeroRows() {
        float[][] x = {{1, 0}, {0, 1}, {1, 1}, {0, 0}};
        int[][] tags = {{0}, {1}, {0, 1}, {}};
        TagSpace.Maps maps = TagSpace.fit(x, tags, new float[][] {{1, 0.5f}, {0.5f, 1}}, 4, 1.0, 0);
        assertThat(maps.image().rows()).isEqualTo(4);
        float[] in = TagSpace.apply(maps.image(), x[0]);
        assertThat(in[2]).isZero();
        assertThat(in[3]).isZero();
    }

    @Test
    void refusesTooLittleData() {
        assertThatThrownBy(() -> TagSpace.fit(new float[][] {{1, 2}}, new int[][] {{0}}, new float[][] {{1, 2}}, 2, 1.0, 0))
                .hasMessage("the tag space needs at least two images and one tag; got 1 image(s) and 1 tag(s)");
        assertThatThrownBy(() -> TagSpace.apply(new SageWeights.Matrix(1, 3, new double[3]), new float[] {1}))
                .hasMessage("the projection takes 2 features, got 1");
    }

    /** The ridge regression written out directly: [x, 1] → idf-weighted unit tag rows, λ = 1 on centred features. */
    private static double[][] ridgePredictions(float[][] x, int[][] tags, int tagCount) {
        double[] mu = new double[D];
        for (float[] f : x) {
            for (int a = 0; a < D; a++) {
                mu[a] += f[a] / N;
            }
        }
        double[] df = new double[tagCount];
        for (int[] ts : tags) {
            for (int t : ts) {
                df[t]++;
            }
        }
        double[][] g = new double[D][D];
        double[][] xty = new double[D][tagCount];
        for (int i = 0; i < N; i++) {
            double norm = 0;
            for (int t : tags[i]) {
                norm += Math.pow(Math.log(N / df[t]), 2);
            }
            for (int a = 0; a < D; a++) {
                for (int b = 0; b < D; b++) {
                    g[a][b] += (x[i][a] - mu[a]) * (x[i][b] - mu[b]);
                }
                for (int t : tags[i]) {
                    xty[a][t] += norm == 0 ? 0 : (x[i][a] - mu[a]) * Math.log(N / df[t]) / Math.sqrt(norm);
                }
            }
        }
        for (int a = 0; a < D; a++) {
            g[a][a] += 1;
        }
        double[][] w = Cholesky.solve(g, xty);
        double[][] out = new double[N][tagCount];
        for (int i = 0; i < N; i++) {
            for (int t = 0; t < tagCount; t++) {
                for (int a = 0; a < D; a++) {
                    out[i][t] += (x[i][a] - mu[a]) * w[a][t];
                }
            }
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
