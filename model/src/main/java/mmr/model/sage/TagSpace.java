package mmr.model.sage;

import java.util.Arrays;
import java.util.SplittableRandom;

import mmr.model.linalg.Cholesky;
import mmr.model.linalg.SymmetricEigen;

/**
 * The input layer of mmr's trainer: two linear maps, fitted in closed form, that put images and tags
 * into one space where an image's input points to the tags its pixels predict.
 *
 * <p>A ridge regression {@code A = (X̃ᵀX̃ + λI)⁻¹ X̃ᵀY} predicts each image's tags from its centred
 * features {@code x̃ = x − μ} ({@code Y}: the image's tags weighted by {@code log(N / df)}, each row of
 * unit length). Its predictions {@code Aᵀx̃} live in a d-dimensional subspace of tag space; with
 * {@code AAᵀ = U·Λ·Uᵀ}, the top r eigenpairs give the image input {@code Λ^½·Uᵀ·x̃}, whose dot
 * products are those of the predicted tag vectors (the {@code tagProjection} baseline's geometry, rank
 * r). A tag's input is its linear classifier in the same coordinates: the classifier of a tag is
 * {@code A·e_t}, proportional to {@code (X̃ᵀX̃ + λI)⁻¹·Σ x̃_i} over its images, so from its centroid
 * feature {@code c} (the mean of its images' features) the tag input is
 * {@code s·Λ^-½·Uᵀ·(X̃ᵀX̃ + λI)⁻¹·(c − μ)}, and {@code image · tag} is then the classifier's score.
 * {@code s} scales tag inputs to the images' mean norm. Both maps act on {@code [features, 1]} so
 * the forward pass applies them as GraphSAGE's per-label input projections. (The evaluation's
 * {@code tagProjection} baseline, {@code mmr.model.eval.TagProjection}, is this ridge uncentred and
 * full-rank, ranking by its projections directly.)
 *
 * <p>λ may be chosen from the catalog itself ({@link #AUTO}): a seeded share of the tagged images is
 * held out, the ridge is fitted on the rest at each penalty of {@link #RELATIVE_LAMBDAS} (relative to
 * the mean eigenvalue of the held-out-free {@code X̃ᵀX̃}, so the grid follows the catalog's size), and
 * the penalty whose predictions point closest to the held-out images' own tag vectors (mean cosine)
 * is refitted on every image. The best penalty differs by catalog (the evaluation's sweep: 0.1 on
 * emoji, 0.001 on icons), which is why it is not one constant.
 */
public final class TagSpace {
    private TagSpace() {}

    /** Asks {@link #fit} to choose λ on held-out catalog images. */
    public static final double AUTO = Double.NaN;
    /** The penalties tried, as multiples of the mean eigenvalue of {@code X̃ᵀX̃}. */
    static final double[] RELATIVE_LAMBDAS = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1};
    /** Held-out share and cap of the choice; below {@link #MIN_HELD_OUT} images λ falls back to {@link #FALLBACK_LAMBDA}. */
    static final double HELD_OUT_SHARE = 0.1;
    static final int MAX_HELD_OUT = 1000;
    static final int MIN_HELD_OUT = 10;
    static final double FALLBACK_LAMBDA = 1;

    /**
     * The fitted maps, each {@code r × (d + 1)}, and the λ they used.
     *
     * @param choice how λ was chosen; null when it was given
     */
    public record Maps(SageWeights.Matrix image, SageWeights.Matrix tag, double[] eigenvalues, double lambda,
                       LambdaChoice choice, long millis) {}

    /**
     * The held-out comparison behind an {@link #AUTO} λ: each penalty tried and the mean cosine of its
     * predictions to the held-out images' tag vectors ({@code heldOut} 0: too few images, the fallback).
     */
    public record LambdaChoice(double[] lambdas, double[] meanCosines, int heldOut) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("held out " + heldOut + " images; mean cosine by lambda:");
            for (int i = 0; i < lambdas.length; i++) {
                b.append(String.format(java.util.Locale.ROOT, " %.3g=%.4f", lambdas[i], meanCosines[i]));
            }
            return b.toString();
        }
    }

    /**
     * @param imageFeatures per image, its features (d each)
     * @param imageTags     per image, its tags as columns 0..tagCount-1
     * @param tagFeatures   per tag column, its centroid features (null rows are skipped when scaling)
     * @param rank          r; rows beyond the feature dimension d are zero
     * @param lambda        ridge penalty, &gt; 0, or {@link #AUTO}
     * @param seed          picks the held-out images when λ is {@link #AUTO}
     */
    public static Maps fit(float[][] imageFeatures, int[][] imageTags, float[][] tagFeatures, int rank, double lambda,
                           long seed) {
        long t0 = System.nanoTime();
        int n = imageFeatures.length;
        int tCount = tagFeatures.length;
        if (n < 2 || tCount < 1) {
            throw new IllegalArgumentException("the tag space needs at least two images and one tag; got " + n
                    + " image(s) and " + tCount + " tag(s)");
        }
        int d = imageFeatures[0].length;
        int r = rank;
        int filled = Math.min(rank, d);
        double[] mu = mean(imageFeatures);
        double[] idf = idf(imageTags, tCount);
        double[][] gram = new double[d][d];
        double[][] b = new double[d][tCount];            // X̃ᵀY
        accumulate(imageFeatures, imageTags, null, mu, idf, gram, b);
        LambdaChoice choice = null;
        if (Double.isNaN(lambda)) {
            choice = choose(imageFeatures, imageTags, mu, idf, gram, b, seed);
            lambda = choice.lambdas()[argmax(choice.meanCosines())];
        }
        for (int a = 0; a < d; a++) {
            for (int c = 0; c < a; c++) {
                gram[a][c] = gram[c][a];
            }
            gram[a][a] += lambda;
        }
        double[][] bbt = outer(b);                       // X̃ᵀY·YᵀX̃
        double[][] left = Cholesky.solve(gram, bbt);      // G⁻¹·BBᵀ
        double[][] m = Cholesky.solve(gram, transpose(left));   // G⁻¹·(G⁻¹·BBᵀ)ᵀ = G⁻¹·BBᵀ·G⁻¹ = AAᵀ
        for (int a = 0; a < d; a++) {                    // symmetrise rounding
            for (int c = a + 1; c < d; c++) {
                double s = (m[a][c] + m[c][a]) / 2;
                m[a][c] = s;
                m[c][a] = s;
            }
        }
        SymmetricEigen eigen = SymmetricEigen.of(m);
        double floor = Math.max(eigen.values()[0], 0) * 1e-9;
        double[][] u = new double[d][filled];            // top eigenvectors as columns
        for (int k = 0; k < filled; k++) {
            for (int a = 0; a < d; a++) {
                u[a][k] = eigen.vectors()[k][a];
            }
        }
        double[][] ginvU = Cholesky.solve(gram, u);       // G⁻¹·U
        double[] image = new double[r * (d + 1)];
        double[] tag = new double[r * (d + 1)];
        for (int k = 0; k < filled; k++) {
            double lk = eigen.values()[k];
            double up = lk > floor ? Math.sqrt(lk) : 0;
            double down = lk > floor ? 1 / Math.sqrt(lk) : 0;
            double biasI = 0;
            double biasT = 0;
            for (int a = 0; a < d; a++) {
                image[k * (d + 1) + a] = up * u[a][k];
                tag[k * (d + 1) + a] = down * ginvU[a][k];
                biasI -= up * u[a][k] * mu[a];
                biasT -= down * ginvU[a][k] * mu[a];
            }
            image[k * (d + 1) + d] = biasI;
            tag[k * (d + 1) + d] = biasT;
        }
        double imageNorm = meanNorm(image, r, d, imageFeatures);
        double tagNorm = meanNorm(tag, r, d, tagFeatures);
        double s = tagNorm > 0 ? imageNorm / tagNorm : 1;
        for (int i = 0; i < tag.length; i++) {
            tag[i] *= s;
        }
        double[] values = Arrays.copyOf(eigen.values(), filled);
        return new Maps(new SageWeights.Matrix(r, d + 1, image), new SageWeights.Matrix(r, d + 1, tag), values,
                lambda, choice, (System.nanoTime() - t0) / 1_000_000);
    }

    static double[] mean(float[][] rows) {
        int d = rows[0].length;
        double[] mu = new double[d];
        for (float[] f : rows) {
            for (int a = 0; a < d; a++) {
                mu[a] += f[a] / (double) rows.length;
            }
        }
        return mu;
    }

    /** Per tag column, {@code log(N / df)} (0 for a tag on no image). */
    static double[] idf(int[][] imageTags, int tagCount) {
        double[] df = new double[tagCount];
        for (int[] ts : imageTags) {
            for (int t : ts) {
                df[t]++;
            }
        }
        double[] idf = new double[tagCount];
        for (int t = 0; t < tagCount; t++) {
            idf[t] = df[t] == 0 ? 0 : Math.log((double) imageTags.length / df[t]);
        }
        return idf;
    }

    /** The held-out comparison on a given sample (what {@link #fit} runs with its seeded one). */
    static LambdaChoice choose(float[][] imageFeatures, int[][] imageTags, int tagCount, int[] sample) {
        double[] mu = mean(imageFeatures);
        double[] idf = idf(imageTags, tagCount);
        double[][] gram = new double[mu.length][mu.length];
        double[][] b = new double[mu.length][tagCount];
        accumulate(imageFeatures, imageTags, null, mu, idf, gram, b);
        return choose(imageFeatures, imageTags, mu, idf, gram, b, sample);
    }

    /**
     * Adds the upper triangle of {@code X̃ᵀX̃} to {@code gram} and {@code X̃ᵀY} to {@code b}, over the
     * images in {@code only} (every image when null).
     */
    private static void accumulate(float[][] imageFeatures, int[][] imageTags, int[] only, double[] mu, double[] idf,
                                   double[][] gram, double[][] b) {
        int d = mu.length;
        double[] x = new double[d];
        int count = only == null ? imageFeatures.length : only.length;
        for (int j = 0; j < count; j++) {
            int i = only == null ? j : only[j];
            for (int a = 0; a < d; a++) {
                x[a] = imageFeatures[i][a] - mu[a];
            }
            for (int a = 0; a < d; a++) {
                double xa = x[a];
                double[] ga = gram[a];
                for (int c = a; c < d; c++) {
                    ga[c] += xa * x[c];
                }
            }
            double norm = tagNorm(imageTags[i], idf);
            if (norm == 0) {
                continue;
            }
            for (int t : imageTags[i]) {
                double y = idf[t] / norm;
                for (int a = 0; a < d; a++) {
                    b[a][t] += x[a] * y;
                }
            }
        }
    }

    private static double tagNorm(int[] tags, double[] idf) {
        double norm = 0;
        for (int t : tags) {
            norm += idf[t] * idf[t];
        }
        return Math.sqrt(norm);
    }

    /**
     * Fits the ridge without a held-out sample at every relative penalty and scores each by the mean
     * cosine of the held-out images' predicted tag vectors {@code Aᵀx̃} to their own {@code y}. With
     * {@code G = V·S·Vᵀ} (G: the rest's upper-triangle gram, B: their {@code X̃ᵀY}), {@code z = Vᵀx̃},
     * {@code q = Vᵀ·B·y} and {@code u = z / (S + λ)}: {@code ŷ·y = q·u} and {@code |ŷ|² = uᵀ·(Vᵀ·B·Bᵀ·V)·u},
     * so one decomposition serves every λ.
     */
    private static LambdaChoice choose(float[][] imageFeatures, int[][] imageTags, double[] mu, double[] idf,
                                       double[][] gramAll, double[][] bAll, long seed) {
        int n = imageFeatures.length;
        int[] tagged = java.util.stream.IntStream.range(0, n).filter(i -> tagNorm(imageTags[i], idf) > 0).toArray();
        int heldOut = (int) Math.min(MAX_HELD_OUT, Math.round(tagged.length * HELD_OUT_SHARE));
        if (heldOut < MIN_HELD_OUT || n - heldOut < 2) {
            return new LambdaChoice(new double[] {FALLBACK_LAMBDA}, new double[] {Double.NaN}, 0);
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < heldOut; i++) {                 // partial Fisher–Yates: the first heldOut are the sample
            int j = i + random.nextInt(tagged.length - i);
            int swap = tagged[i];
            tagged[i] = tagged[j];
            tagged[j] = swap;
        }
        return choose(imageFeatures, imageTags, mu, idf, gramAll, bAll, Arrays.copyOf(tagged, heldOut));
    }

    /** {@link #choose} with its held-out images given. */
    static LambdaChoice choose(float[][] imageFeatures, int[][] imageTags, double[] mu, double[] idf,
                               double[][] gramAll, double[][] bAll, int[] sample) {
        int d = mu.length;
        int tCount = idf.length;
        int heldOut = sample.length;
        double[][] gram = new double[d][d];
        double[][] b = new double[d][tCount];
        accumulate(imageFeatures, imageTags, sample, mu, idf, gram, b);
        double trace = 0;
        for (int a = 0; a < d; a++) {
            for (int c = a; c < d; c++) {
                gram[a][c] = gramAll[a][c] - gram[a][c];
            }
            for (int c = 0; c < a; c++) {
                gram[a][c] = gram[c][a];
            }
            trace += gram[a][a];
            for (int t = 0; t < tCount; t++) {
                b[a][t] = bAll[a][t] - b[a][t];
            }
        }
        SymmetricEigen eigen = SymmetricEigen.of(gram);
        double[][] v = eigen.vectors();                      // row k: eigenvector k
        double[] s = eigen.values();
        double[][] m = rotate(v, outer(b));
        double[][] z = new double[heldOut][];
        double[][] q = new double[heldOut][];
        double[] x = new double[d];
        double[] by = new double[d];
        for (int j = 0; j < heldOut; j++) {
            int i = sample[j];
            for (int a = 0; a < d; a++) {
                x[a] = imageFeatures[i][a] - mu[a];
            }
            Arrays.fill(by, 0);
            double norm = tagNorm(imageTags[i], idf);
            for (int t : imageTags[i]) {
                double y = idf[t] / norm;
                for (int a = 0; a < d; a++) {
                    by[a] += b[a][t] * y;
                }
            }
            z[j] = times(v, x);
            q[j] = times(v, by);
        }
        double mean = trace / d;
        double[] lambdas = new double[RELATIVE_LAMBDAS.length];
        double[] cosines = new double[RELATIVE_LAMBDAS.length];
        double[] u = new double[d];
        for (int l = 0; l < lambdas.length; l++) {
            lambdas[l] = RELATIVE_LAMBDAS[l] * mean;
            double total = 0;
            for (int j = 0; j < heldOut; j++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    u[k] = z[j][k] / (Math.max(s[k], 0) + lambdas[l]);
                    dot += q[j][k] * u[k];
                }
                double sq = 0;
                for (int k = 0; k < d; k++) {
                    double[] mk = m[k];
                    double row = 0;
                    for (int c = 0; c < d; c++) {
                        row += mk[c] * u[c];
                    }
                    sq += u[k] * row;
                }
                total += sq > 0 ? dot / Math.sqrt(sq) : 0;
            }
            cosines[l] = total / heldOut;
        }
        return new LambdaChoice(lambdas, cosines, heldOut);
    }

    /** {@code V·A·Vᵀ} for V given by rows (here: eigenvectors as rows, so this is {@code Vᵀ·A·V} in column terms). */
    private static double[][] rotate(double[][] v, double[][] a) {
        int d = a.length;
        double[][] av = new double[d][];                     // row k: A·v_k
        for (int k = 0; k < d; k++) {
            av[k] = times(a, v[k]);
        }
        double[][] out = new double[d][d];
        for (int k = 0; k < d; k++) {
            for (int l = k; l < d; l++) {
                double sum = 0;
                for (int c = 0; c < d; c++) {
                    sum += v[k][c] * av[l][c];
                }
                out[k][l] = sum;
                out[l][k] = sum;
            }
        }
        return out;
    }

    private static double[] times(double[][] rows, double[] x) {
        double[] out = new double[rows.length];
        for (int k = 0; k < rows.length; k++) {
            double sum = 0;
            double[] r = rows[k];
            for (int a = 0; a < x.length; a++) {
                sum += r[a] * x[a];
            }
            out[k] = sum;
        }
        return out;
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** {@code P·[f, 1]} for a row-major {@code r × (d + 1)} matrix. */
    public static float[] apply(SageWeights.Matrix p, float[] f) {
        int cols = p.cols();
        if (f.length + 1 != cols) {
            throw new IllegalArgumentException("the projection takes " + (cols - 1) + " features, got " + f.length);
        }
        float[] out = new float[p.rows()];
        double[] data = p.data();
        for (int k = 0; k < out.length; k++) {
            double s = data[k * cols + f.length];
            for (int a = 0; a < f.length; a++) {
                s += data[k * cols + a] * f[a];
            }
            out[k] = (float) s;
        }
        return out;
    }

    private static double meanNorm(double[] p, int r, int d, float[][] rows) {
        double sum = 0;
        int count = 0;
        SageWeights.Matrix m = new SageWeights.Matrix(r, d + 1, p);
        for (float[] f : rows) {
            if (f == null) {
                continue;
            }
            float[] y = apply(m, f);
            double s = 0;
            for (float v : y) {
                s += v * v;
            }
            sum += Math.sqrt(s);
            count++;
        }
        return count == 0 ? 0 : sum / count;
    }

    /** {@code B·Bᵀ} of a {@code d × t} matrix given by rows. */
    private static double[][] outer(double[][] b) {
        int d = b.length;
        double[][] out = new double[d][d];
        for (int a = 0; a < d; a++) {
            double[] ba = b[a];
            for (int c = a; c < d; c++) {
                double[] bc = b[c];
                double s = 0;
                for (int t = 0; t < ba.length; t++) {
                    s += ba[t] * bc[t];
                }
                out[a][c] = s;
                out[c][a] = s;
            }
        }
        return out;
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }
}
