package mmr.model.vector;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * First neighbour lists without an index: a few random-projection trees (each split sends a point
 * towards the nearer of two random points of its cell, by cosine) cut the images into small leaves,
 * and every image's list is the best {@code k} of its leaf-mates over all trees by exact cosine —
 * PyNNDescent's start. The lists are rough; {@link NeighbourRefinement} then makes them good. Seeded:
 * the same features and seed give the same lists on any number of threads.
 */
public final class ProjectionForest {
    private ProjectionForest() {}

    public static NeighbourRefinement.Lists seed(float[][] features, int k, int trees, int leafSize, long seed, int threads) {
        int n = features.length;
        float[] inverseNorm = new float[n];
        for (int i = 0; i < n; i++) {
            double norm = Math.sqrt(NeighbourRefinement.dot(features[i], features[i]));
            inverseNorm[i] = norm == 0 ? 0 : (float) (1 / norm);
        }
        int[] target = new int[n * k];
        float[] cosine = new float[n * k];
        int[] count = new int[n];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int t = 0; t < trees; t++) {
            List<int[]> leaves = leaves(features, inverseNorm, leafSize, rnd.split());
            // a point is in one leaf per tree: leaves in parallel never touch the same list
            AtomicInteger next = new AtomicInteger();
            Parallel.run(threads, "mmr-knn-forest", () -> {
                for (int l = next.getAndIncrement(); l < leaves.size(); l = next.getAndIncrement()) {
                    int[] leaf = leaves.get(l);
                    for (int a = 0; a < leaf.length; a++) {
                        for (int b = a + 1; b < leaf.length; b++) {
                            int i = leaf[a];
                            int j = leaf[b];
                            float cos = NeighbourRefinement.dot(features[i], features[j]) * inverseNorm[i] * inverseNorm[j];
                            offer(target, cosine, count, k, i, j, cos);
                            offer(target, cosine, count, k, j, i, cos);
                        }
                    }
                }
            });
        }
        return new NeighbourRefinement.Lists(k, target, cosine, count);
    }

    /** Puts {@code j} into {@code i}'s list (by decreasing cosine, ties by index) unless it is there or not good enough. */
    private static void offer(int[] target, float[] cosine, int[] count, int k, int i, int j, float cos) {
        int base = i * k;
        int c = count[i];
        for (int a = 0; a < c; a++) {
            if (target[base + a] == j) {
                return;
            }
        }
        if (c == k && !(cos > cosine[base + k - 1] || (cos == cosine[base + k - 1] && j < target[base + k - 1]))) {
            return;
        }
        int at = c == k ? k - 1 : count[i]++;
        while (at > 0 && (cos > cosine[base + at - 1] || (cos == cosine[base + at - 1] && j < target[base + at - 1]))) {
            target[base + at] = target[base + at - 1];
            cosine[base + at] = cosine[base + at - 1];
            at--;
        }
        target[base + at] = j;
        cosine[base + at] = cos;
    }

    /** One tree's leaves: cells split until at most {@code leafSize} points each. */
    private static List<int[]> leaves(float[][] features, float[] inverseNorm, int leafSize, SplittableRandom rnd) {
        int n = features.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        List<int[]> leaves = new ArrayList<>();
        List<int[]> cells = new ArrayList<>();   // [from, to)
        cells.add(new int[] {0, n});
        int dim = features.length == 0 ? 0 : features[0].length;
        float[] normal = new float[dim];
        while (!cells.isEmpty()) {
            int[] cell = cells.remove(cells.size() - 1);
            int from = cell[0];
            int to = cell[1];
            if (to - from <= leafSize) {
                leaves.add(java.util.Arrays.copyOfRange(order, from, to));
                continue;
            }
            int a = order[from + rnd.nextInt(to - from)];
            int b = order[from + rnd.nextInt(to - from)];
            for (int d = 0; d < dim; d++) {
                normal[d] = features[a][d] * inverseNorm[a] - features[b][d] * inverseNorm[b];
            }
            int lo = from;
            int hi = to - 1;
            while (lo <= hi) {   // points nearer a (positive side) first
                if (NeighbourRefinement.dot(features[order[lo]], normal) > 0) {
                    lo++;
                } else {
                    int swap = order[lo];
                    order[lo] = order[hi];
                    order[hi--] = swap;
                }
            }
            if (lo == from || lo == to) {
                lo = (from + to) >>> 1;   // a degenerate split (a == b, or duplicates): halve the cell
            }
            cells.add(new int[] {from, lo});
            cells.add(new int[] {lo, to});
        }
        return leaves;
    }
}
