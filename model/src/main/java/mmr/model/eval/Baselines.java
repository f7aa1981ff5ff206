package mmr.model.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mmr.model.vector.Vectors;

/**
 * The methods {@code mmr eval} compares mmr against, over an in-memory copy of the catalog:
 * unit-length visual features and each image's tags as the graph has them (after any dropout).
 * Rankings are arrays of catalog indexes, best first, ties broken by index.
 */
public final class Baselines {
    private final float[][] features;
    private final List<Set<String>> tags;

    /** @param unitFeatures L2-normalised features per catalog image; @param tags each image's tags in the graph */
    public Baselines(float[][] unitFeatures, List<Set<String>> tags) {
        if (unitFeatures.length != tags.size()) {
            throw new IllegalArgumentException(unitFeatures.length + " feature rows but " + tags.size() + " tag sets");
        }
        this.features = unitFeatures;
        this.tags = tags;
    }

    public int size() {
        return features.length;
    }

    /** Cosine of the query's unit features to every catalog image. */
    public double[] cosines(float[] unitQuery) {
        double[] s = new double[features.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = dot(unitQuery, features[i]);
        }
        return s;
    }

    /** {@code visual}: exact cosine on features. */
    public int[] visual(float[] unitQuery, int k) {
        return top(cosines(unitQuery), null, k);
    }

    /**
     * {@code hardFilter}: only images whose graph tags hold {@code keyword}, by cosine to the query
     * image — or, for a keyword-only query, to the unit mean of those images' features.
     */
    public int[] hardFilter(float[] unitQuery, String keyword, int k) {
        boolean[] allowed = new boolean[features.length];
        int n = 0;
        for (int i = 0; i < allowed.length; i++) {
            allowed[i] = tags.get(i).contains(keyword);
            n += allowed[i] ? 1 : 0;
        }
        if (n == 0) {
            return new int[0];
        }
        float[] q = unitQuery;
        if (q == null) {
            q = new float[features[0].length];
            for (int i = 0; i < allowed.length; i++) {
                if (allowed[i]) {
                    for (int j = 0; j < q.length; j++) {
                        q[j] += features[i][j];
                    }
                }
            }
            q = Vectors.normaliseInPlace(q);
        }
        return top(cosines(q), allowed, k);
    }

    /**
     * {@code lateFusion}: {@code w·cos(features) + (1 − w)·Jaccard(query tags, image tags)}; without
     * a query image the visual term is left out (Jaccard alone, ties by index).
     */
    public int[] lateFusion(float[] unitQuery, Set<String> queryTags, double w, int k) {
        double[] s = new double[features.length];
        for (int i = 0; i < s.length; i++) {
            double visual = unitQuery == null ? 0 : dot(unitQuery, features[i]);
            s[i] = (unitQuery == null ? 0 : w * visual) + (1 - w) * RankingMetrics.jaccard(queryTags, tags.get(i));
        }
        return top(s, null, k);
    }

    /**
     * {@code neighbourVotes}: the query's {@code neighbours} nearest images by feature cosine vote
     * with their tags; most votes first, then the larger summed cosine, then the name.
     */
    public List<String> neighbourVotes(float[] unitQuery, int neighbours, int k) {
        double[] cos = cosines(unitQuery);
        int[] near = top(cos, null, neighbours);
        Map<String, double[]> votes = new HashMap<>();
        for (int i : near) {
            for (String t : tags.get(i)) {
                double[] v = votes.computeIfAbsent(t, x -> new double[2]);
                v[0] += 1;
                v[1] += cos[i];
            }
        }
        List<Map.Entry<String, double[]>> e = new ArrayList<>(votes.entrySet());
        e.sort(Comparator.<Map.Entry<String, double[]>>comparingDouble(x -> -x.getValue()[0])
                .thenComparingDouble(x -> -x.getValue()[1]).thenComparing(Map.Entry::getKey));
        return e.stream().limit(k).map(Map.Entry::getKey).toList();
    }

    /** Indexes of the {@code k} highest scores (only {@code allowed} ones when given), ties by index. */
    public static int[] top(double[] scores, boolean[] allowed, int k) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (allowed == null || allowed[i]) {
                idx.add(i);
            }
        }
        idx.sort(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
        return idx.stream().limit(k).mapToInt(Integer::intValue).toArray();
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
