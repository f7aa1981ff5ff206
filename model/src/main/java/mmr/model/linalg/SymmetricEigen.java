package mmr.model.linalg;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Eigen-decomposition of a real symmetric matrix: {@code A = V·diag(λ)·Vᵀ}, eigenvalues in decreasing
 * order, eigenvectors as the columns of V (returned as rows of {@link #vectors()} for convenience).
 * Householder reduction to tridiagonal form, then implicit QL iterations with shifts — about 9n³
 * flops, backward stable; every loop runs along rows (the transforms are kept transposed), so a
 * 2,304-square matrix (fused image features) takes seconds. (Cyclic Jacobi, used before, took
 * minutes per sweep at that size.)
 */
public record SymmetricEigen(double[] values, double[][] vectors) {
    private static final int MAX_ITERATIONS = 60;   // per eigenvalue; QL needs 1–3

    /** Decomposes {@code a} (left unchanged). */
    public static SymmetricEigen of(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("not a square matrix: row " + i + " has " + a[i].length + " columns, expected " + n);
            }
            m[i] = a[i].clone();
        }
        double[] d = new double[n];
        double[] e = new double[n];
        double[][] qt = tridiagonalise(m, d, e);
        ql(d, e, qt);
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -d[i]).thenComparingInt(i -> i));
        double[] values = new double[n];
        double[][] vectors = new double[n][];
        for (int j = 0; j < n; j++) {
            values[j] = d[order[j]];
            vectors[j] = qt[order[j]];
        }
        return new SymmetricEigen(values, vectors);
    }

    /**
     * Householder reflections {@code H_k = I − 2vvᵀ} (v zero up to k) reduce {@code m} (overwritten) to
     * the tridiagonal {@code T = Qᵀ·A·Q}: diagonal into {@code d}, {@code e[i] = T[i+1][i]}. Returns
     * {@code Qᵀ = H_{n−3}⋯H_0}, row by row.
     */
    private static double[][] tridiagonalise(double[][] m, double[] d, double[] e) {
        int n = m.length;
        double[][] qt = new double[n][n];
        for (int i = 0; i < n; i++) {
            qt[i][i] = 1;
        }
        double[] v = new double[n];
        double[] w = new double[n];
        double[] s = new double[n];
        for (int k = 0; k < n - 2; k++) {
            int from = k + 1;
            double norm = 0;
            for (int i = from; i < n; i++) {
                norm += m[i][k] * m[i][k];
            }
            norm = Math.sqrt(norm);
            double x0 = m[from][k];
            double alpha = x0 > 0 ? -norm : norm;
            double vnorm2 = norm * norm - x0 * x0 + (x0 - alpha) * (x0 - alpha);
            if (norm == 0 || vnorm2 <= 0) {
                continue;   // the column is already reduced
            }
            double scale = 1 / Math.sqrt(vnorm2);
            for (int i = from; i < n; i++) {
                v[i] = m[i][k] * scale;
            }
            v[from] = (x0 - alpha) * scale;
            // p = A_sub·v; K = vᵀp; w = p − K·v; A_sub −= 2(v·wᵀ + w·vᵀ)
            double kk = 0;
            for (int i = from; i < n; i++) {
                double[] row = m[i];
                double p = 0;
                for (int j = from; j < n; j++) {
                    p += row[j] * v[j];
                }
                w[i] = p;
                kk += v[i] * p;
            }
            for (int i = from; i < n; i++) {
                w[i] -= kk * v[i];
            }
            for (int i = from; i < n; i++) {
                double[] row = m[i];
                double vi = 2 * v[i];
                double wi = 2 * w[i];
                for (int j = from; j < n; j++) {
                    row[j] -= vi * w[j] + wi * v[j];
                }
            }
            m[from][k] = alpha;
            m[k][from] = alpha;
            for (int i = from + 1; i < n; i++) {
                m[i][k] = 0;
                m[k][i] = 0;
            }
            // Qᵀ ← H_k·Qᵀ: rows from.. change by −2v·(vᵀ·Qᵀ)
            Arrays.fill(s, 0);
            for (int i = from; i < n; i++) {
                double vi = v[i];
                double[] row = qt[i];
                for (int c = 0; c < n; c++) {
                    s[c] += vi * row[c];
                }
            }
            for (int i = from; i < n; i++) {
                double vi = 2 * v[i];
                double[] row = qt[i];
                for (int c = 0; c < n; c++) {
                    row[c] -= vi * s[c];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            d[i] = m[i][i];
            e[i] = i + 1 < n ? m[i + 1][i] : 0;
        }
        return qt;
    }

    /**
     * Implicit QL with Wilkinson-like shifts on the tridiagonal (d, e), accumulating each plane
     * rotation into the rows of {@code vt} (the transposed eigenvector matrix). On return d holds the
     * eigenvalues and row i of vt the eigenvector of d[i].
     */
    private static void ql(double[] d, double[] e, double[][] vt) {
        int n = d.length;
        double eps = Math.ulp(1.0);
        double shift = 0;
        double bound = 0;
        for (int l = 0; l < n; l++) {
            bound = Math.max(bound, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n - 1 && Math.abs(e[m]) > eps * bound) {
                m++;
            }
            int iterations = 0;
            while (m > l) {
                if (++iterations > MAX_ITERATIONS) {
                    throw new IllegalStateException("eigenvalue " + l + " did not converge in " + MAX_ITERATIONS + " QL iterations");
                }
                double g = d[l];
                double p = (d[l + 1] - g) / (2 * e[l]);
                double r = Math.hypot(p, 1);
                if (p < 0) {
                    r = -r;
                }
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                double dl1 = d[l + 1];
                double h = g - d[l];
                for (int i = l + 2; i < n; i++) {
                    d[i] -= h;
                }
                shift += h;
                p = d[m];
                double c = 1;
                double c2 = c;
                double c3 = c;
                double el1 = e[l + 1];
                double s = 0;
                double s2 = 0;
                for (int i = m - 1; i >= l; i--) {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i];
                    h = c * p;
                    r = Math.hypot(p, e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    double[] ri = vt[i];
                    double[] rn = vt[i + 1];
                    for (int k = 0; k < ri.length; k++) {
                        double t = rn[k];
                        rn[k] = s * ri[k] + c * t;
                        ri[k] = c * ri[k] - s * t;
                    }
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
                if (Math.abs(e[l]) <= eps * bound) {
                    break;
                }
            }
            d[l] += shift;
            e[l] = 0;
        }
    }
}
