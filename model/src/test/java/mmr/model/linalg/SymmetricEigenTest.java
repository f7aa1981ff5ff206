package mmr.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    @Test
    void decomposesASymmetricMatrixIntoSortedOrthonormalEigenpairs() {
        int n = 40;
        SplittableRandom rng = new SplittableRandom(5);
        double[][] b = new double[n][n];
        for (double[] row : b) {
            for (int j = 0; j < n; j++) {
                row[j] = rng.nextDouble() - 0.5;
            }
        }
        double[][] a = new double[n][n];                 // BᵀB + a few repeated eigenvalues' worth of structure
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    a[i][j] += b[k][i] * b[k][j];
                }
            }
        }
        SymmetricEigen e = SymmetricEigen.of(a);
        for (int k = 1; k < n; k++) {
            assertThat(e.values()[k]).isLessThanOrEqualTo(e.values()[k - 1]);
        }
        for (int p = 0; p < n; p++) {
            for (int q = 0; q < n; q++) {
                double dot = 0;
                double rebuilt = 0;
                for (int k = 0; k < n; k++) {
                    dot += e.vectors()[p][k] * e.vectors()[q][k];
                    rebuilt += e.vectors()[k][p] * e.values()[k] * e.vectors()[k][q];
                }
                assertThat(dot).isCloseTo(p == q ? 1 : 0, within(1e-9));
                assertThat(rebuilt).isCloseTo(a[p][q], within(1e-9));
            }
        }
    }

    /** Eigenpairs that rebuild {@code a} and are orthonormal, values decreasing. */
    private static void assertDecomposes(double[][] a, double tolerance) {
        int n = a.length;
        SymmetricEigen e = SymmetricEigen.of(a);
        for (int k = 1; k < n; k++) {
            assertThat(e.values()[k]).isLessThanOrEqualTo(e.values()[k - 1]);
        }
        for (int k = 0; k < n; k++) {   // A·v = λ·v, |v| = 1
            double[] v = e.vectors()[k];
            double norm = 0;
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int j = 0; j < n; j++) {
                    av += a[i][j] * v[j];
                }
                assertThat(av).isCloseTo(e.values()[k] * v[i], within(tolerance));
                norm += v[i] * v[i];
            }
            assertThat(norm).isCloseTo(1, within(1e-9));
        }
        for (int p = 0; p < Math.min(n, 20); p++) {
            for (int q = p + 1; q < n; q++) {
                double dot = 0;
                for (int k = 0; k < n; k++) {
                    dot += e.vectors()[p][k] * e.vectors()[q][k];
                }
                assertThat(dot).isCloseTo(0, within(1e-9));
            }
        }
    }

    @Test
    void lowRankRepeatedAndTinyMatricesDecompose() {
        SplittableRandom rng = new SplittableRandom(11);
        int n = 300;
        int rank = 25;   // like the tag space's AAᵀ: positive semi-definite, most eigenvalues zero
        double[][] b = new double[rank][n];
        for (double[] row : b) {
            for (int j = 0; j < n; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < rank; k++) {
                    a[i][j] += b[k][i] * b[k][j];
                }
            }
        }
        assertDecomposes(a, 1e-8);
        assertThat(SymmetricEigen.of(a).values()[rank]).isCloseTo(0, within(1e-8));
        double[][] repeated = new double[6][6];   // 2·I plus a rank-one bump: eigenvalues 2 (five times) and 2 + 6
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                repeated[i][j] = (i == j ? 2 : 0) + 1;
            }
        }
        assertDecomposes(repeated, 1e-12);
        assertThat(SymmetricEigen.of(repeated).values()).containsExactly(new double[] {8, 2, 2, 2, 2, 2}, within(1e-12));
        assertThat(SymmetricEigen.of(new double[][] {{4}}).values()).containsExactly(4);
        assertThat(SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}}).values()).containsExactly(new double[] {3, 1}, within(1e-12));
        assertDecomposes(new double[3][3], 0);
    }

    @Test
    void diagonalMatrixGivesItsDiagonalInDecreasingOrder() {
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{1, 0, 0}, {0, 3, 0}, {0, 0, 2}});
        assertThat(e.values()).containsExactly(3, 2, 1);
        assertThat(e.vectors()[0]).containsExactly(0, 1, 0);
    }

    @Test
    void refusesANonSquareMatrix() {
        assertThatThrownBy(() -> SymmetricEigen.of(new double[][] {{1, 2}, {3}}))
                .hasMessage("not a square matrix: row 1 has 1 columns, expected 2");
    }
}
