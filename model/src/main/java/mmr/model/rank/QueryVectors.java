package mmr.model.rank;

import java.util.ArrayList;
import java.util.List;

import mmr.model.vector.Vectors;

/**
 * The transient query node's vectors once its neighbours' vectors are read (paper 001, eq. 1, and
 * the steering of paper 003): the slider's {@code E}, the tags' mean {@code E_t} with "but not"
 * tags subtracted, relevance feedback, and the own features of a query made of liked images only.
 * Means accumulate in float, in the order given, so a ranking is reproducible to the last digit.
 */
public final class QueryVectors {
    private QueryVectors() {}

    /**
     * E = (w1·E_i + w2·E_t)/2; the side present when the other is absent; null when both are.
     *
     * @param visualWeight w1; w2 = {@code tagWeight}
     */
    public static float[] combine(float[] imageEmbedding, float[] tagEmbedding, double visualWeight, double tagWeight) {
        if (imageEmbedding == null || tagEmbedding == null) {
            return imageEmbedding != null ? imageEmbedding : tagEmbedding;
        }
        float[] e = new float[imageEmbedding.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) ((visualWeight * imageEmbedding[i] + tagWeight * tagEmbedding[i]) / 2);
        }
        return e;
    }

    /** Element-wise mean, null for no vectors. */
    public static float[] mean(List<float[]> vectors) {
        if (vectors.isEmpty()) {
            return null;
        }
        float[] mean = new float[vectors.get(0).length];
        for (float[] v : vectors) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += v[i] / vectors.size();
            }
        }
        return mean;
    }

    /**
     * E_t = mean(E_with) − λ·mean(E_without), from the two means (either may be null); null when
     * neither side has an embedding. {@code plus} is changed in place.
     */
    public static float[] withoutTags(float[] plus, float[] minus, double lambda) {
        if (minus == null || lambda == 0) {
            return plus;
        }
        float[] out = plus == null ? new float[minus.length] : plus;
        for (int i = 0; i < out.length; i++) {
            out[i] -= (float) (lambda * minus[i]);
        }
        return out;
    }

    /**
     * Relevance feedback on the ranking vector (Rocchio's form): E' = Ê + β·mean(Ê_liked) − δ·mean(Ê_disliked),
     * hats meaning unit length; vectors of another length than E are left out. (Liked images are also
     * attached to the query node, which moves E_i; with a handful of other attachments that alone
     * moves the ranking little.)
     */
    public static float[] feedback(float[] e, List<float[]> liked, double beta, List<float[]> disliked, double delta) {
        float[] out = Vectors.normalised(e);
        add(out, liked, beta);
        add(out, disliked, -delta);
        return out;
    }

    private static void add(float[] out, List<float[]> vectors, double weight) {
        List<float[]> d = new ArrayList<>();
        for (float[] v : vectors) {
            if (v != null && v.length == out.length) {
                d.add(Vectors.normalised(v));
            }
        }
        for (float[] v : d) {
            for (int i = 0; i < out.length; i++) {
                out[i] += (float) (weight * v[i] / d.size());
            }
        }
    }

    /** The own features of a query made of liked images only: the mean of their unit features. */
    public static float[] meanOfUnits(List<float[]> features) {
        if (features.isEmpty()) {
            return null;
        }
        float[] mean = null;
        for (float[] raw : features) {
            float[] f = Vectors.normalised(raw);
            if (mean == null) {
                mean = new float[f.length];
            }
            for (int i = 0; i < f.length; i++) {
                mean[i] += f[i] / features.size();
            }
        }
        return mean;
    }
}
