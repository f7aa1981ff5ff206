package mmr.model.rank;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Unsupervised re-ranking by propagating relevance over the candidates' visual graph (paper 002's
 * idea without the learned weights): the initial scores, scaled to [0, 1] (min-max; all equal → 1),
 * are smoothed over a graph whose edge weights are visual similarities,
 * <pre>
 *   s_0 = scaled initial scores,   s_(t+1) = (1 − α)·s_0 + α·D⁻¹W·s_t   (t < steps)
 * </pre>
 * — personalised PageRank truncated at {@code steps}, the restart being the initial ranking. W holds
 * max(0, cosine) on each candidate's top-k most similar other candidates at or above a cutoff (made
 * symmetric), plus any given edges; D is its row sums (a candidate without edges keeps s_0). The
 * output ranks by s_steps, ties by initial rank. Deterministic; O(n²·d) for n candidates of
 * dimension d, bounded by the caller's candidate cap.
 */
public final class ScorePropagation {
    /** An extra edge between candidates i and j with weight w (e.g. a stored SIMILAR edge). */
    public record Edge(int i, int j, double w) {}

    /**
     * @param alpha share of a step taken from the neighbours, [0, 1)
     * @param steps propagation steps, ≥ 0
     * @param topK  nearest candidates each gets edges to by cosine (0: none)
     * @param cutoff minimum cosine of such an edge
     */
    public record Settings(double alpha, int steps, int topK, double cutoff) {}

    private ScorePropagation() {}

    /** The propagated scores, in candidate order. {@code unit} rows may be null (no vector: no cosine edges). */
    public static double[] propagate(double[] initial, float[][] unit, List<Edge> extra, Settings s) {
        int n = initial.length;
        double min = Arrays.stream(initial).min().orElse(0);
        double max = Arrays.stream(initial).max().orElse(0);
        double[] s0 = new double[n];
        for (int i = 0; i < n; i++) {
            s0[i] = max > min ? (initial[i] - min) / (max - min) : 1;
        }
        double[][] w = new double[n][n];
        if (s.topK() > 0 && unit != null) {
            for (int i = 0; i < n; i++) {
                if (unit[i] == null) {
                    continue;
                }
                double[] cos = new double[n];
                Integer[] order = new Integer[n];
                for (int j = 0; j < n; j++) {
                    order[j] = j;
                    cos[j] = j == i || unit[j] == null ? Double.NEGATIVE_INFINITY : dot(unit[i], unit[j]);
                }
                Arrays.sort(order, (a, b) -> cos[b] != cos[a] ? Double.compare(cos[b], cos[a]) : Integer.compare(a, b));
                for (int r = 0; r < Math.min(s.topK(), n - 1); r++) {
                    int j = order[r];
                    if (cos[j] < s.cutoff() || cos[j] <= 0) {
                        break;
                    }
                    w[i][j] = Math.max(w[i][j], cos[j]);
                    w[j][i] = Math.max(w[j][i], cos[j]);
                }
            }
        }
        for (Edge e : extra) {
            if (e.i() != e.j() && e.w() > 0) {
                w[e.i()][e.j()] = Math.max(w[e.i()][e.j()], e.w());
                w[e.j()][e.i()] = Math.max(w[e.j()][e.i()], e.w());
            }
        }
        double[] degree = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                degree[i] += w[i][j];
            }
        }
        double[] cur = s0.clone();
        for (int t = 0; t < s.steps(); t++) {
            double[] next = new double[n];
            for (int i = 0; i < n; i++) {
                if (degree[i] == 0) {
                    next[i] = s0[i];
                    continue;
                }
                double m = 0;
                for (int j = 0; j < n; j++) {
                    m += w[i][j] * cur[j];
                }
                next[i] = (1 - s.alpha()) * s0[i] + s.alpha() * m / degree[i];
            }
            cur = next;
        }
        return cur;
    }

    /** Candidate indices by propagated score (descending), ties by initial order (index). */
    public static List<Integer> order(double[] scores) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            out.add(i);
        }
        out.sort((a, b) -> scores[b] != scores[a] ? Double.compare(scores[b], scores[a]) : Integer.compare(a, b));
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * b[i];
        }
        return d;
    }
}
