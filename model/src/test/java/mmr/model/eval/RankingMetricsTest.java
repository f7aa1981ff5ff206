package mmr.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Each metric of mmr eval on tiny hand-made rankings with answers worked out by hand. */
class RankingMetricsTest {
    @Test
    void ndcgIsGradedAndNormalisedByTheBestPossibleRanking() {
        double[] gains = {0, 3, 2, 0, 1};               // catalog items 0..4
        assertThat(RankingMetrics.ndcg(new int[] {1, 2, 4, 0, 3}, gains, 5)).isCloseTo(1.0, within(1e-12));
        // ranking 2,1: DCG = 3/log2(2) + 7/log2(3); ideal 7/1 + 3/log2(3) + 1/2
        double dcg = 3 + 7 / (Math.log(3) / Math.log(2));
        double ideal = 7 + 3 / (Math.log(3) / Math.log(2)) + 1 / 2.0;
        assertThat(RankingMetrics.ndcg(new int[] {2, 1}, gains, 5)).isCloseTo(dcg / ideal, within(1e-12));
        assertThat(RankingMetrics.ndcg(new int[] {0, 3}, gains, 5)).isZero();
        assertThat(RankingMetrics.ndcg(new int[] {0}, new double[] {0, 0}, 5)).isZero();
    }

    @Test
    void hitPrecisionRecall() {
        boolean[] rel = {true, false, true, false, false, true};
        assertThat(RankingMetrics.hit(new int[] {1, 3, 2}, rel, 2)).isZero();
        assertThat(RankingMetrics.hit(new int[] {1, 3, 2}, rel, 3)).isEqualTo(1);
        assertThat(RankingMetrics.precision(new int[] {0, 1, 2}, rel, 10)).isCloseTo(0.2, within(1e-12));
        // 3 relevant in the catalog, k = 2: a perfect top 2 scores 1
        assertThat(RankingMetrics.recall(new int[] {0, 2}, rel, 2)).isEqualTo(1.0);
        assertThat(RankingMetrics.recall(new int[] {0, 1, 4, 5}, rel, 50)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(RankingMetrics.recall(new int[] {0}, new boolean[2], 50)).isNaN();
    }

    @Test
    void meansTagPrecisionAndJaccard() {
        assertThat(RankingMetrics.meanOf(new int[] {2, 0}, new double[] {0.5, 0.1, 0.9}, 10)).isCloseTo(0.7, within(1e-12));
        assertThat(RankingMetrics.tagPrecision(List.of("a", "x", "b"), Set.of("a", "b", "c"), 5)).isCloseTo(0.4, within(1e-12));
        assertThat(RankingMetrics.jaccard(Set.of("a", "b"), Set.of("b", "c"))).isCloseTo(1 / 3.0, within(1e-12));
    }

    @Test
    void bootstrapIsSeededAndBracketsTheMean() {
        double[] v = {0, 1, 1, 0, 1, Double.NaN};
        Bootstrap.Estimate a = Bootstrap.of(v, 5);
        assertThat(a.n()).isEqualTo(5);
        assertThat(a.mean()).isCloseTo(0.6, within(1e-12));
        assertThat(a.low()).isLessThanOrEqualTo(0.6);
        assertThat(a.high()).isGreaterThanOrEqualTo(0.6);
        assertThat(Bootstrap.of(v, 5)).isEqualTo(a);
    }

    @Test
    void baselinesRankAsDefined() {
        float[][] f = {{1, 0}, {0, 1}, {0.8f, 0.6f}};
        Baselines b = new Baselines(f, List.of(Set.of("x"), Set.of("y"), Set.of("x", "z")));
        assertThat(b.visual(new float[] {1, 0}, 3)).containsExactly(0, 2, 1);
        assertThat(b.hardFilter(new float[] {0, 1}, "x", 3)).containsExactly(2, 0);
        assertThat(b.hardFilter(null, "y", 3)).containsExactly(1);
        assertThat(b.hardFilter(null, "nope", 3)).isEmpty();
        // 0.5·cos + 0.5·Jaccard({y}, tags): item 1: 0.5·1 + 0.5·1
        assertThat(b.lateFusion(new float[] {0, 1}, Set.of("y"), 0.5, 1)).containsExactly(1);
        assertThat(b.neighbourVotes(new float[] {1, 0}, 2, 3)).containsExactly("x", "z");
    }

    @Test
    void tagProjectionLearnsALinearTagMap() {
        float[][] f = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.9f}};
        List<Set<String>> tags = List.of(Set.of("left"), Set.of("left"), Set.of("right"), Set.of("right"));
        TagProjection p = new TagProjection(f, tags, 0.01);
        assertThat(p.predict(new float[] {0.95f, 0.05f}, 1)).containsExactly("left");
        assertThat(p.rankKeyword("right", 2)).containsExactlyInAnyOrder(2, 3);
        assertThat(p.rank(new float[] {0.05f, 0.95f}, 1)[0]).isIn(2, 3);
    }
}
