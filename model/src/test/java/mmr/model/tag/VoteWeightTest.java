package mmr.model.tag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class VoteWeightTest {
    /** Own tags {1, 2}; the neighbours voted for 1 and for 9 and 8 (each half the votes' worth). */
    private static VoteWeight.Sample thinVotes(Map<Long, Double> cosines) {
        return new VoteWeight.Sample(Set.of(1L, 2L), Map.of(1L, 0.5, 9L, 0.5, 8L, 0.5), cosines);
    }

    @Test
    void votesAloneWinWhereTheyHoldTheOwnTags() {
        // The votes name both own tags; the model ranks two others first.
        VoteWeight.Sample s = new VoteWeight.Sample(Set.of(1L, 2L), Map.of(1L, 1.0, 2L, 1.0),
                Map.of(1L, 0.1, 2L, 0.1, 5L, 0.9, 6L, 0.8));
        VoteWeight.Choice c = VoteWeight.choose(List.of(s), 2);
        assertThat(c.weight()).isEqualTo(1.0);
        assertThat(c.precision()).containsExactly(0.0, 0.0, 1.0, 1.0, 1.0);
    }

    @Test
    void theModelFillsInWhereTheVotesMissATag() {
        // Tag 2 was voted by no neighbour (its carriers lost it); the model ranks it first. With the votes
        // alone, 9 and 8 tie with 1 and the cosine orders them: 1 then 9 — one own tag of two. Any weight
        // below 1 lifts 2 above the voted 9 and 8 while 1 stays in the top 2.
        VoteWeight.Sample s = thinVotes(Map.of(1L, 0.5, 2L, 0.9, 9L, 0.4, 8L, 0.3));
        VoteWeight.Choice c = VoteWeight.choose(List.of(s), 2);
        assertThat(c.precision()[4]).isEqualTo(0.5);
        assertThat(c.precision()[1]).isEqualTo(1.0);
        assertThat(c.precision()).containsExactly(1.0, 1.0, 1.0, 0.5, 0.5);
        assertThat(c.weight()).isEqualTo(0.5);   // of the tied best, the one nearest the votes
        assertThat(c.samples()).isEqualTo(1);
    }

    @Test
    void aTieKeepsTheVotesAndNoSamplesKeepTheDefault() {
        VoteWeight.Sample s = new VoteWeight.Sample(Set.of(1L), Map.of(1L, 1.0), Map.of(1L, 0.9, 2L, 0.1));
        assertThat(VoteWeight.choose(List.of(s), 1).weight()).isEqualTo(VoteWeight.DEFAULT);
        VoteWeight.Choice none = VoteWeight.choose(List.of(), 5);
        assertThat(none.weight()).isEqualTo(VoteWeight.DEFAULT);
        assertThat(none.samples()).isZero();
    }

    @Test
    void aVotedTagWithoutCosineIsRefused() {
        assertThatThrownBy(() -> new VoteWeight.Sample(Set.of(1L), Map.of(3L, 1.0), Map.of(1L, 0.5)))
                .hasMessageContaining("voted tag 3 has no cosine");
    }
}
