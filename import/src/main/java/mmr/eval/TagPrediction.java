package mmr.eval;

import java.util.HashMap;
import java.util.Map;

import mmr.eval.Holdout.HeldOutQuery;
import mmr.model.vector.Vectors;

/**
 * Setting {@code tagPrediction}: five tags for a held-out image, scored against its own full tag
 * list. Baselines {@code neighbourVotes} (the tags of its 5 — or 3, 7, 10 — nearest images by features, voted)
 * and {@code tagProjection}; mmr.predictTags at its defaults (connect both, the catalog images nearest the query's
 * embedding voting, the model's count of voters and vote weight) and at connect images, at each count of voters; and
 * with the attached visual neighbours voting (the default before), at each count, across the vote weight (0: tag
 * embeddings only, 1: the neighbours' votes only) and with other attachments ({@link EvalSearch#ATTACHMENTS}).
 */
final class TagPrediction {
    static final double[] VOTE_WEIGHTS = {0.0, 0.25, 0.5, 0.75, 1.0};
    /** Counts of voters the training chooses from, but 10 (an attachment row already): each as a row beside the choice. */
    static final long[] VOTERS = {3, 5, 7};

    private TagPrediction() {}

    /** {@code settings} with the attached visual neighbours voting: the rows that measured them keep their names. */
    private static Map<String, Object> attached(Map<String, Object> settings) {
        Map<String, Object> withVoters = new HashMap<>(settings);
        withVoters.put("voters", "attached");
        return withVoters;
    }

    static void run(Round round) {
        EvalSearch.TagVoting voting = round.search.tagVoting();
        round.progress("the model's tag voters: %d (chosen at training), their votes weighed %s against the model",
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
            // mmr.predictTags as a user calls it: connect both, the catalog images nearest the query's embedding voting.
            round.addPrediction("mmr|both|1.0", round.search.predictTags(q.bytes(), Map.of("connect", "both")));
            round.addPrediction("mmr|images|1.0", round.search.predictTags(q.bytes(), Map.of()));
            for (long voters : VOTERS) {
                round.addPrediction("mmr(neighbors " + voters + ")|both|1.0",
                        round.search.predictTags(q.bytes(), Map.of("connect", "both", "neighbors", voters)));
            }
            // The attached visual neighbours voting (the default before voters: 'embedding'), and its ablations.
            round.addPrediction("mmr(voters attached)|both|1.0",
                    round.search.predictTags(q.bytes(), attached(Map.of("connect", "both"))));
            round.addPrediction("mmr(voters attached)|images|1.0", round.search.predictTags(q.bytes(), attached(Map.of())));
            for (long voters : VOTERS) {
                round.addPrediction("mmr(neighbors " + voters + ")|images|1.0", round.search.predictTags(q.bytes(), attached(Map.of("neighbors", voters))));
            }
            for (double w : VOTE_WEIGHTS) {
                round.addPrediction("mmr(voteWeight " + w + ")|images|1.0", round.search.predictTags(q.bytes(), attached(Map.of("voteWeight", w))));
            }
            for (Map.Entry<String, Map<String, Object>> voters : EvalSearch.ATTACHMENTS.entrySet()) {
                round.addPrediction("mmr(" + voters.getKey() + ")|images|1.0",
                        round.search.predictTags(q.bytes(), attached(voters.getValue())));
            }
        }
        round.progress("%d tag predictions", round.queries().size());
    }
}
