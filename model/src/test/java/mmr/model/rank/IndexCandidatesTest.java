package mmr.model.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IndexCandidatesTest {
    @Test
    void largeCatalogsAreAskedTheFullCount() {
        assertThat(IndexCandidates.of(IndexCandidates.FULL_SIZE, 10, 200)).isEqualTo(200);
        assertThat(IndexCandidates.of(1_000_000, 10, 200)).isEqualTo(200);
    }

    @Test
    void smallerCatalogsAreAskedInProportionToTheSquareRootOfTheirSize() {
        // 200 · √(3,812 / 40,000) = 61.7: the emoji catalog.
        assertThat(IndexCandidates.of(3_812, 10, 200)).isEqualTo(62);
        // A quarter of the full size: half the count.
        assertThat(IndexCandidates.of(IndexCandidates.FULL_SIZE / 4, 10, 200)).isEqualTo(100);
    }

    @Test
    void neverFewerThanThreePerWantedNorMoreThanTheFullCount() {
        assertThat(IndexCandidates.of(100, 10, 200)).isEqualTo(30);
        assertThat(IndexCandidates.of(0, 6, 30)).isEqualTo(18);
        assertThat(IndexCandidates.of(100, 20, 40)).isEqualTo(40);
    }

    @Test
    void growsWithTheCatalog() {
        int last = 0;
        for (long n = 0; n <= 2 * IndexCandidates.FULL_SIZE; n += 997) {
            int c = IndexCandidates.of(n, 10, 200);
            assertThat(c).isGreaterThanOrEqualTo(last);
            last = c;
        }
    }

    @Test
    void refusesNegativeCounts() {
        assertThatThrownBy(() -> IndexCandidates.of(10, -1, 200)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wanted -1");
    }
}
