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
