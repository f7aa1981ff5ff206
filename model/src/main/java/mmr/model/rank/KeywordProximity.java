package mmr.model.rank;

/**
 * The conceptual side of an image + keyword query read from the graph instead of from embeddings:
 * how strongly an image stands for the query's keywords. Per keyword, an image that carries it (a
 * TAGGED edge: exact) scores 1; one that does not scores the share of its visual neighbours'
 * similarity held by neighbours that carry it — neighbours voting, the tag predictor measured best
 * (docs/evaluation.md) — so an image that lost the keyword while its near-duplicates kept it still
 * counts, and an image with no such neighbour scores 0. An image's proximity is the mean over the
 * keywords; the slider mixes it with the visual side: {@code w·visual + (1 − w)·proximity}.
 */
public final class KeywordProximity {
    private KeywordProximity() {}

    /**
     * One keyword's proximity of one image.
     *
     * @param carries              the image carries the keyword
     * @param neighbourSimilarities its visual neighbours' similarities (negative ones count as 0)
     * @param neighbourCarries     per neighbour, whether it carries the keyword
     */
    public static double ofKeyword(boolean carries, double[] neighbourSimilarities, boolean[] neighbourCarries) {
        if (carries) {
            return 1;
        }
        if (neighbourSimilarities.length != neighbourCarries.length) {
            throw new IllegalArgumentException(neighbourSimilarities.length + " similarities for " + neighbourCarries.length
                    + " neighbours");
        }
        double all = 0;
        double carrying = 0;
        for (int j = 0; j < neighbourSimilarities.length; j++) {
            double s = Math.max(0, neighbourSimilarities[j]);
            all += s;
            if (neighbourCarries[j]) {
                carrying += s;
            }
        }
        return all > 0 ? carrying / all : 0;
    }

    /** The ranking score of an image: the slider's mix of its visual cosine and its keyword proximity. */
    public static double score(double visualWeight, double visual, double proximity) {
        return visualWeight * visual + (1 - visualWeight) * proximity;
    }
}
