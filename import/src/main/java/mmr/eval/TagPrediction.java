package mmr.eval;

import java.util.Map;

import mmr.eval.Holdout.HeldOutQuery;
import mmr.model.vector.Vectors;

/**
 * Setting {@code tagPrediction}: five tags for a held-out image, scored against its own full tag
 * list. Baselines {@code neighbourVotes} (the tags of its 5 — or 3, 7, 10 — nearest images by features, voted)
 * and {@code tagProjection}; mmr.predictTags attached by its visual neighbours, at its default (the model's
 * count of voters and vote weight), with the 5 voters every model had before the count was chosen per catalog, across
 * the vote weight (0: tag embeddings only, 1: the neighbours' votes only) and with other voters
 * ({@link EvalSearch#ATTACHMENTS}).
 */
final class TagPrediction {
    static final double[] VOTE_WEIGHTS = {0.0, 0.25, 0.5, 0.75, 1.0};
    /** Counts of voters the training chooses from, but 10 (an attachment row already): each as a row beside the choice. */
    static final long[] VOTERS = {3, 5, 7};

    private TagPrediction() {}

    static void run(Round round) {
        EvalSearch.TagVoting voting = round.search.tagVoting();
        round.progress("the model's tag voters: %d visual neighbours (chosen at training), their votes weighed %s against the model",
                voting.voters(), voting.voteWeight());
        for (HeldOutQuery q : round.queries()) {
            float[] f = Vectors.normaliseInPlace(q.item().features().clone());
            round.addPrediction("neighbourVotes", round.baselines.neighbourVotes(f, 5, 5));
            round.addPrediction("neighbourVotes(k 10)", round.baselines.neighbourVotes(f, 10, 5));
            for (long voters : VOTERS) {
                if (voters != 5) {
                    round.addPrediction("neighbourVotes(k " + voters + ")", round.baselines.neighbourVotes(f, (int) voters, 5));
                }
            }
            round.addPrediction("tagProjection", round.projection.predict(q.item().features(), 5));
            round.addPrediction("mmr|images|1.0", round.search.predictTags(q.bytes(), Map.of()));
            for (long voters : VOTERS) {
                round.addPrediction("mmr(neighbors " + voters + ")|images|1.0", round.search.predictTags(q.bytes(), Map.of("neighbors", voters)));
            }
            for (double w : VOTE_WEIGHTS) {
                round.addPrediction("mmr(voteWeight " + w + ")|images|1.0", round.search.predictTags(q.bytes(), Map.of("voteWeight", w)));
            }
            for (Map.Entry<String, Map<String, Object>> voters : EvalSearch.ATTACHMENTS.entrySet()) {
                round.addPrediction("mmr(" + voters.getKey() + ")|images|1.0", round.search.predictTags(q.bytes(), voters.getValue()));
            }
        }
        round.progress("%d tag predictions", round.queries().size());
    }
}
