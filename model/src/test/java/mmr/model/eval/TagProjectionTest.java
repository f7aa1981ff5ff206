package mmr.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class TagProjectionTest {
    @Test
    void theCosinesOfGivenPositionsOrderThemAsTheRankingDoes() {
        SplittableRandom rng = new SplittableRandom(7);
        float[][] features = new float[40][6];
        List<Set<String>> tags = IntStream.range(0, 40).mapToObj(i -> i % 2 == 0 ? Set.of("even", "t" + i % 5) : Set.of("odd", "t" + i % 5)).toList();
        for (float[] f : features) {
            for (int a = 0; a < f.length; a++) {
                f[a] = (float) rng.nextGaussian();
            }
        }
        TagProjection p = new TagProjection(features, tags, 0.1);
        float[] query = features[3].clone();
        int[] ranking = p.rank(query, 40);
        double[] cosines = p.cosines(query, ranking);
        for (int i = 1; i < cosines.length; i++) {
            assertThat(cosines[i]).isLessThanOrEqualTo(cosines[i - 1]);
        }
        assertThat(ranking[0]).as("an image's own projection is nearest to itself").isEqualTo(3);
        assertThat(cosines[0]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(p.cosines(query, new int[] {ranking[5]})[0]).isEqualTo(cosines[5]);
    }

    @Test
    void aMapTruncatedToItsFullRankComparesAsTheFullMapAndBelowItDoesNot() {
        SplittableRandom rng = new SplittableRandom(11);
        float[][] features = new float[60][6];
        List<Set<String>> tags = IntStream.range(0, 60).mapToObj(i -> Set.of("t" + i % 9, i % 2 == 0 ? "even" : "odd", "u" + i % 4)).toList();
        for (float[] f : features) {
            for (int a = 0; a < 5; a++) {
                f[a] = (float) rng.nextGaussian();
            }
            f[5] = f[4];   // [features, 1] then spans 6 of its 7 dimensions: rank 6 keeps everything
        }
        TagProjection full = new TagProjection(features, tags, 0.1);
        TagProjection six = full.truncated(6);
        TagProjection two = full.truncated(2);
        int[] all = IntStream.range(0, 60).toArray();
        float[] query = features[7];
        double[] f = full.cosines(query, all);
        double[] s6 = six.cosines(query, all);
        double[] s2 = two.cosines(query, all);
        double worst = 0;
        for (int i = 0; i < all.length; i++) {
            assertThat(s6[i]).isCloseTo(f[i], org.assertj.core.data.Offset.offset(1e-4));
            worst = Math.max(worst, Math.abs(s2[i] - f[i]));
        }
        assertThat(worst).as("two directions lose some of the geometry").isGreaterThan(0.01);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> two.predict(query, 3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no tag coordinates");
        assertThat(full.truncated(7)).as("not below the map's dimensions: the map itself").isSameAs(full);
        assertThat(full.predict(query, 3)).as("the full map still predicts after truncations").hasSize(3);
    }
}
