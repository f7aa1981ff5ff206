package mmr.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import mmr.eval.Holdout.HeldOutQuery;
import mmr.eval.Holdout.Item;
import mmr.eval.Holdout.Split;
import mmr.model.eval.Baselines;
import mmr.model.eval.TagProjection;
import mmr.model.vector.Vectors;

/**
 * One dropout level's evaluation database and what every experiment on it reads: the split, the
 * tags the graph holds, the baselines built on those tags, the judgements of the held-out queries,
 * the rankings collected per setting and method (emitted as rows in the order they were first
 * added), and the share of geodesic searches that stayed on the graph.
 */
final class Round {
    /** Ridge penalty of the tagProjection baseline. */
    static final double RIDGE_LAMBDA = 1.0;

    final Evaluation.Options options;
    final Split split;
    final double dropout;
    final List<Set<String>> graphTags;
    final EvalSearch search;
    final EvalRows rows;
    final Baselines baselines;
    final TagProjection projection;
    /** The catalog's unit features, for baselines built per experiment (the ridge's λ sweep). */
    final float[][] unitFeatures;
    final List<Judgement> judgements = new ArrayList<>();
    private final Map<String, Map<String, List<int[]>>> rankings = new LinkedHashMap<>();
    private final Map<String, List<List<String>>> predictions = new LinkedHashMap<>();
    /** Geodesic searches: per "setting|method", [queries, retrievable] and their times. */
    private final Map<String, long[]> geodesicCounts = new LinkedHashMap<>();
    private final Map<String, List<Double>> geodesicMillis = new LinkedHashMap<>();

    Round(Evaluation.Options options, Split split, double dropout, List<Set<String>> graphTags, EvalSearch search, EvalRows rows) {
        this.options = options;
        this.split = split;
        this.dropout = dropout;
        this.graphTags = graphTags;
        this.search = search;
        this.rows = rows;
        List<Item> catalog = split.catalog();
        float[][] unit = new float[catalog.size()][];
        for (int i = 0; i < unit.length; i++) {
            unit[i] = Vectors.normaliseInPlace(catalog.get(i).features().clone());
        }
        this.baselines = new Baselines(unit, graphTags);
        this.projection = new TagProjection(unit, graphTags, RIDGE_LAMBDA);
        this.unitFeatures = unit;
        for (HeldOutQuery q : split.queries()) {
            judgements.add(Judgement.of(q, catalog, baselines));
        }
    }

    /** The same database and queries judged against a graph that holds {@code tags} (its baselines rebuilt on them). */
    Round withGraphTags(List<Set<String>> tags) {
        return new Round(options, split, dropout, tags, search, rows);
    }

    List<Item> catalog() {
        return split.catalog();
    }

    List<HeldOutQuery> queries() {
        return split.queries();
    }

    /** Adds query's ranking to a setting's method (null: the query is not counted in that row). */
    void add(String setting, String method, int[] ranking) {
        EvalRows.add(rankings.computeIfAbsent(setting, s -> new LinkedHashMap<>()), method, ranking);
    }

    /** The rankings collected for a setting so far, by method: one entry per held-out query, in query order. */
    Map<String, List<int[]>> rankings(String setting) {
        return rankings.getOrDefault(setting, Map.of());
    }

    void addPrediction(String method, List<String> tags) {
        predictions.computeIfAbsent(method, m -> new ArrayList<>()).add(tags);
    }

    /** A geodesic search of a row: counts whether its first 10 results were all reached along the graph. */
    int[] geodesic(String setting, String method, byte[] bytes, List<String> tags, Map<String, Object> extra) {
        long t0 = System.nanoTime();
        EvalSearch.Ranking r = search.searchDefault(bytes, tags, extra);
        geodesicMillis.computeIfAbsent(setting + "|" + method, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6);
        long[] c = geodesicCounts.computeIfAbsent(setting + "|" + method, k -> new long[2]);
        c[0]++;
        c[1] += r.reachedInTop10() >= 10 ? 1 : 0;
        return r.positions();
    }

    /**
     * The collected rankings as rows: first {@code geodesic.retrievable} (per setting and walk, the
     * retrievable share and the call's time), then the settings' rows, then tag prediction.
     */
    void emitRows() {
        geodesicCounts.forEach((key, c) -> {
            String[] parts = key.split("\\|");
            List<Double> sorted = geodesicMillis.get(key).stream().sorted().toList();
            Map<String, Object> r = EvalRows.emptyRow("geodesic.retrievable", dropout, parts[1], (int) c[0]);
            r.put("querySetting", parts[0]);
            r.put("retrievable", EvalRows.round(c[1] / (double) c[0]));
            double p50 = EvalRows.round(sorted.get(sorted.size() / 2));
            double p99 = EvalRows.round(sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))));
            r.put("millisP50", options.maxQueries() == 0 ? p50 : null);   // times only in full runs: quick ones are compared
            r.put("millisP99", options.maxQueries() == 0 ? p99 : null);
            rows.add(r);
            progress("%s %s: %.1f %% of %d queries retrievable (10 results along the graph), p50 %.1f ms, p99 %.1f ms",
                    parts[0], parts[1], 100.0 * c[1] / c[0], c[0], p50, p99);
        });
        rankings.forEach((setting, byMethod) -> byMethod.forEach((method, r) ->
                rows.rankingRow(setting, dropout, method, r, judgements, setting.equals("keyword"))));
        predictions.forEach((method, predicted) -> rows.tagPredictionRow(dropout, method, predicted, judgements));
    }

    void progress(String format, Object... args) {
        if (options.progress()) {
            System.err.printf(Locale.ROOT, "  dropout %s: " + format + "%n", prepend(dropout, args));
        }
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
