package mmr.model.eval;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Per-query ranking metrics of {@code mmr eval}. A ranking is an array of catalog indexes, best
 * first; gains and judgements are looked up by index. Every method returns a value for one query;
 * means and intervals are taken by {@link Bootstrap}. (The CLI's {@code RetrievalMetrics} is another
 * measure: every catalog image queries all the others by exact cosine of vectors, for {@code mmr bench
 * quality}'s twin recall; it judges vectors, this judges rankings.)
 */
public final class RankingMetrics {
    private RankingMetrics() {}

    /**
     * Graded nDCG@k with gain {@code 2^g − 1} and discount {@code log2(rank + 1)}: the ranking's DCG
     * over the best DCG any ranking of the catalog could reach ({@code allGains}: every catalog item's
     * gain for this query). 0 when no catalog item has a positive gain.
     */
    public static double ndcg(int[] ranking, double[] allGains, int k) {
        double dcg = 0;
        for (int r = 0; r < Math.min(k, ranking.length); r++) {
            dcg += (Math.pow(2, allGains[ranking[r]]) - 1) / log2(r + 2);
        }
        double[] sorted = allGains.clone();
        Arrays.sort(sorted);
        double ideal = 0;
        for (int r = 0; r < Math.min(k, sorted.length); r++) {
            double g = sorted[sorted.length - 1 - r];
            if (g <= 0) {
                break;
            }
            ideal += (Math.pow(2, g) - 1) / log2(r + 2);
        }
        return ideal == 0 ? 0 : dcg / ideal;
    }

    /** 1 when any of the top {@code k} is relevant (e.g. the query's twin), else 0. */
    public static double hit(int[] ranking, boolean[] relevant, int k) {
        for (int r = 0; r < Math.min(k, ranking.length); r++) {
            if (relevant[ranking[r]]) {
                return 1;
            }
        }
        return 0;
    }

    /** Relevant items among the top {@code k} ÷ k (a short ranking is not padded in its favour). */
    public static double precision(int[] ranking, boolean[] relevant, int k) {
        int n = 0;
        for (int r = 0; r < Math.min(k, ranking.length); r++) {
            n += relevant[ranking[r]] ? 1 : 0;
        }
        return (double) n / k;
    }

    /**
     * Relevant items among the top {@code k} ÷ min(relevant items in the catalog, k): a perfect
     * ranking scores 1. NaN when nothing in the catalog is relevant.
     */
    public static double recall(int[] ranking, boolean[] relevant, int k) {
        int total = 0;
        for (boolean b : relevant) {
            total += b ? 1 : 0;
        }
        if (total == 0) {
            return Double.NaN;
        }
        int n = 0;
        for (int r = 0; r < Math.min(k, ranking.length); r++) {
            n += relevant[ranking[r]] ? 1 : 0;
        }
        return (double) n / Math.min(total, k);
    }

    /** Mean of {@code similarity[i]} over the top {@code k} (e.g. feature cosine to the query); NaN for an empty ranking. */
    public static double meanOf(int[] ranking, double[] similarity, int k) {
        int n = Math.min(k, ranking.length);
        if (n == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int r = 0; r < n; r++) {
            s += similarity[ranking[r]];
        }
        return s / n;
    }

    /** Predicted tags among the first {@code k} that are in {@code truth}, ÷ k. */
    public static double tagPrecision(List<String> predicted, Set<String> truth, int k) {
        int n = 0;
        for (int i = 0; i < Math.min(k, predicted.size()); i++) {
            n += truth.contains(predicted.get(i)) ? 1 : 0;
        }
        return (double) n / k;
    }

    /** |a ∩ b| / |a ∪ b|; 0 when both are empty. */
    public static double jaccard(Collection<String> a, Collection<String> b) {
        if (a.isEmpty() && b.isEmpty()) {
            return 0;
        }
        int inter = 0;
        for (String x : a) {
            inter += b.contains(x) ? 1 : 0;
        }
        return (double) inter / (a.size() + b.size() - inter);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
