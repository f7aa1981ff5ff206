package mmr.eval;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import mmr.model.eval.Bootstrap;
import mmr.model.eval.RankingMetrics;

/**
 * The evaluation's result rows, in the order they are produced: one per setting, dropout and method,
 * each metric a mean over the queries with a seeded 95 % bootstrap interval (results.json holds them).
 */
final class EvalRows {
    static final List<String> METRICS = List.of("ndcg5", "twin10", "subcat10", "recall50", "precision10", "tagPrecision5",
            "visual10", "keyword10");

    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final long seed;

    EvalRows(long seed) {
        this.seed = seed;
    }

    List<Map<String, Object>> all() {
        return rows;
    }

    int size() {
        return rows.size();
    }

    Map<String, Object> get(int i) {
        return rows.get(i);
    }

    void add(Map<String, Object> row) {
        rows.add(row);
    }

    /** Prefixes the setting of every row from {@code from} on with {@code variant}. */
    void prefixSettings(int from, String variant) {
        for (int i = from; i < rows.size(); i++) {
            rows.get(i).put("setting", variant + "." + rows.get(i).get("setting"));
        }
    }

    /** Sets the setting of every row from {@code from} on. */
    void renameSettings(int from, String setting) {
        for (int i = from; i < rows.size(); i++) {
            rows.get(i).put("setting", setting);
        }
    }

    /**
     * A row of ranking metrics: {@code rankings.get(i)} is query i's ranking (null: the query has no
     * keyword and is not counted). Keyword-only rows are judged by the keyword's carriers alone.
     */
    void rankingRow(String setting, double dropout, String method, List<int[]> rankings, List<Judgement> judgements,
                    boolean keywordOnly) {
        int q = rankings.size();
        double[] ndcg = nan(q), twin = nan(q), sub = nan(q), recall = nan(q), precision = nan(q), visual = nan(q),
                keyword = nan(q);
        int used = 0;
        for (int i = 0; i < q; i++) {
            int[] r = rankings.get(i);
            Judgement j = judgements.get(i);
            if (r == null) {
                continue;
            }
            used++;
            if (keywordOnly) {
                double[] g = new double[j.keyword().length];
                for (int c = 0; c < g.length; c++) {
                    g[c] = j.keyword()[c] ? 1 : 0;
                }
                ndcg[i] = RankingMetrics.ndcg(r, g, 5);
                recall[i] = RankingMetrics.recall(r, j.keyword(), 50);
                precision[i] = RankingMetrics.precision(r, j.keyword(), 10);
                keyword[i] = RankingMetrics.precision(r, j.keyword(), 10);
                continue;
            }
            ndcg[i] = RankingMetrics.ndcg(r, j.gains(), 5);
            if (j.twin() != null) {
                twin[i] = RankingMetrics.hit(r, j.twin(), 10);
            }
            if (j.subcategory() != null) {
                sub[i] = RankingMetrics.precision(r, j.subcategory(), 10);
            }
            visual[i] = RankingMetrics.meanOf(r, j.visual(), 10);
            if (setting.equals("imageKeyword")) {
                keyword[i] = RankingMetrics.precision(r, j.keyword(), 10);
            }
        }
        Map<String, Object> row = emptyRow(setting, dropout, method, used);
        put(row, "ndcg5", ndcg);
        put(row, "twin10", twin);
        put(row, "subcat10", sub);
        put(row, "recall50", recall);
        put(row, "precision10", precision);
        put(row, "visual10", visual);
        put(row, "keyword10", keyword);
        rows.add(row);
    }

    /** A tag-prediction row: precision@5 of each query's predicted tags against its own full tag list. */
    void tagPredictionRow(double dropout, String method, List<List<String>> predicted, List<Judgement> judgements) {
        double[] p = new double[predicted.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = RankingMetrics.tagPrecision(predicted.get(i), judgements.get(i).tags(), 5);
        }
        Map<String, Object> r = emptyRow("tagPrediction", dropout, method, predicted.size());
        put(r, "tagPrecision5", p);
        rows.add(r);
    }

    /** A row with no metric yet; {@code method} is "name" or "name|connect|visualWeight". */
    static Map<String, Object> emptyRow(String setting, double dropout, String method, int queries) {
        Map<String, Object> row = new LinkedHashMap<>();
        String[] parts = method.split("\\|");
        row.put("setting", setting);
        row.put("dropout", dropout);
        row.put("method", parts[0]);
        row.put("connect", parts.length > 1 ? parts[1] : null);
        row.put("visualWeight", parts.length > 1 ? Double.parseDouble(parts[2]) : null);
        row.put("queries", queries);
        for (String m : METRICS) {
            row.put(m, null);
            row.put(m + "Interval", null);
        }
        return row;
    }

    private void put(Map<String, Object> row, String metric, double[] values) {
        Bootstrap.Estimate e = Bootstrap.of(values, seed + metric.hashCode());
        if (e.n() == 0) {
            return;
        }
        row.put(metric, round(e.mean()));
        row.put(metric + "Interval", List.of(round(e.low()), round(e.high())));
    }

    /** The rows of one dropout level as a table. */
    void print(PrintWriter out, double dropout) {
        out.printf(Locale.ROOT, "%n%-13s %-20s %7s %7s %7s %7s %7s %7s %7s %7s %7s%n", "setting", "method (dropout " + dropout + ")",
                "queries", "nDCG@5", "twin@10", "sub@10", "rec@50", "P@10", "tagP@5", "vis@10", "kw@10");
        for (Map<String, Object> r : rows) {
            if (!r.get("dropout").equals(dropout)) {
                continue;
            }
            out.printf(Locale.ROOT, "%-13s %-20s %7s", r.get("setting"), label(r), r.get("queries"));
            for (String m : METRICS) {
                Object v = r.get(m);
                out.printf(Locale.ROOT, " %7s", v == null ? "-" : String.format(Locale.ROOT, "%.3f", (Double) v));
            }
            out.println();
        }
        out.flush();
    }

    static String label(Map<String, Object> r) {
        return r.get("connect") == null ? (String) r.get("method")
                : r.get("method") + " " + r.get("connect") + " " + r.get("visualWeight");
    }

    private static double[] nan(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }

    /** Adds a ranking to a method's list (a null ranking: the query is not counted in that row). */
    static void add(Map<String, List<int[]>> rankings, String method, int[] ranking) {
        rankings.computeIfAbsent(method, m -> new ArrayList<>()).add(ranking);
    }
}
