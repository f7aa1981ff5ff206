package mmr.model.tag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How much a new image's predicted tags follow its neighbours' votes rather than the model
 * (mmr.predictTags's {@code voteWeight}), chosen per catalog at training time when asked (mmr.train's
 * {@code predictVoteWeight: 'auto'}). Each tag scores
 * {@code w · its share of the votes + (1 − w) · the cosine of its embedding to the image's}; equal
 * scores are ordered by the cosine, then by id. Where a catalog's tags are complete the nearest few
 * images carry them and the votes alone are best; where many are missing the votes are thin and the
 * model, which has seen every image's tags, fills in — which weight is best depends on the catalog.
 * Images the training held out are embedded as new images (attached to their nearest other images, without
 * their own tags) and the weight whose top tags hold most of each image's own stored tags wins.
 */
public final class VoteWeight {
    /** The weights tried. */
    public static final List<Double> CANDIDATES = List.of(0.0, 0.25, 0.5, 0.75, 1.0);
    /** The weight of a model trained before the choice existed, and the winner of a tie: the votes alone. */
    public static final double DEFAULT = 1.0;

    private VoteWeight() {}

    /**
     * One left-out image: its own tags; each voted tag's share of its neighbours' votes; and the
     * candidate tags' cosines to its embedding as a new image — every voted tag and the nearest tags by
     * embedding, as mmr.predictTags reads them.
     */
    public record Sample(Set<Long> own, Map<Long, Double> shares, Map<Long, Double> cosines) {
        public Sample {
            for (Long voted : shares.keySet()) {
                if (!cosines.containsKey(voted)) {
                    throw new IllegalArgumentException("voted tag " + voted + " has no cosine; every voted tag is a candidate");
                }
            }
        }
    }

    /** The weight chosen, each candidate's mean precision of its top tags, and the samples scored. */
    public record Choice(double weight, List<Double> candidates, double[] precision, int samples) {}

    /**
     * The weight among {@link #CANDIDATES} whose top {@code top} tags hold most of the left-out images'
     * own tags, on average; {@link #DEFAULT} without samples or on a tie with it, and of other tied weights the
     * larger.
     */
    public static Choice choose(List<Sample> samples, int top) {
        double[] precision = new double[CANDIDATES.size()];
        for (Sample s : samples) {
            for (int c = 0; c < precision.length; c++) {
                precision[c] += precision(s, CANDIDATES.get(c), top);
            }
        }
        for (int c = 0; c < precision.length; c++) {
            precision[c] = samples.isEmpty() ? 0 : precision[c] / samples.size();
        }
        int best = CANDIDATES.indexOf(DEFAULT);
        for (int c = precision.length - 1; c >= 0; c--) {   // of equal precisions, the weight nearest the votes
            if (precision[c] > precision[best] + 1e-12) {
                best = c;
            }
        }
        return new Choice(CANDIDATES.get(best), CANDIDATES, precision, samples.size());
    }

    /** Share of the top {@code top} tags at {@code weight} that are the image's own. */
    static double precision(Sample s, double weight, int top) {
        List<Scored> scored = new ArrayList<>();
        for (Map.Entry<Long, Double> e : s.cosines().entrySet()) {
            double cos = e.getValue();
            scored.add(new Scored(e.getKey(), weight * s.shares().getOrDefault(e.getKey(), 0.0) + (1 - weight) * cos, cos));
        }
        scored.sort(Comparator.comparingDouble((Scored t) -> -t.score()).thenComparingDouble(t -> -t.cosine())
                .thenComparingLong(Scored::tag));
        int hits = 0;
        for (int i = 0; i < Math.min(top, scored.size()); i++) {
            hits += s.own().contains(scored.get(i).tag()) ? 1 : 0;
        }
        return (double) hits / top;
    }

    private record Scored(long tag, double score, double cosine) {}
}
