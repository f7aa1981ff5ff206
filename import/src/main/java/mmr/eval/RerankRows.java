package mmr.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mmr.eval.Holdout.HeldOutQuery;
import mmr.model.vector.Vectors;

/**
 * Graph re-ranking ({@code mmr.rerank}, paper 002) of the top {@link #RERANKED} of four inputs: the
 * keyword's hard filter and mmr's keyword ranking (setting {@code keyword}), and the image +
 * keyword hard filter and mmr's (setting {@code imageKeyword}); the defaults, then the ablations.
 * The default config's call time is the {@code rerank.cost} row (full runs only).
 */
final class RerankRows {
    /** Candidates re-ranked. */
    static final int RERANKED = 100;

    /** mmr.rerank configs of the rows: the defaults ({@code rerank}), then the ablations. */
    static final Map<String, Map<String, Object>> VARIANTS = new LinkedHashMap<>();

    static {
        VARIANTS.put("rerank", Map.of());
        VARIANTS.put("rerankTags", Map.of("edges", "tags"));
        VARIANTS.put("rerankAlpha0.2", Map.of("alpha", 0.2));
        VARIANTS.put("rerankEmbedding", Map.of("vectors", "embedding"));
    }

    private RerankRows() {}

    /** Adds the rows' rankings; returns the default config's call times (ms). */
    static List<Double> run(Round round) {
        List<Double> defaultMillis = new ArrayList<>();
        EvalSearch search = round.search;
        for (HeldOutQuery q : round.queries()) {
            if (q.keyword() == null) {   // not counted, but its place kept: row i is query i's
                for (String name : VARIANTS.keySet()) {
                    round.add("keyword", name + "(hardFilter)", null);
                    round.add("keyword", name + "(mmr)", null);
                    round.add("imageKeyword", name + "(hardFilter)", null);
                    round.add("imageKeyword", name + "(mmr)", null);
                }
                continue;
            }
            float[] f = Vectors.normaliseInPlace(q.item().features().clone());
            int[] keywordFilter = round.baselines.hardFilter(null, q.keyword(), RERANKED);
            int[] keywordMmr = search.searchDefault(null, List.of(q.keyword()), Map.of("k", (long) RERANKED)).positions();
            int[] bothFilter = round.baselines.hardFilter(f, q.keyword(), RERANKED);
            int[] bothMmr = search.search(q.bytes(), List.of(q.keyword()), "both", 0.5, 0, RERANKED);
            for (var variant : VARIANTS.entrySet()) {
                List<Double> millis = variant.getValue().isEmpty() ? defaultMillis : new ArrayList<>();
                String name = variant.getKey();
                round.add("keyword", name + "(hardFilter)", search.rerank(keywordFilter, variant.getValue(), millis));
                round.add("keyword", name + "(mmr)", search.rerank(keywordMmr, variant.getValue(), millis));
                round.add("imageKeyword", name + "(hardFilter)", search.rerank(bothFilter, variant.getValue(), millis));
                round.add("imageKeyword", name + "(mmr)", search.rerank(bothMmr, variant.getValue(), millis));
            }
        }
        if (!defaultMillis.isEmpty()) {
            List<Double> sorted = defaultMillis.stream().sorted().toList();
            round.progress("mmr.rerank of %d candidates: p50 %.2f ms, p99 %.2f ms over %d calls", RERANKED,
                    sorted.get(sorted.size() / 2), sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))), sorted.size());
        }
        return defaultMillis;
    }

    /** Row {@code rerank.cost}: the default config's p50 call time. */
    static Map<String, Object> costRow(Round round, List<Double> defaultMillis) {
        Map<String, Object> cost = EvalRows.emptyRow("rerank.cost", round.dropout, "mmr.rerank", round.queries().size());
        cost.put("candidates", RERANKED);
        List<Double> sorted = defaultMillis.stream().sorted().toList();
        cost.put("millisP50", sorted.isEmpty() ? null : EvalRows.round(sorted.get(sorted.size() / 2)));
        return cost;
    }
}
