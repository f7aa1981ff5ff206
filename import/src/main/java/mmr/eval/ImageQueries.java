package mmr.eval;

import java.util.List;

import mmr.eval.Holdout.HeldOutQuery;
import mmr.model.vector.Vectors;

/**
 * Setting {@code image}: a held-out image alone. Baselines {@code visual} (cosine of features) and
 * {@code tagProjection} (the ridge map into tag space); mmr at every connect mode and slider position.
 */
final class ImageQueries {
    static final double[] VISUAL_WEIGHTS = {1, 0.75, 0.5, 0.25, 0};
    static final List<String> CONNECTS = List.of("images", "tags", "both");

    private ImageQueries() {}

    static void run(Round round) {
        for (HeldOutQuery q : round.queries()) {
            float[] f = Vectors.normaliseInPlace(q.item().features().clone());
            round.add("image", "visual", round.baselines.visual(f, EvalSearch.RANKED));
            round.add("image", "tagProjection", round.projection.rank(q.item().features(), EvalSearch.RANKED));
            for (String connect : CONNECTS) {
                // Without tags E = E_i whatever the weight (Searcher): one image-only search serves all five rows.
                int[] imageOnly = round.search.search(q.bytes(), List.of(), connect, 1);
                for (double w : VISUAL_WEIGHTS) {
                    round.add("image", "mmr|" + connect + "|" + w, imageOnly);
                }
            }
        }
        round.progress("%d image queries", round.queries().size());
    }
}
