package mmr.procedures.knn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;

import mmr.model.progress.Progress;
import mmr.model.vector.Parallel;
import mmr.model.vector.Vectors;
import mmr.procedures.gds.GdsAdapter;
import mmr.procedures.graph.Schema;
import mmr.procedures.graph.VectorIndexes;

/**
 * Each image's visual neighbours from Neo4j's HNSW index over {@code Image.features}: one index
 * query per image for its {@code candidates} nearest, the image itself dropped, the first
 * {@code topK} at or above the cutoff kept. The queries run on {@code concurrency} threads, each in
 * its own read transactions of {@link #CHUNK} images, so no transaction grows with the catalog; the
 * result is kept as flat arrays of {@code images × topK}.
 */
public final class IndexNeighbours {
    static final int CHUNK = 1_000;

    private IndexNeighbours() {}

    static GdsAdapter.Neighbours find(GraphDatabaseService db, Transaction tx, KnnConfig config, Progress progress) {
        long[] images = imageIds(tx);
        int k = config.topK();
        long[] target = new long[images.length * k];
        double[] cosine = new double[images.length * k];
        int[] found = new int[images.length];
        AtomicInteger nextChunk = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        int chunks = (images.length + CHUNK - 1) / CHUNK;
        Parallel.run(config.concurrency(), "mmr-knn-index", () -> {
            for (int c = nextChunk.getAndIncrement(); c < chunks; c = nextChunk.getAndIncrement()) {
                int from = c * CHUNK;
                int to = Math.min(images.length, from + CHUNK);
                try (Transaction read = db.beginTx()) {
                    for (int i = from; i < to; i++) {
                        found[i] = nearest(read, images[i], config, target, cosine, i * k);
                    }
                }
                progress.step(done.addAndGet(to - from));
            }
        });
        return pack(images, k, found, target, cosine);
    }

    static long[] imageIds(Transaction tx) {
        long[] ids = new long[1024];
        int n = 0;
        try (ResourceIterator<Node> it = tx.findNodes(Schema.IMAGE_LABEL)) {
            while (it.hasNext()) {
                if (n == ids.length) {
                    ids = Arrays.copyOf(ids, n * 2);
                }
                ids[n++] = it.next().getId();
            }
        }
        return Arrays.copyOf(ids, n);
    }

    /** Writes up to topK neighbours of {@code image} at {@code offset}; returns how many. */
    private static int nearest(Transaction tx, long image, KnnConfig config, long[] target, double[] cosine, int offset) {
        List<VectorIndexes.Nearest> found = neighbours(tx, image, config.candidates(), config.similarityCutoff(), config.topK());
        for (int n = 0; n < found.size(); n++) {
            target[offset + n] = found.get(n).node().getId();
            cosine[offset + n] = found.get(n).cosine();
        }
        return found.size();
    }

    /**
     * One image's neighbours as mmr.knn finds them: the features index's {@code candidates} nearest at
     * or above {@code cutoff}, the image itself dropped, the first {@code topK} (also what
     * {@code mmr bench scale}'s candidates probe measures).
     */
    public static List<VectorIndexes.Nearest> neighbours(Transaction tx, long image, int candidates, double cutoff, int topK) {
        float[] features = Vectors.toFloats(tx.getNodeById(image).getProperty(Schema.FEATURES));
        List<VectorIndexes.Nearest> out = new ArrayList<>();
        for (VectorIndexes.Nearest near : VectorIndexes.nearest(tx, Schema.IMAGE_FEATURES_INDEX, candidates, features, cutoff,
                candidates)) {
            if (near.node().getId() != image) {
                out.add(near);
                if (out.size() == topK) {
                    break;
                }
            }
        }
        return out;
    }

    private static GdsAdapter.Neighbours pack(long[] images, int k, int[] found, long[] target, double[] cosine) {
        int size = 0;
        for (int f : found) {
            size += f;
        }
        long[] s = new long[size];
        long[] t = new long[size];
        double[] c = new double[size];
        int at = 0;
        for (int i = 0; i < images.length; i++) {
            for (int j = 0; j < found[i]; j++) {
                s[at] = images[i];
                t[at] = target[i * k + j];
                c[at] = cosine[i * k + j];
                at++;
            }
        }
        return new GdsAdapter.Neighbours(s, t, c, size);
    }
}
