package mmr.model.linalg;

/** Solves {@code A·X = B} for a symmetric positive definite A. */
public final class Cholesky {
    private Cholesky() {}

    public static double[][] solve(double[][] a, double[][] b) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (s <= 0) {
                        throw new IllegalArgumentException("matrix is not positive definite; raise the ridge lambda");
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        int m = b[0].length;
        double[][] y = new double[n][m];
        for (int i = 0; i < n; i++) {               // L·Y = B
            double[] yi = y[i];
            System.arraycopy(b[i], 0, yi, 0, m);
            for (int k = 0; k < i; k++) {
                double lik = l[i][k];
                if (lik == 0) {
                    continue;
                }
                double[] yk = y[k];
                for (int c = 0; c < m; c++) {
                    yi[c] -= lik * yk[c];
                }
            }
            double inv = 1 / l[i][i];
            for (int c = 0; c < m; c++) {
                yi[c] *= inv;
            }
        }
        double[][] x = new double[n][m];
        for (int i = n - 1; i >= 0; i--) {          // Lᵀ·X = Y
            double[] xi = x[i];
            System.arraycopy(y[i], 0, xi, 0, m);
            for (int k = i + 1; k < n; k++) {
                double lki = l[k][i];
                if (lki == 0) {
                    continue;
                }
                double[] xk = x[k];
                for (int c = 0; c < m; c++) {
                    xi[c] -= lki * xk[c];
                }
            }
            double inv = 1 / l[i][i];
            for (int c = 0; c < m; c++) {
                xi[c] *= inv;
            }
        }
        return x;
    }
}
