package mmr.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import mmr.eval.Holdout.HeldOutQuery;
import mmr.model.eval.TagProjection;
import mmr.model.vector.Vectors;

/**
 * Setting {@code image}: a held-out image alone. Baselines {@code visual} (cosine of features) and
 * {@code tagProjection} (the ridge map into tag space, λ {@value Round#RIDGE_LAMBDA}, and the same map at
 * every λ of {@link #RIDGE_LAMBDAS}: a baseline at its best); mmr at every connect mode and slider position,
 * and attached otherwise ({@link EvalSearch#ATTACHMENTS}) where the attachment matters.
 */
final class ImageQueries {
    static final double[] VISUAL_WEIGHTS = {1, 0.75, 0.5, 0.25, 0};
    static final List<String> CONNECTS = List.of("images", "tags", "both");
    static final double[] RIDGE_LAMBDAS = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 3};
    /**
     * Does the graph add to the linear map? Rows {@code mmr+tagProjection(lambda L)}: mmr's top
     * {@value #FUSED_POOL} (connect both, w 1) re-ranked by the mean of mmr's score and the ridge's
     * cosine at λ L — when the trained embedding holds nothing the full-rank map lacks, the mean is no
     * better than the map alone.
     */
    static final int FUSED_POOL = 200;
    /**
     * The map at λ (1, or one of {@link #RIDGE_LAMBDAS}) truncated to rank r, {λ, r}: what an embedding of
     * the trainer's dimension (128) could hold of it at best.
     */
    static final double[][] TRUNCATIONS = {{1, 128}, {1, 384}, {0.1, 128}, {0.1, 384}};

    private ImageQueries() {}

    static void run(Round round) {
        List<TagProjection> sweep = new ArrayList<>();
        for (double lambda : RIDGE_LAMBDAS) {
            sweep.add(new TagProjection(round.unitFeatures, round.graphTags, lambda));
        }
        List<TagProjection> truncated = new ArrayList<>();
        for (double[] t : TRUNCATIONS) {
            truncated.add(fitted(round, sweep, t[0]).truncated((int) t[1]));
        }
        for (HeldOutQuery q : round.queries()) {
            float[] f = Vectors.normaliseInPlace(q.item().features().clone());
            round.add("image", "visual", round.baselines.visual(f, EvalSearch.RANKED));
            round.add("image", "tagProjection", round.projection.rank(q.item().features(), EvalSearch.RANKED));
            for (int i = 0; i < RIDGE_LAMBDAS.length; i++) {
                round.add("image", "tagProjection(lambda " + RIDGE_LAMBDAS[i] + ")", sweep.get(i).rank(q.item().features(), EvalSearch.RANKED));
            }
            for (int i = 0; i < TRUNCATIONS.length; i++) {
                round.add("image", "tagProjection(lambda " + TRUNCATIONS[i][0] + ", rank " + (int) TRUNCATIONS[i][1] + ")",
                        truncated.get(i).rank(q.item().features(), EvalSearch.RANKED));
            }
            for (String connect : CONNECTS) {
                // Without tags E = E_i whatever the weight (Searcher): one image-only search serves all five rows.
                int[] imageOnly = round.search.search(q.bytes(), List.of(), connect, 1);
                for (double w : VISUAL_WEIGHTS) {
                    round.add("image", "mmr|" + connect + "|" + w, imageOnly);
                }
            }
            EvalSearch.Scored pool = round.search.scored(q.bytes(), "both", FUSED_POOL);
            round.add("image", "mmr+tagProjection|both|1.0", fused(pool, round.projection.cosines(q.item().features(), pool.positions())));
            for (int i = 0; i < RIDGE_LAMBDAS.length; i++) {
                round.add("image", "mmr+tagProjection(lambda " + RIDGE_LAMBDAS[i] + ")|both|1.0",
                        fused(pool, sweep.get(i).cosines(q.item().features(), pool.positions())));
            }
            for (Map.Entry<String, Map<String, Object>> attachment : EvalSearch.ATTACHMENTS.entrySet()) {
                for (String connect : List.of("images", "both")) {
                    round.add("image", "mmr(" + attachment.getKey() + ")|" + connect + "|1.0",
                            round.search.search(q.bytes(), List.of(), connect, 1, 0, EvalSearch.RANKED, attachment.getValue()));
                }
            }
        }
        round.progress("%d image queries", round.queries().size());
    }

    /** The round's map at {@code lambda}: its λ 1 map or the sweep's. */
    private static TagProjection fitted(Round round, List<TagProjection> sweep, double lambda) {
        if (lambda == Round.RIDGE_LAMBDA) {
            return round.projection;
        }
        for (int i = 0; i < RIDGE_LAMBDAS.length; i++) {
            if (RIDGE_LAMBDAS[i] == lambda) {
                return sweep.get(i);
            }
        }
        throw new IllegalArgumentException("no map fitted at lambda " + lambda);
    }

    /** The pool by the mean of its scores and {@code cosines}, best first, at most {@link EvalSearch#RANKED}. */
    static int[] fused(EvalSearch.Scored pool, double[] cosines) {
        Integer[] order = new Integer[cosines.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(pool.scores()[b] + cosines[b], pool.scores()[a] + cosines[a]));
        int[] out = new int[Math.min(order.length, EvalSearch.RANKED)];
        for (int i = 0; i < out.length; i++) {
            out[i] = pool.positions()[order[i]];
        }
        return out;
    }
}
