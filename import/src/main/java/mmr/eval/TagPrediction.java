package mmr.eval;

import mmr.eval.Holdout.HeldOutQuery;
import mmr.model.vector.Vectors;

/**
 * Setting {@code tagPrediction}: five tags for a held-out image, scored against its own full tag
 * list. Baselines {@code neighbourVotes} (the tags of its five nearest images by features, voted)
 * and {@code tagProjection}; mmr.predictTags attached by its visual neighbours.
 */
final class TagPrediction {
    private TagPrediction() {}

    static void run(Round round) {
        for (HeldOutQuery q : round.queries()) {
            float[] f = Vectors.normaliseInPlace(q.item().features().clone());
            round.addPrediction("neighbourVotes", round.baselines.neighbourVotes(f, 5, 5));
            round.addPrediction("tagProjection", round.projection.predict(q.item().features(), 5));
            round.addPrediction("mmr|images|1.0", round.search.predictTags(q.bytes()));
        }
        round.progress("%d tag predictions", round.queries().size());
    }
}
