package mmr.model.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mmr.model.linalg.Cholesky;
import mmr.model.linalg.SymmetricEigen;
import mmr.model.vector.Vectors;

/**
 * {@code tagProjection}, the strong reference of {@code mmr eval}: a ridge regression from
 * {@code [features, 1]} to each image's TF-IDF-weighted tags (weight {@code log(N / df(t))}, the
 * row L2-normalised), fitted on the catalog in closed form,
 * {@code W = (XᵀX + λI)⁻¹ XᵀY}. Images and queries are compared by the cosine of their
 * projections; a keyword ranks images by the projection's share on that tag; the projection's
 * largest entries are its predicted tags. (The same ridge as the trainer's input layer,
 * {@code mmr.model.sage.TagSpace}, which fits it on centred features and keeps its top r eigen-directions
 * as GraphSAGE's input maps; this one is the baseline mmr is measured against, used as it is.)
 */
public final class TagProjection {
    private final List<String> vocabulary;
    private final Map<String, Integer> index;
    private final double[][] w;          // (d + 1) × T, or (d + 1) × rank when truncated
    private final boolean truncated;
    private final float[][] features;    // the catalog's, as given: a truncation projects them again
    private final float[][] projected;   // catalog images, unit length
    private SymmetricEigen directions;   // of WWᵀ, worked out by the first truncation

    public TagProjection(float[][] features, List<Set<String>> tags, double lambda) {
        int n = features.length;
        int d = features[0].length + 1;
        vocabulary = tags.stream().flatMap(Set::stream).distinct().sorted().toList();
        index = new HashMap<>();
        for (int t = 0; t < vocabulary.size(); t++) {
            index.put(vocabulary.get(t), t);
        }
        int tCount = vocabulary.size();
        double[] idf = new double[tCount];
        for (Set<String> s : tags) {
            for (String t : s) {
                idf[index.get(t)]++;
            }
        }
        for (int t = 0; t < tCount; t++) {
            idf[t] = Math.log((double) n / idf[t]);
        }
        double[][] gram = new double[d][d];
        double[][] xty = new double[d][tCount];
        double[] x = new double[d];
        for (int i = 0; i < n; i++) {
            row(features[i], x);
            for (int a = 0; a < d; a++) {
                if (x[a] == 0) {
                    continue;
                }
                for (int b = a; b < d; b++) {
                    gram[a][b] += x[a] * x[b];
                }
            }
            double norm = 0;
            for (String t : tags.get(i)) {
                norm += idf[index.get(t)] * idf[index.get(t)];
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                continue;
            }
            for (String t : tags.get(i)) {
                int c = index.get(t);
                double y = idf[c] / norm;
                for (int a = 0; a < d; a++) {
                    xty[a][c] += x[a] * y;
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                gram[a][b] = gram[b][a];
            }
            gram[a][a] += lambda;
        }
        w = Cholesky.solve(gram, xty);
        truncated = false;
        this.features = features;
        projected = projectAll(features);
    }

    private TagProjection(TagProjection full, double[][] w) {
        this.vocabulary = full.vocabulary;
        this.index = full.index;
        this.w = w;
        this.truncated = true;
        this.features = full.features;
        this.projected = projectAll(features);
    }

    private float[][] projectAll(float[][] catalog) {
        float[][] out = new float[catalog.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = project(catalog[i]);
        }
        return out;
    }

    /**
     * This map truncated to its top {@code rank} directions: with {@code WWᵀ = V·Λ·Vᵀ}, images are
     * compared by {@code Λ_r^½·V_rᵀ·[x, 1]}, whose dot products are those of the predicted tag vectors
     * kept to rank r — the geometry an embedding of that dimension could hold at best, as the trainer's
     * input layer ({@code mmr.model.sage.TagSpace}) keeps it. A truncated map only ranks images
     * ({@link #rank}, {@link #cosines}): its coordinates are no longer tags. This map itself when
     * {@code rank} is not below its dimensions.
     */
    public TagProjection truncated(int rank) {
        if (truncated) {
            throw new IllegalStateException("truncate the full map, not a truncated one");
        }
        int d = w.length;
        if (rank >= Math.min(d, w[0].length)) {
            return this;
        }
        if (directions == null) {
            double[][] m = new double[d][d];
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) {
                    double sum = 0;
                    for (int c = 0; c < w[a].length; c++) {
                        sum += w[a][c] * w[b][c];
                    }
                    m[a][b] = sum;
                    m[b][a] = sum;
                }
            }
            directions = SymmetricEigen.of(m);
        }
        double[][] out = new double[d][rank];
        for (int k = 0; k < rank; k++) {
            double scale = Math.sqrt(Math.max(directions.values()[k], 0));
            for (int a = 0; a < d; a++) {
                out[a][k] = scale * directions.vectors()[k][a];
            }
        }
        return new TagProjection(this, out);
    }

    public List<String> vocabulary() {
        return vocabulary;
    }

    /** The unit-length projection of a feature vector onto the tag space. */
    public float[] project(float[] features) {
        double[] x = new double[features.length + 1];
        row(features, x);
        float[] out = new float[w[0].length];
        for (int a = 0; a < x.length; a++) {
            double xa = x[a];
            if (xa == 0) {
                continue;
            }
            double[] wa = w[a];
            for (int c = 0; c < out.length; c++) {
                out[c] += (float) (xa * wa[c]);
            }
        }
        return Vectors.normaliseInPlace(out);
    }

    /** Catalog images by cosine of projections to the query's. */
    public int[] rank(float[] queryFeatures, int k) {
        float[] q = project(queryFeatures);
        double[] s = new double[projected.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Baselines.dot(q, projected[i]);
        }
        return Baselines.top(s, null, k);
    }

    /** The cosines of the query's projection to the projections of the catalog images at {@code positions}. */
    public double[] cosines(float[] queryFeatures, int[] positions) {
        float[] q = project(queryFeatures);
        double[] s = new double[positions.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Baselines.dot(q, projected[positions[i]]);
        }
        return s;
    }

    /** Catalog images by their projection's share on {@code keyword}; empty when the catalog never carries it. */
    public int[] rankKeyword(String keyword, int k) {
        requireTagCoordinates();
        Integer c = index.get(keyword);
        if (c == null) {
            return new int[0];
        }
        double[] s = new double[projected.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = projected[i][c];
        }
        return Baselines.top(s, null, k);
    }

    /** The {@code k} tags with the largest projection. */
    public List<String> predict(float[] queryFeatures, int k) {
        requireTagCoordinates();
        float[] q = project(queryFeatures);
        double[] s = new double[q.length];
        for (int c = 0; c < s.length; c++) {
            s[c] = q[c];
        }
        List<String> out = new ArrayList<>();
        for (int c : Baselines.top(s, null, k)) {
            out.add(vocabulary.get(c));
        }
        return out;
    }

    private void requireTagCoordinates() {
        if (truncated) {
            throw new IllegalStateException("a map truncated to its top directions has no tag coordinates");
        }
    }

    private static void row(float[] f, double[] x) {
        for (int a = 0; a < f.length; a++) {
            x[a] = f[a];
        }
        x[f.length] = 1;
    }
}
