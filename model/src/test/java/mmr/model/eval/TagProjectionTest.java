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
}
