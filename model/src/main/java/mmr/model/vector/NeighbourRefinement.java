package mmr.model.vector;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Approximate k-nearest-neighbour lists made better by their own neighbourhoods — NN-descent's local
 * join, seeded with lists that are already good (an HNSW index's): for every image, the exact cosine to
 * each neighbour of its neighbours, both directions counted (its own list, the images listing it, and
 * theirs), and the best {@code k} at or above the cutoff kept. A true neighbour the index missed is
 * usually a neighbour of one it found. Each round reads only the previous round's lists, so the result
 * does not depend on the threads. The rounds work best on full lists (no cutoff): a list cut short
 * by a similarity cutoff links its image to fewer others; cut the result instead ({@link Lists#atLeast}).
 */
public final class NeighbourRefinement {
    /** Reverse neighbours an image lends its neighbours per round: the closest ones (hubs would otherwise dominate). */
    static final int MAX_REVERSE_FACTOR = 2;
    private static final int CHUNK = 1_024;

    private NeighbourRefinement() {}

    /**
     * Neighbour lists over images {@code 0..n-1}: image i's {@code count[i]} neighbours at
     * {@code target[i*k ..]} with their cosines, by decreasing cosine.
     */
    public record Lists(int k, int[] target, float[] cosine, int[] count) {
        public int images() {
            return count.length;
        }

        /** The same lists with only the neighbours at or above {@code cutoff}. */
        public Lists atLeast(double cutoff) {
            int[] kept = new int[count.length];
            for (int i = 0; i < count.length; i++) {
                while (kept[i] < count[i] && cosine[i * k + kept[i]] >= cutoff) {
                    kept[i]++;
                }
            }
            return new Lists(k, target, cosine, kept);
        }

        public long pairs() {
            long s = 0;
            for (int c : count) {
                s += c;
            }
            return s;
        }
    }

    /** One round of the local join over {@code features} (any length; cosine computed exactly) on {@code threads} threads. */
    public static Lists refine(float[][] features, Lists lists, double cutoff, int threads, IntConsumer progress) {
        int n = lists.images();
        int k = lists.k();
        float[] inverseNorm = new float[n];
        for (int i = 0; i < n; i++) {
            double norm = Math.sqrt(dot(features[i], features[i]));
            inverseNorm[i] = norm == 0 ? 0 : (float) (1 / norm);
        }
        int[][] reverse = reverse(lists, MAX_REVERSE_FACTOR * k);
        int[] target = new int[n * k];
        float[] cosine = new float[n * k];
        int[] count = new int[n];
        int chunks = (n + CHUNK - 1) / CHUNK;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Parallel.run(threads, "mmr-knn-refine", () -> {
            int[] seenAt = new int[n];   // image -> 1 + the image whose candidates last included it
            int hop = MAX_REVERSE_FACTOR * k + k;   // an image's own list and the images listing it, at most
            int[] candidates = new int[hop + hop * hop];
            float[] bestCos = new float[k];
            int[] best = new int[k];
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                int to = Math.min(n, (c + 1) * CHUNK);
                for (int i = c * CHUNK; i < to; i++) {
                    int mark = i + 1;
                    seenAt[i] = mark;
                    // the image's own neighbours and those listing it, then each of theirs
                    int m = appendUnseen(lists, reverse, i, mark, seenAt, candidates, 0);
                    for (int a = 0, firstHop = m; a < firstHop; a++) {
                        m = appendUnseen(lists, reverse, candidates[a], mark, seenAt, candidates, m);
                    }
                    int kept = 0;
                    float[] fi = features[i];
                    for (int a = 0; a < m; a++) {
                        int j = candidates[a];
                        float cos = dot(fi, features[j]) * inverseNorm[i] * inverseNorm[j];
                        if (cos < cutoff || (kept == k && !better(cos, j, bestCos[k - 1], best[k - 1]))) {
                            continue;
                        }
                        int at = kept == k ? k - 1 : kept++;
                        while (at > 0 && better(cos, j, bestCos[at - 1], best[at - 1])) {
                            bestCos[at] = bestCos[at - 1];
                            best[at] = best[at - 1];
                            at--;
                        }
                        bestCos[at] = cos;
                        best[at] = j;
                    }
                    System.arraycopy(best, 0, target, i * k, kept);
                    System.arraycopy(bestCos, 0, cosine, i * k, kept);
                    count[i] = kept;
                }
                progress.accept(done.addAndGet(to - c * CHUNK));
            }
        });
        return new Lists(k, target, cosine, count);
    }

    /** Higher cosine first; equal cosines by lower index, so the order is total and the result deterministic. */
    private static boolean better(float cos, int image, float thanCos, int thanImage) {
        return cos > thanCos || (cos == thanCos && image < thanImage);
    }

    /** Appends {@code j}'s neighbours and the images listing it that {@code mark} has not seen yet; returns the new count. */
    private static int appendUnseen(Lists lists, int[][] reverse, int j, int mark, int[] seenAt, int[] out, int m) {
        int base = j * lists.k();
        for (int a = 0; a < lists.count()[j]; a++) {
            m = appendIfUnseen(lists.target()[base + a], mark, seenAt, out, m);
        }
        for (int l : reverse[j]) {
            m = appendIfUnseen(l, mark, seenAt, out, m);
        }
        return m;
    }

    private static int appendIfUnseen(int image, int mark, int[] seenAt, int[] out, int m) {
        if (seenAt[image] == mark) {
            return m;
        }
        seenAt[image] = mark;
        out[m] = image;
        return m + 1;
    }

    /** For each image, the images listing it — the closest {@code max} of them. */
    static int[][] reverse(Lists lists, int max) {
        int n = lists.images();
        int k = lists.k();
        int[] size = new int[n];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < lists.count()[i]; a++) {
                size[lists.target()[i * k + a]]++;
            }
        }
        int[][] from = new int[n][];
        float[][] cos = new float[n][];
        for (int i = 0; i < n; i++) {
            from[i] = new int[size[i]];
            cos[i] = new float[size[i]];
            size[i] = 0;
        }
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < lists.count()[i]; a++) {
                int t = lists.target()[i * k + a];
                from[t][size[t]] = i;
                cos[t][size[t]++] = lists.cosine()[i * k + a];
            }
        }
        for (int i = 0; i < n; i++) {
            if (from[i].length > max) {
                from[i] = closest(from[i], cos[i], max);
            }
        }
        return from;
    }

    private static int[] closest(int[] images, float[] cos, int max) {
        Integer[] order = new Integer[images.length];
        for (int a = 0; a < order.length; a++) {
            order[a] = a;
        }
        java.util.Arrays.sort(order, (x, y) -> better(cos[x], images[x], cos[y], images[y]) ? -1 : x.equals(y) ? 0 : 1);
        int[] out = new int[max];
        for (int a = 0; a < max; a++) {
            out[a] = images[order[a]];
        }
        return out;
    }

    /** Four running sums: the JIT then overlaps the multiply-adds. */
    static float dot(float[] a, float[] b) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 3 < a.length; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < a.length; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
