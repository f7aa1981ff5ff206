package mmr.procedures.knn;

import java.util.Arrays;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;

import mmr.model.progress.Progress;
import mmr.model.vector.NeighbourRefinement;
import mmr.model.vector.ProjectionForest;
import mmr.model.vector.Vectors;
import mmr.procedures.gds.GdsAdapter;
import mmr.procedures.graph.Schema;

/**
 * mmr.knn's neighbour lists computed over every image's features held in memory: refined by their own
 * neighbourhoods ({@link NeighbourRefinement}, after either index-free or first-pass lists), or found
 * without an index from random-projection trees ({@link ProjectionForest}, method {@code descent}).
 * The rounds run on full lists; the cutoff is applied last.
 */
final class InMemoryNeighbours {
    private static final int READ_CHUNK = 10_000;
    /** Random-projection trees and their leaf size for method descent: enough for the rounds to start from. */
    static final int TREES = 8;
    static final int LEAF_SIZE = 64;
    static final long FOREST_SEED = 42;

    private final long[] images;   // sorted node ids; a list's index is a position here
    private final float[][] features;

    private InMemoryNeighbours(long[] images, float[][] features) {
        this.images = images;
        this.features = features;
    }

    static InMemoryNeighbours read(GraphDatabaseService db, long[] imageIds, long dimension, String method, Progress progress) {
        Runtime rt = Runtime.getRuntime();
        String tooSmall = heapTooSmall(imageIds.length, dimension, method, rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()),
                rt.maxMemory());
        if (tooSmall != null) {
            throw new IllegalArgumentException(tooSmall);
        }
        long[] sorted = imageIds.clone();
        Arrays.sort(sorted);
        progress.phase("reading every image's features into memory", sorted.length);
        float[][] features = new float[sorted.length][];
        for (int from = 0; from < sorted.length; from += READ_CHUNK) {
            int to = Math.min(sorted.length, from + READ_CHUNK);
            try (Transaction read = db.beginTx()) {
                for (int i = from; i < to; i++) {
                    features[i] = Vectors.toFloats(read.getNodeById(sorted[i]).getProperty(Schema.FEATURES));
                }
            }
            progress.step(to);
        }
        return new InMemoryNeighbours(sorted, features);
    }

    /**
     * Null when {@code images} features of {@code dimension} floats (and the lists beside them) fit in
     * {@code free} heap bytes with a quarter of the heap to spare; otherwise what to do, with the numbers.
     */
    static String heapTooSmall(long images, long dimension, String method, long free, long max) {
        long need = images * (dimension * Float.BYTES + 200);
        long spare = max / 4;
        if (need <= free - spare) {
            return null;
        }
        double gb = 1024.0 * 1024 * 1024;
        String way = method.equals(KnnConfig.DESCENT) ? "or use method 'vectorIndex'"
                : "or pass refine: 0 (the first pass's lists as they are)";
        return String.format(java.util.Locale.ROOT, "%s: %s holds every image's features in memory, about %.1f GB for %d images of %d "
                + "dimensions, but the heap has %.1f GB free of %.1f GB (a quarter kept spare); raise server.memory.heap.max_size "
                + "by at least %.1f GB, %s", KnnConfig.PROCEDURE, method.equals(KnnConfig.DESCENT) ? "method 'descent'" : "refining",
                need / gb, images, dimension, free / gb, max / gb, (need - (free - spare)) / gb, way);
    }

    /** The first pass's pairs, refined. */
    GdsAdapter.Neighbours refine(GdsAdapter.Neighbours pairs, KnnConfig config, Progress progress) {
        int k = config.topK();
        int n = images.length;
        int[] target = new int[n * k];
        float[] cosine = new float[n * k];
        int[] count = new int[n];
        for (int p = 0; p < pairs.size(); p++) {
            int i = Arrays.binarySearch(images, pairs.source()[p]);
            if (count[i] < k) {
                target[i * k + count[i]] = Arrays.binarySearch(images, pairs.target()[p]);
                cosine[i * k + count[i]++] = (float) pairs.cosine()[p];
            }
        }
        return rounds(new NeighbourRefinement.Lists(k, target, cosine, count), config, progress);
    }

    /** Lists from random-projection trees, refined: no index needed. */
    GdsAdapter.Neighbours descent(KnnConfig config, Progress progress) {
        progress.phase("first lists from " + TREES + " random-projection trees", 0);
        return rounds(ProjectionForest.seed(features, config.topK(), TREES, LEAF_SIZE, FOREST_SEED, config.concurrency()), config,
                progress);
    }

    private GdsAdapter.Neighbours rounds(NeighbourRefinement.Lists lists, KnnConfig config, Progress progress) {
        int n = images.length;
        for (int round = 1; round <= config.refine(); round++) {
            progress.phase("refining the neighbour lists, round " + round + " of " + config.refine(), n);
            lists = NeighbourRefinement.refine(features, lists, -1.0, config.concurrency(), progress::step);
        }
        lists = lists.atLeast(config.similarityCutoff());
        int k = lists.k();
        int size = Math.toIntExact(lists.pairs());
        long[] source = new long[size];
        long[] target = new long[size];
        double[] cosine = new double[size];
        int at = 0;
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < lists.count()[i]; a++) {
                source[at] = images[i];
                target[at] = images[lists.target()[i * k + a]];
                cosine[at++] = lists.cosine()[i * k + a];
            }
        }
        return new GdsAdapter.Neighbours(source, target, cosine, size);
    }
}
