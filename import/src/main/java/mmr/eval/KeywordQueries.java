package mmr.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mmr.eval.Holdout.HeldOutQuery;

/**
 * Setting {@code keyword}: a held-out image's keyword alone; relevant are the images carrying it in
 * their full metadata. Baselines {@code hardFilter}, {@code lateFusion}, {@code tagProjection}; mmr's
 * default (ranked along the graph: distance 'auto'), cosine (the default before) as an ablation,
 * and the walk's bounds against their defaults.
 */
final class KeywordQueries {
    /** Keyword-only ablations of the geodesic walk's bounds (the default: maxHops 2, maxExpanded 2000, tagFanout 50). */
    static final Map<String, Map<String, Object>> GEODESIC_ABLATIONS = new LinkedHashMap<>();

    static {
        GEODESIC_ABLATIONS.put("mmr(maxHops 4)", Map.of("maxHops", 4L));
        GEODESIC_ABLATIONS.put("mmr(maxHops 8)", Map.of("maxHops", 8L));
        GEODESIC_ABLATIONS.put("mmr(tagFanout 10)", Map.of("tagFanout", 10L));
        GEODESIC_ABLATIONS.put("mmr(tagFanout 1000)", Map.of("tagFanout", 1000L));
    }

    private KeywordQueries() {}

    static void run(Round round) {
        for (HeldOutQuery q : round.queries()) {
            String kw = q.keyword();
            if (kw == null) {
                round.add("keyword", "hardFilter", null);
                round.add("keyword", "lateFusion", null);
                round.add("keyword", "tagProjection", null);
                round.add("keyword", "mmr|tags|0.0", null);
                round.add("keyword", "mmr(cosine)|tags|0.0", null);
                GEODESIC_ABLATIONS.keySet().forEach(a -> round.add("keyword", a + "|tags|0.0", null));
                continue;
            }
            round.add("keyword", "hardFilter", round.baselines.hardFilter(null, kw, EvalSearch.RANKED));
            round.add("keyword", "lateFusion", round.baselines.lateFusion(null, Set.of(kw), ImageKeywordQueries.LATE_FUSION_WEIGHT,
                    EvalSearch.RANKED));
            round.add("keyword", "tagProjection", round.projection.rankKeyword(kw, EvalSearch.RANKED));
            round.add("keyword", "mmr|tags|0.0", round.geodesic("keyword", "mmr", null, List.of(kw), Map.of()));
            round.add("keyword", "mmr(cosine)|tags|0.0", round.search.search(null, List.of(kw), "tags", 0));
            for (var ablation : GEODESIC_ABLATIONS.entrySet()) {
                round.add("keyword", ablation.getKey() + "|tags|0.0",
                        round.geodesic("keyword", ablation.getKey(), null, List.of(kw), ablation.getValue()));
            }
        }
        round.progress("%d keyword queries", round.queries().size());
    }
}
