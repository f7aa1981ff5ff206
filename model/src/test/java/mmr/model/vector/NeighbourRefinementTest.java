package mmr.model.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The local join on clustered vectors seeded with poor lists: it finds the exact neighbours, never loses a better one, and is the same on any number of threads. */
class NeighbourRefinementTest {
    private static final int K = 5;
    private static final double CUTOFF = 0.3;

    private final float[][] features = clustered(new Random(3), 40, 12, 32, 0.6);

    @Test
    void roundsRecoverTheExactNeighboursFromAPoorStart() {
        NeighbourRefinement.Lists seed = poorSeed(new Random(5));
        double before = recall(seed);
        NeighbourRefinement.Lists once = NeighbourRefinement.refine(features, seed, CUTOFF, 2, x -> {});
        NeighbourRefinement.Lists twice = NeighbourRefinement.refine(features, once, CUTOFF, 2, x -> {});
        assertThat(before).isLessThan(0.5);
        assertThat(recall(once)).isGreaterThan(before);
        assertThat(recall(twice)).isGreaterThanOrEqualTo(recall(once)).isGreaterThan(0.95);
        for (NeighbourRefinement.Lists l : List.of(once, twice)) {
            assertWellFormed(l);
        }
        // a list only gets better: each image's k-th cosine never falls (float rounding aside)
        for (int i = 0; i < features.length; i++) {
            assertThat(kth(twice, i)).isGreaterThanOrEqualTo(kth(once, i) - 1e-5f);
            assertThat(kth(once, i)).isGreaterThanOrEqualTo(kth(seed, i) - 1e-5f);
        }
    }

    @Test
    void theResultDoesNotDependOnTheThreads() {
        NeighbourRefinement.Lists seed = poorSeed(new Random(9));
        NeighbourRefinement.Lists one = NeighbourRefinement.refine(features, seed, CUTOFF, 1, x -> {});
        NeighbourRefinement.Lists three = NeighbourRefinement.refine(features, seed, CUTOFF, 3, x -> {});
        assertThat(three.count()).isEqualTo(one.count());
        assertThat(three.target()).isEqualTo(one.target());
        assertThat(three.cosine()).isEqualTo(one.cosine());
    }

    @Test
    void anImageWithoutNeighboursGainsThemThroughThoseListingIt() {
        NeighbourRefinement.Lists seed = poorSeed(new Random(5));
        seed.count()[0] = 0;
        NeighbourRefinement.Lists after = NeighbourRefinement.refine(features, seed, CUTOFF, 2, x -> {});
        assertThat(after.count()[0]).isEqualTo(K);
    }

    /** Each image's list: K images of its own cluster chosen at random (not its nearest), cosines exact. */
    private NeighbourRefinement.Lists poorSeed(Random rnd) {
        int n = features.length;
        int[] target = new int[n * K];
        float[] cosine = new float[n * K];
        int[] count = new int[n];
        int size = 12;
        for (int i = 0; i < n; i++) {
            int cluster = i / size;
            List<Integer> pick = new ArrayList<>();
            while (pick.size() < K) {
                int j = cluster * size + rnd.nextInt(size);
                if (j != i && !pick.contains(j)) {
                    pick.add(j);
                }
            }
            int image = i;
            pick.sort((a, b) -> Float.compare(cos(image, b), cos(image, a)));
            for (int a = 0; a < K; a++) {
                target[i * K + a] = pick.get(a);
                cosine[i * K + a] = cos(i, pick.get(a));
            }
            count[i] = K;
        }
        return new NeighbourRefinement.Lists(K, target, cosine, count);
    }

    private double recall(NeighbourRefinement.Lists l) {
        return recall(l, features, CUTOFF);
    }

    /** Share of every point's exact top k (at or above {@code cutoff}) that its list holds. */
    static double recall(NeighbourRefinement.Lists l, float[][] features, double cutoff) {
        int k = l.k();
        int hit = 0;
        int all = 0;
        for (int i = 0; i < features.length; i++) {
            Set<Integer> got = new HashSet<>();
            for (int a = 0; a < l.count()[i]; a++) {
                got.add(l.target()[i * k + a]);
            }
            List<Integer> others = new ArrayList<>();
            for (int j = 0; j < features.length; j++) {
                if (j != i && Vectors.cosine(features[i], features[j]) >= cutoff) {
                    others.add(j);
                }
            }
            float[] fi = features[i];
            others.sort((a, b) -> Double.compare(Vectors.cosine(fi, features[b]), Vectors.cosine(fi, features[a])));
            for (int e : others.subList(0, Math.min(k, others.size()))) {
                all++;
                hit += got.contains(e) ? 1 : 0;
            }
        }
        return hit / (double) all;
    }

    private void assertWellFormed(NeighbourRefinement.Lists l) {
        for (int i = 0; i < features.length; i++) {
            Set<Integer> seen = new HashSet<>();
            for (int a = 0; a < l.count()[i]; a++) {
                int j = l.target()[i * K + a];
                assertThat(j).isNotEqualTo(i);
                assertThat(seen.add(j)).isTrue();
                assertThat(l.cosine()[i * K + a]).isGreaterThanOrEqualTo((float) CUTOFF).isCloseTo(cos(i, j), org.assertj.core.data.Offset.offset(1e-5f));
                if (a > 0) {
                    assertThat(l.cosine()[i * K + a]).isLessThanOrEqualTo(l.cosine()[i * K + a - 1]);
                }
            }
        }
    }

    private float kth(NeighbourRefinement.Lists l, int i) {
        return l.count()[i] < K ? -2 : l.cosine()[i * K + K - 1];
    }

    private float cos(int i, int j) {
        return (float) Vectors.cosine(features[i], features[j]);
    }

    /** {@code clusters} Gaussian clusters of {@code size} points each around random centres, {@code noise} apart. */
    static float[][] clustered(Random rnd, int clusters, int size, int dim, double noise) {
        float[][] out = new float[clusters * size][];
        for (int c = 0; c < clusters; c++) {
            float[] centre = new float[dim];
            for (int d = 0; d < dim; d++) {
                centre[d] = (float) rnd.nextGaussian();
            }
            for (int j = 0; j < size; j++) {
                float[] v = centre.clone();
                for (int d = 0; d < dim; d++) {
                    v[d] += (float) (rnd.nextGaussian() * noise);
                }
                out[c * size + j] = v;
            }
        }
        return out;
    }
}
