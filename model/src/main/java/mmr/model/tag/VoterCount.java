package mmr.model.tag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongToIntFunction;

/**
 * How many visual neighbours vote a new image's tags (mmr.predictTags), chosen per catalog at
 * training time. Sampled catalog images are left out one at a time and their nearest other images
 * vote, as a new image's neighbours would (each with its cosine, above the attachment's cutoff); the
 * count whose top tags hold most of the image's own tags wins. Few neighbours carry the signal of
 * near-duplicates, more of them outvote the gaps of a catalog whose tags are incomplete — which is
 * best depends on the catalog. Tags missing at random thin the left-out image's own tags and its
 * neighbours' alike: they lower every count's precision against the stored tags, not their order.
 */
public final class VoterCount {
    /** The counts tried. */
    public static final List<Integer> CANDIDATES = List.of(3, 5, 7, 10);
    /** The count of a model trained before the choice existed, and the winner of a tie. */
    public static final int DEFAULT = 5;

    private VoterCount() {}

    /**
     * One left-out image: its own tags, and its nearest other images — their tags and cosines,
     * nearest first.
     */
    public record Sample(Set<Long> own, List<long[]> neighbourTags, double[] cosines) {
        public Sample {
            if (neighbourTags.size() != cosines.length) {
                throw new IllegalArgumentException(neighbourTags.size() + " neighbours' tags but " + cosines.length + " cosines");
            }
        }
    }

    /**
     * The count chosen, each candidate's mean precision of its top tags, and the samples scored.
     */
    public record Choice(int voters, List<Integer> candidates, double[] precision, int samples) {}

    /**
     * The count among {@link #CANDIDATES} whose votes' top {@code top} tags hold most of the left-out
     * images' own tags, on average. Neighbours below {@code cutoff} do not vote (as they are not
     * attached); tags with equal votes are ordered by {@code carriers} (more first: a prior), then id.
     * Without samples, or on a tie with it, {@link #DEFAULT}.
     */
    public static Choice choose(List<Sample> samples, double cutoff, int top, LongToIntFunction carriers) {
        double[] precision = new double[CANDIDATES.size()];
        for (Sample s : samples) {
            for (int c = 0; c < precision.length; c++) {
                precision[c] += precision(s, CANDIDATES.get(c), cutoff, top, carriers);
            }
        }
        for (int c = 0; c < precision.length; c++) {
            precision[c] = samples.isEmpty() ? 0 : precision[c] / samples.size();
        }
        int best = CANDIDATES.indexOf(DEFAULT);
        for (int c = 0; c < precision.length; c++) {
            if (precision[c] > precision[best] + 1e-12) {
                best = c;
            }
        }
        return new Choice(CANDIDATES.get(best), CANDIDATES, precision, samples.size());
    }

    /** Share of the top {@code top} tags voted by the first {@code voters} neighbours that are the image's own. */
    static double precision(Sample s, int voters, double cutoff, int top, LongToIntFunction carriers) {
        Map<Long, Double> votes = new HashMap<>();
        for (int i = 0; i < Math.min(voters, s.cosines().length); i++) {
            double cos = s.cosines()[i];
            if (cos < cutoff) {
                continue;
            }
            for (long tag : s.neighbourTags().get(i)) {
                votes.merge(tag, Math.max(0, cos), Double::sum);
            }
        }
        List<Map.Entry<Long, Double>> ranked = new ArrayList<>(votes.entrySet());
        ranked.sort(Comparator.<Map.Entry<Long, Double>>comparingDouble(e -> -e.getValue())
                .thenComparingInt(e -> -carriers.applyAsInt(e.getKey())).thenComparingLong(Map.Entry::getKey));
        int hits = 0;
        for (int i = 0; i < Math.min(top, ranked.size()); i++) {
            hits += s.own().contains(ranked.get(i).getKey()) ? 1 : 0;
        }
        return (double) hits / top;
    }
}
