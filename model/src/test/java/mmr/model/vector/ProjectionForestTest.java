package mmr.model.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** First lists from random-projection trees: well formed, the same on any number of threads, and good once refined. */
class ProjectionForestTest {
    private static final int K = 5;
    private final float[][] features = clustered(new Random(3), 60, 10, 48);

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
        int hit = 0;
        int all = 0;
        for (int i = 0; i < features.length; i++) {
            Set<Integer> got = new HashSet<>();
            for (int a = 0; a < l.count()[i]; a++) {
                got.add(l.target()[i * K + a]);
            }
            List<Integer> others = new ArrayList<>();
            for (int j = 0; j < features.length; j++) {
                if (j != i) {
                    others.add(j);
                }
            }
            int image = i;
            others.sort((a, b) -> Double.compare(Vectors.cosine(features[image], features[b]), Vectors.cosine(features[image], features[a])));
            for (int e : others.subList(0, K)) {
                all++;
                hit += got.contains(e) ? 1 : 0;
            }
        }
        return hit / (double) all;
    }

    private static float[][] clustered(Random rnd, int clusters, int size, int dim) {
        float[][] out = new float[clusters * size][];
        for (int c = 0; c < clusters; c++) {
            float[] centre = new float[dim];
            for (int d = 0; d < dim; d++) {
                centre[d] = (float) rnd.nextGaussian();
            }
            for (int j = 0; j < size; j++) {
                float[] v = centre.clone();
                for (int d = 0; d < dim; d++) {
                    v[d] += (float) (rnd.nextGaussian() * 0.5);
                }
                out[c * size + j] = v;
            }
        }
        return out;
    }
}
