package mmr.procedures.knn;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

import mmr.model.progress.Progress;
import mmr.procedures.gds.GdsAdapter;
import mmr.procedures.graph.CatalogGraph;
import mmr.procedures.graph.Schema;
import mmr.procedures.graph.VectorIndexes;
import mmr.procedures.progress.RunningTasks;

/** {@code mmr.knn}: (re)builds the visual nearest-neighbour edges of the paper's graph. */
public class KnnProc {

    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Procedure(name = "mmr.knn", mode = Mode.SCHEMA)
    @Description("Rebuilds (:Image)-[:SIMILAR {score}]->(:Image) edges: each image's topK nearest by cosine of "
            + "Image.features (topK 5, similarityCutoff 0.65 by default), from Neo4j's vector index (method 'vectorIndex', "
            + "the default; the index is created if missing), GDS kNN (method 'gds') or random-projection trees (method "
            + "'descent', no index), then refined by their own neighbourhoods (refine rounds); old SIMILAR edges are replaced in "
            + "the same transaction (or writeBatchSize images per transaction).")
    public Stream<KnnResult> knn(@Name(value = "config", defaultValue = "{}") Map<String, Object> rawConfig) {
        KnnConfig config = KnnConfig.parse(rawConfig);
        CatalogGraph.DimensionGroup features = new CatalogGraph(tx).requireUniformFeatures(KnnConfig.PROCEDURE);
        long images = features.images();
        long dimension = features.dimension();
        Progress progress = RunningTasks.start(db.databaseName(), KnnConfig.PROCEDURE);
        try {
            return Stream.of(knn(config, images, dimension, progress));
        } finally {
            RunningTasks.finish(db.databaseName(), KnnConfig.PROCEDURE, progress);
        }
    }

    private KnnResult knn(KnnConfig config, long images, long dimension, Progress progress) {
        long t0 = System.nanoTime();
        GdsAdapter.Neighbours pairs;
        if (config.method().equals(KnnConfig.DESCENT)) {
            // search attaches queries with this index: its population starts now, on its own thread, and is not awaited
            VectorIndexes.ensure(db, Schema.IMAGE_FEATURES_INDEX, Schema.IMAGE, Schema.FEATURES, dimension);
            pairs = InMemoryNeighbours.read(db, IndexNeighbours.imageIds(tx), dimension, config.method(), progress).descent(config, progress);
        } else {
            if (config.method().equals(KnnConfig.GDS)) {
                progress.phase("GDS kNN (its own progress: CALL gds.listProgress())", 0);
                pairs = new GdsAdapter(tx).visualNeighbours(config.firstPass().gdsParameters());
            } else {
                progress.phase("building the vector index " + Schema.IMAGE_FEATURES_INDEX + " (SHOW INDEXES shows populationPercent)", 0);
                VectorIndexes.ensure(db, Schema.IMAGE_FEATURES_INDEX, Schema.IMAGE, Schema.FEATURES, dimension);
                VectorIndexes.awaitOnline(db, Schema.IMAGE_FEATURES_INDEX);
                log.info("mmr.knn: vector index %s online after %d ms", Schema.IMAGE_FEATURES_INDEX, (System.nanoTime() - t0) / 1_000_000);
                progress.phase("querying the vector index for each image's neighbours", images);
                pairs = IndexNeighbours.find(db, tx, config.firstPass(), progress);
            }
            if (config.refine() > 0) {
                long r = System.nanoTime();
                long before = pairs.size();
                pairs = InMemoryNeighbours.read(db, IndexNeighbours.imageIds(tx), dimension, config.method(), progress)
                        .refine(pairs, config, progress);
                log.info("mmr.knn: %d round(s) of refinement: %d neighbour pairs -> %d in %d ms", config.refine(), before, pairs.size(),
                        (System.nanoTime() - r) / 1_000_000);
            }
        }
        long computeMillis = (System.nanoTime() - t0) / 1_000_000;
        log.info("mmr.knn: %s found %d neighbour pairs among %d images in %d ms", config.method(), pairs.size(), images, computeMillis);

        long t1 = System.nanoTime();
        progress.phase("writing SIMILAR edges", images);
        EdgeStats stats = config.writeBatchSize() == 0 ? replaceAtOnce(pairs) : replaceInBatches(pairs, config.writeBatchSize(), progress);
        long writeMillis = (System.nanoTime() - t1) / 1_000_000;
        log.info("mmr.knn: replaced %d SIMILAR edges with %d in %d ms", stats.deleted, pairs.size(), writeMillis);
        boolean any = pairs.size() > 0;
        return new KnnResult(images, images - stats.withNeighbours.cardinality(), stats.deleted, pairs.size(),
                any ? stats.min : null, any ? stats.sum / pairs.size() : null, any ? stats.max : null,
                computeMillis, writeMillis, config.toMap());
    }

    /** Counts and score range of the written edges. */
    private static final class EdgeStats {
        long deleted;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum;
        final BitSet withNeighbours = new BitSet();

        void written(long source, double cos) {
            min = Math.min(min, cos);
            max = Math.max(max, cos);
            sum += cos;
            withNeighbours.set(Math.toIntExact(source));
        }
    }

    /** All old edges out, all new edges in, in the caller's transaction: readers never see a mix. */
    private EdgeStats replaceAtOnce(GdsAdapter.Neighbours pairs) {
        EdgeStats stats = new EdgeStats();
        List<Relationship> old = new ArrayList<>();
        try (ResourceIterator<Relationship> it = tx.findRelationships(Schema.SIMILAR_TYPE)) {
            it.forEachRemaining(old::add);
        }
        old.forEach(Relationship::delete);
        stats.deleted = old.size();
        for (int i = 0; i < pairs.size(); i++) {
            write(tx, pairs, i, stats);
        }
        return stats;
    }

    /**
     * Rewrites the out-edges of {@code batchSize} images per transaction, so memory stays bounded on
     * very large catalogs. Each image's neighbour list is swapped whole; across images, readers may
     * see old and new lists side by side until the last batch commits.
     */
    private EdgeStats replaceInBatches(GdsAdapter.Neighbours pairs, int batchSize, Progress progress) {
        EdgeStats stats = new EdgeStats();
        Map<Long, List<Integer>> bySource = new HashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            bySource.computeIfAbsent(pairs.source()[i], k -> new ArrayList<>()).add(i);
        }
        List<Long> imageIds = new ArrayList<>();
        try (ResourceIterator<Node> it = tx.findNodes(Schema.IMAGE_LABEL)) {
            it.forEachRemaining(n -> imageIds.add(n.getId()));
        }
        for (int from = 0; from < imageIds.size(); from += batchSize) {
            try (Transaction batch = db.beginTx()) {
                for (Long id : imageIds.subList(from, Math.min(imageIds.size(), from + batchSize))) {
                    Node image = batch.getNodeById(id);
                    for (Relationship r : image.getRelationships(Direction.OUTGOING, Schema.SIMILAR_TYPE)) {
                        r.delete();
                        stats.deleted++;
                    }
                    for (int i : bySource.getOrDefault(id, List.of())) {
                        write(batch, pairs, i, stats);
                    }
                }
                batch.commit();
            }
            progress.step(Math.min(imageIds.size(), from + batchSize));
        }
        return stats;
    }

    private static void write(Transaction tx, GdsAdapter.Neighbours pairs, int i, EdgeStats stats) {
        Node a = tx.getNodeById(pairs.source()[i]);
        Node b = tx.getNodeById(pairs.target()[i]);
        double cos = pairs.cosine()[i];
        a.createRelationshipTo(b, Schema.SIMILAR_TYPE).setProperty("score", cos);
        stats.written(pairs.source()[i], cos);
    }

    /** Outcome of one kNN rebuild. */
    public static final class KnnResult {
        @Description("Image nodes considered.")
        public final long images;
        @Description("Images left without any neighbour at or above the cutoff.")
        public final long imagesWithoutNeighbours;
        @Description("SIMILAR edges removed.")
        public final long relationshipsDeleted;
        @Description("SIMILAR edges written.")
        public final long relationshipsWritten;
        @Description("Lowest cosine among written edges (null when none).")
        public final Double minScore;
        @Description("Mean cosine among written edges (null when none).")
        public final Double meanScore;
        @Description("Highest cosine among written edges (null when none).")
        public final Double maxScore;
        @Description("Milliseconds spent finding the neighbours (vectorIndex: building the index if needed and querying it; "
                + "gds: projection, kNN, drop; then reading the features and the refinement rounds; descent: all but the index).")
        public final long computeMillis;
        @Description("Milliseconds spent replacing edges.")
        public final long writeMillis;
        @Description("The effective configuration.")
        public final Map<String, Object> config;

        public KnnResult(long images, long imagesWithoutNeighbours, long relationshipsDeleted, long relationshipsWritten,
                         Double minScore, Double meanScore, Double maxScore, long computeMillis, long writeMillis,
                         Map<String, Object> config) {
            this.images = images;
            this.imagesWithoutNeighbours = imagesWithoutNeighbours;
            this.relationshipsDeleted = relationshipsDeleted;
            this.relationshipsWritten = relationshipsWritten;
            this.minScore = minScore;
            this.meanScore = meanScore;
            this.maxScore = maxScore;
            this.computeMillis = computeMillis;
            this.writeMillis = writeMillis;
            this.config = config;
        }
    }
}
