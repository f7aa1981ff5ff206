package mmr.model.sage;

import java.util.Arrays;

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
 */
public final class TagSpace {
    private TagSpace() {}

    /** The fitted maps, each {@code r × (d + 1)}. */
    public record Maps(SageWeights.Matrix image, SageWeights.Matrix tag, double[] eigenvalues, long millis) {}

    /**
     * @param imageFeatures per image, its features (d each)
     * @param imageTags     per image, its tags as columns 0..tagCount-1
     * @param tagFeatures   per tag column, its centroid features (null rows are skipped when scaling)
     * @param rank          r; rows beyond the feature dimension d are zero
     * @param lambda        ridge penalty, &gt; 0
     */
    public static Maps fit(float[][] imageFeatures, int[][] imageTags, float[][] tagFeatures, int rank, double lambda) {
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
        double[] mu = new double[d];
        for (float[] f : imageFeatures) {
            for (int a = 0; a < d; a++) {
                mu[a] += f[a] / (double) n;
            }
        }
        double[] df = new double[tCount];
        for (int[] ts : imageTags) {
            for (int t : ts) {
                df[t]++;
            }
        }
        double[] idf = new double[tCount];
        for (int t = 0; t < tCount; t++) {
            idf[t] = df[t] == 0 ? 0 : Math.log((double) n / df[t]);
        }
        double[][] gram = new double[d][d];
        double[][] b = new double[d][tCount];            // X̃ᵀY
        double[] x = new double[d];
        for (int i = 0; i < n; i++) {
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
            double norm = 0;
            for (int t : imageTags[i]) {
                norm += idf[t] * idf[t];
            }
            if (norm == 0) {
                continue;
            }
            norm = Math.sqrt(norm);
            for (int t : imageTags[i]) {
                double y = idf[t] / norm;
                for (int a = 0; a < d; a++) {
                    b[a][t] += x[a] * y;
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int c = 0; c < a; c++) {
                gram[a][c] = gram[c][a];
            }
            gram[a][a] += lambda;
        }
        double[][] bbt = new double[d][d];               // X̃ᵀY·YᵀX̃
        for (int a = 0; a < d; a++) {
            double[] ba = b[a];
            for (int c = a; c < d; c++) {
                double[] bc = b[c];
                double s = 0;
                for (int t = 0; t < tCount; t++) {
                    s += ba[t] * bc[t];
                }
                bbt[a][c] = s;
                bbt[c][a] = s;
            }
        }
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
                (System.nanoTime() - t0) / 1_000_000);
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
