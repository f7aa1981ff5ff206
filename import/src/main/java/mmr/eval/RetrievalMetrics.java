package mmr.eval;

import java.util.List;
import java.util.Objects;

import mmr.model.vector.Vectors;

/**
 * Offline retrieval quality of a set of image vectors against evaluation-only ground truth: every
 * image queries all others by cosine (exact), and its top {@code k} are scored. Ground truth is
 * never a feature: it is read here and nowhere in the pipeline.
 */
public final class RetrievalMetrics {
    /** One image: its vector and its ground truth. {@code concept} is shared by the same emoji across vendors. */
    public record Item(float[] vector, String concept, String vendor, String subcategory) {}

    /**
     * @param twinRecall     share of images whose same-concept image from another vendor is in their top k
     * @param subcategoryP   mean precision at k of results in the query's subcategory
     * @param queries        images scored
     * @param meanCosine     mean cosine over all pairs: near 1 means the vectors crowd into a narrow cone
     */
    public record Scores(int k, double twinRecall, double subcategoryP, int queries, double meanCosine) {}

    private RetrievalMetrics() {}

    public static Scores evaluate(List<Item> items, int k) {
        int n = items.size();
        float[][] unit = new float[n][];
        for (int i = 0; i < n; i++) {
            unit[i] = Vectors.normaliseInPlace(items.get(i).vector().clone());
        }
        double twinHits = 0;
        int twinQueries = 0;
        double precision = 0;
        double cosineSum = 0;
        int[] top = new int[k];
        double[] topScore = new double[k];
        for (int q = 0; q < n; q++) {
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
            Item query = items.get(q);
            boolean hasTwin = false;
            boolean twinFound = false;
            int same = 0;
            for (int j = 0; j < n && !hasTwin; j++) {
                hasTwin = j != q && isTwin(query, items.get(j));
            }
            for (int r = 0; r < filled; r++) {
                Item hit = items.get(top[r]);
                twinFound |= isTwin(query, hit);
                if (Objects.equals(query.subcategory(), hit.subcategory())) {
                    same++;
                }
            }
            if (hasTwin) {
                twinQueries++;
                twinHits += twinFound ? 1 : 0;
            }
            precision += filled == 0 ? 0 : (double) same / k;
        }
        return new Scores(k, twinQueries == 0 ? Double.NaN : twinHits / twinQueries, precision / n, n,
                n < 2 ? Double.NaN : cosineSum / ((double) n * (n - 1)));
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
