package mmr.model.tag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class VoterCountTest {
    private static final double[] COSINES = {0.95, 0.9, 0.85, 0.8, 0.78, 0.76, 0.74, 0.72, 0.7, 0.68};

    /** An image with own tags {1, 2, 3, 4, 5}; its neighbours' tags given nearest first. */
    private static VoterCount.Sample sample(List<long[]> neighbourTags) {
        return new VoterCount.Sample(Set.of(1L, 2L, 3L, 4L, 5L), neighbourTags,
                java.util.Arrays.copyOf(COSINES, neighbourTags.size()));
    }

    @Test
    void nearDuplicatesFirstChooseFewVoters() {
        // The nearest two carry the image's tags; the eight beyond carry other tags, three of them outvoting the two.
        List<long[]> tags = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            tags.add(new long[] {1, 2, 3, 4, 5});
        }
        for (int i = 0; i < 8; i++) {
            tags.add(new long[] {11, 12, 13, 14, 15});
        }
        VoterCount.Choice c = VoterCount.choose(List.of(sample(tags)), 0.65, 5, t -> 0);
        assertThat(c.voters()).isEqualTo(3);
        assertThat(c.precision()).containsExactly(1.0, 0.0, 0.0, 0.0);
    }

    @Test
    void theMeanOverSamplesDecides() {
        // Two samples: on one the nearest two carry the image's tags (3 voters right, 5 wrong), on the
        // other every count is right. Means 1.0 for 3 voters against 0.5 for 5.
        List<long[]> near = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            near.add(i < 2 ? new long[] {1, 2, 3, 4, 5} : new long[] {11, 12, 13, 14, 15});
        }
        List<long[]> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(new long[] {1, 2, 3, 4, 5});
        }
        VoterCount.Choice c = VoterCount.choose(List.of(sample(near), sample(all)), 0.65, 5, t -> 0);
        assertThat(c.precision()).containsExactly(1.0, 0.5, 0.5, 0.5);
        assertThat(c.voters()).isEqualTo(3);
        assertThat(c.samples()).isEqualTo(2);
    }

    @Test
    void gapsInTheTagsChooseMoreVoters() {
        // Each neighbour kept one of the image's five tags beside two (commoner) tags of its own: only when
        // every kept tag is voted twice do the image's own tags come first.
        List<long[]> tags = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tags.add(new long[] {1 + i % 5, 100 + i, 200 + i});
        }
        VoterCount.Choice c = VoterCount.choose(List.of(sample(tags)), 0.65, 5, t -> t >= 100 ? 10 : 1);
        assertThat(c.voters()).isEqualTo(10);
        assertThat(c.precision()).containsExactly(0.2, 0.2, 0.4, 1.0);
    }

    @Test
    void neighboursBelowTheCutoffDoNotVote() {
        List<long[]> tags = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tags.add(i < 5 ? new long[] {1, 2, 3, 4, 5} : new long[] {11, 12, 13, 14, 15, 16, 17});
        }
        // With cutoff 0.75 neighbours 6 to 10 are not attached: every count reads the same five voters.
        VoterCount.Choice c = VoterCount.choose(List.of(sample(tags)), 0.75, 5, t -> 0);
        assertThat(c.precision()).containsExactly(1.0, 1.0, 1.0, 1.0);
        assertThat(c.voters()).as("a tie goes to the default").isEqualTo(VoterCount.DEFAULT);
        assertThat(VoterCount.choose(List.of(sample(tags)), 0.65, 5, t -> 0).voters()).isIn(3, 5);
    }

    @Test
    void equalVotesAreOrderedByCarriers() {
        // One voter with seven tags: the image's own five are the commonest in the catalog.
        List<long[]> tags = List.<long[]>of(new long[] {20, 21, 1, 2, 3, 4, 5});
        assertThat(VoterCount.precision(sample(tags), 5, 0.65, 5, t -> t < 10 ? 100 : 1)).isEqualTo(1.0);
        assertThat(VoterCount.precision(sample(tags), 5, 0.65, 5, t -> t < 10 ? 1 : 100)).isEqualTo(0.6);
    }

    @Test
    void noSamplesKeepTheDefault() {
        assertThat(VoterCount.choose(List.of(), 0.65, 5, t -> 0).voters()).isEqualTo(VoterCount.DEFAULT);
    }
}
