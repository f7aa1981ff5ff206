package mmr.model.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class KeywordProximityTest {
    @Test
    void aCarrierScoresOneAndANonCarrierItsNeighboursShareOfSimilarity() {
        assertThat(KeywordProximity.ofKeyword(true, new double[0], new boolean[0])).isEqualTo(1.0);
        // two of three neighbours carry it: their similarity's share
        assertThat(KeywordProximity.ofKeyword(false, new double[] {0.9, 0.7, 0.8}, new boolean[] {true, false, true}))
                .isCloseTo(1.7 / 2.4, within(1e-12));
        assertThat(KeywordProximity.ofKeyword(false, new double[] {0.9, 0.7}, new boolean[] {false, false})).isZero();
        assertThat(KeywordProximity.ofKeyword(false, new double[0], new boolean[0])).isZero();
        // a negative similarity counts as none
        assertThat(KeywordProximity.ofKeyword(false, new double[] {-0.5, 0.5}, new boolean[] {false, true})).isEqualTo(1.0);
        assertThatThrownBy(() -> KeywordProximity.ofKeyword(false, new double[] {0.5}, new boolean[0]))
                .hasMessage("1 similarities for 0 neighbours");
    }

    @Test
    void theSliderMovesFromTheKeywordToThePicture() {
        // a carrier that looks less like the query, and a near non-carrier
        double carrier = KeywordProximity.score(0.5, 0.4, 1.0);
        double lookalike = KeywordProximity.score(0.5, 0.9, 0.2);
        assertThat(carrier).isGreaterThan(lookalike);
        assertThat(KeywordProximity.score(1.0, 0.4, 1.0)).isLessThan(KeywordProximity.score(1.0, 0.9, 0.2));
        assertThat(KeywordProximity.score(0.0, 0.4, 1.0)).isEqualTo(1.0);
    }
}
