package mmr.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import mmr.model.vector.Vectors;

/**
 * Offline retrieval quality against evaluation-only ground truth: every image queries the others,
 * and its top {@code k} are scored. Ground truth is never a feature: it is read here and nowhere in
 * the pipeline. Rankings come either from exact cosine over vectors ({@link #evaluate}) or from
 * elsewhere, e.g. mmr.search ({@link #score}). For {@code mmr bench quality}; {@code mmr eval} scores
 * held-out queries' rankings with {@code RankingMetrics} instead.
 */
public final class RetrievalMetrics {
    /** One image: its vector (may be null for {@link #score}) and its ground truth. {@code concept} is shared by the same emoji across vendors. */
    public record Item(float[] vector, String concept, String vendor, String subcategory) {}

    /**
     * @param twinRecall     share of images whose same-concept image from another vendor is in their top k
     * @param subcategoryP   mean precision at k of results in the query's subcategory
     * @param queries        images scored
     * @param meanCosine     mean cosine over all pairs: near 1 means the vectors crowd into a narrow cone
     */
    public record Scores(int k, double twinRecall, double subcategoryP, int queries, double meanCosine) {}

    private RetrievalMetrics() {}

    /** Ranks every item's neighbours by exact cosine of the vectors, then scores them. */
    public static Scores evaluate(List<Item> items, int k) {
        int n = items.size();
        float[][] unit = new float[n][];
        for (int i = 0; i < n; i++) {
            unit[i] = Vectors.normaliseInPlace(items.get(i).vector().clone());
        }
        double cosineSum = 0;
        List<int[]> rankings = new ArrayList<>(n);
        for (int q = 0; q < n; q++) {
            int[] top = new int[k];
            double[] topScore = new double[k];
            int filled = 0;
            for (int j = 0; j < n; j++) {
                if (j == q) {
                    continue;
                }
                double s = dot(unit[q], unit[j]);
                cosineSum += s;
                if (filled < k) {
                    insert(top, topScore, filled++, j, s);
                } else if (s > topScore[k - 1]) {
                    insert(top, topScore, k - 1, j, s);
                }
            }
            rankings.add(Arrays.copyOf(top, filled));
        }
        return score(items, rankings, k, n < 2 ? Double.NaN : cosineSum / ((double) n * (n - 1)));
    }

    /** Scores given rankings: {@code rankings.get(q)} holds the indexes of item q's results, best first. */
    public static Scores score(List<Item> items, List<int[]> rankings, int k, double meanCosine) {
        int n = items.size();
        double twinHits = 0;
        int twinQueries = 0;
        double precision = 0;
        for (int q = 0; q < n; q++) {
            Item query = items.get(q);
            boolean hasTwin = false;
            for (int j = 0; j < n && !hasTwin; j++) {
                hasTwin = j != q && isTwin(query, items.get(j));
            }
            boolean twinFound = false;
            int same = 0;
            for (int r : rankings.get(q)) {
                Item hit = items.get(r);
                twinFound |= isTwin(query, hit);
                if (Objects.equals(query.subcategory(), hit.subcategory())) {
                    same++;
                }
            }
            if (hasTwin) {
                twinQueries++;
                twinHits += twinFound ? 1 : 0;
            }
            precision += (double) same / k;
        }
        return new Scores(k, twinQueries == 0 ? Double.NaN : twinHits / twinQueries, n == 0 ? Double.NaN : precision / n, n,
                meanCosine);
    }

    private static boolean isTwin(Item a, Item b) {
        return a.concept() != null && a.concept().equals(b.concept()) && !Objects.equals(a.vendor(), b.vendor());
    }

    /** Inserts (id, score) at or before {@code slot} keeping scores descending. */
    private static void insert(int[] ids, double[] scores, int slot, int id, double s) {
        int i = slot;
        while (i > 0 && scores[i - 1] < s) {
            ids[i] = ids[i - 1];
            scores[i] = scores[i - 1];
            i--;
        }
        ids[i] = id;
        scores[i] = s;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
