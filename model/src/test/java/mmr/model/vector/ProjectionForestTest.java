package mmr.model.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** First lists from random-projection trees: well formed, the same on any number of threads, and good once refined. */
class ProjectionForestTest {
    private static final int K = 5;
    private final float[][] features = NeighbourRefinementTest.clustered(new Random(3), 60, 10, 48, 0.5);

    @Test
    void refinedForestListsHoldTheExactNeighbours() {
        NeighbourRefinement.Lists lists = ProjectionForest.seed(features, K, 6, 16, 7, 2);
        double seeded = recall(lists);
        for (int round = 0; round < 4; round++) {
            lists = NeighbourRefinement.refine(features, lists, -1.0, 2, x -> {});
        }
        assertThat(recall(lists)).isGreaterThan(seeded).isGreaterThanOrEqualTo(0.97);
        for (int i = 0; i < features.length; i++) {
            Set<Integer> seen = new HashSet<>();
            assertThat(lists.count()[i]).isEqualTo(K);
            for (int a = 0; a < K; a++) {
                int j = lists.target()[i * K + a];
                assertThat(j).isNotEqualTo(i);
                assertThat(seen.add(j)).isTrue();
                if (a > 0) {
                    assertThat(lists.cosine()[i * K + a]).isLessThanOrEqualTo(lists.cosine()[i * K + a - 1]);
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameListsOnAnyNumberOfThreads() {
        NeighbourRefinement.Lists one = ProjectionForest.seed(features, K, 4, 16, 11, 1);
        NeighbourRefinement.Lists three = ProjectionForest.seed(features, K, 4, 16, 11, 3);
        assertThat(three.target()).isEqualTo(one.target());
        assertThat(three.count()).isEqualTo(one.count());
    }

    @Test
    void identicalImagesDoNotStopTheSplitting() {
        float[][] same = new float[200][];
        for (int i = 0; i < same.length; i++) {
            same[i] = new float[] {1, 2, 3};
        }
        NeighbourRefinement.Lists lists = ProjectionForest.seed(same, K, 2, 8, 1, 2);
        assertThat(lists.count()).containsOnly(K);
    }

    private double recall(NeighbourRefinement.Lists l) {
        return NeighbourRefinementTest.recall(l, features, -2);
    }
}
