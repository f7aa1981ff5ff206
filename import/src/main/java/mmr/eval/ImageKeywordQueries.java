package mmr.eval;

import java.util.List;
import java.util.Map;
import java.util.Set;

import mmr.eval.Holdout.HeldOutQuery;
import mmr.model.vector.Vectors;

/**
 * Setting {@code imageKeyword}: a held-out image with one of its keywords. Baselines {@code visual},
 * {@code hardFilter} (visual ranking of the images tagged with the keyword in the graph) and
 * {@code lateFusion}; mmr at every connect mode and slider position, with the keywords' proximity along the
 * graph (the default) and, as the ablation, with their mean embedding inside E (the paper's).
 */
final class ImageKeywordQueries {
    static final double LATE_FUSION_WEIGHT = 0.5;

    private ImageKeywordQueries() {}

    static void run(Round round) {
        for (HeldOutQuery q : round.queries()) {
            float[] f = Vectors.normaliseInPlace(q.item().features().clone());
            boolean keyword = q.keyword() != null;
            // Every row of the setting is scored on the same queries: those with a keyword.
            round.add("imageKeyword", "visual", keyword ? round.baselines.visual(f, EvalSearch.RANKED) : null);
            round.add("imageKeyword", "hardFilter", keyword ? round.baselines.hardFilter(f, q.keyword(), EvalSearch.RANKED) : null);
            round.add("imageKeyword", "lateFusion", keyword
                    ? round.baselines.lateFusion(f, Set.of(q.keyword()), LATE_FUSION_WEIGHT, EvalSearch.RANKED) : null);
            for (String connect : ImageQueries.CONNECTS) {
                for (double w : ImageQueries.VISUAL_WEIGHTS) {
                    round.add("imageKeyword", "mmr|" + connect + "|" + w,
                            keyword ? round.search.search(q.bytes(), List.of(q.keyword()), connect, w) : null);
                    round.add("imageKeyword", "mmr(concept embedding)|" + connect + "|" + w, keyword ? round.search.search(q.bytes(),
                            List.of(q.keyword()), connect, w, 0, EvalSearch.RANKED, Map.of("concept", "embedding")) : null);
                }
            }
        }
        round.progress("%d image + keyword queries", round.queries().size());
    }
}
