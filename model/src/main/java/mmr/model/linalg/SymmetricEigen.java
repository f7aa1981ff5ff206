package mmr.model.linalg;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Eigen-decomposition of a real symmetric matrix by cyclic Jacobi rotations: {@code A = V·diag(λ)·Vᵀ},
 * eigenvalues in decreasing order, eigenvectors as the columns of V (returned as rows of
 * {@link #vectors()} for convenience). Robust and exact to rounding; O(n³) per sweep, a handful of
 * sweeps — fine for the few-hundred-square matrices mmr decomposes (feature covariances).
 */
public record SymmetricEigen(double[] values, double[][] vectors) {
    private static final int MAX_SWEEPS = 60;

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
        double[][] v = new double[n][n];        // v[row][col]; columns are eigenvectors
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double diag = 0;
            for (int p = 0; p < n; p++) {
                diag += m[p][p] * m[p][p];
                for (int q = p + 1; q < n; q++) {
                    off += m[p][q] * m[p][q];
                }
            }
            if (off <= 1e-30 * Math.max(diag, Double.MIN_NORMAL)) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = m[p][q];
                    if (Math.abs(apq) < 1e-300) {
                        continue;
                    }
                    double theta = (m[q][q] - m[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {      // columns p, q
                        double mkp = m[k][p];
                        double mkq = m[k][q];
                        m[k][p] = c * mkp - s * mkq;
                        m[k][q] = s * mkp + c * mkq;
                    }
                    double[] rp = m[p];
                    double[] rq = m[q];
                    for (int k = 0; k < n; k++) {      // rows p, q
                        double mpk = rp[k];
                        double mqk = rq[k];
                        rp[k] = c * mpk - s * mqk;
                        rq[k] = s * mpk + c * mqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] diagonal = new double[n];
        for (int i = 0; i < n; i++) {
            diagonal[i] = m[i][i];
        }
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -diagonal[i]).thenComparingInt(i -> i));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int j = 0; j < n; j++) {
            values[j] = diagonal[order[j]];
            for (int k = 0; k < n; k++) {
                vectors[j][k] = v[k][order[j]];
            }
        }
        return new SymmetricEigen(values, vectors);
    }
}
