package mmr.procedures.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import java.util.concurrent.TimeUnit;

import org.neo4j.exceptions.KernelException;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.Transaction;
import org.neo4j.internal.kernel.api.IndexQueryConstraints;
import org.neo4j.internal.kernel.api.IndexReadSession;
import org.neo4j.internal.kernel.api.InternalIndexState;
import org.neo4j.internal.kernel.api.NodeValueIndexCursor;
import org.neo4j.internal.kernel.api.PropertyIndexQuery;
import org.neo4j.internal.kernel.api.exceptions.schema.IndexNotFoundKernelException;
import org.neo4j.internal.schema.IndexDescriptor;
import org.neo4j.internal.schema.IndexType;
import org.neo4j.token.api.TokenConstants;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;

import mmr.model.vector.Vectors;

/**
 * The vector indexes search uses ({@link Schema}'s index names): kept in step with the vectors'
 * dimensions, and queried. Schema changes cannot share a transaction with data writes, so
 * {@link #ensure} runs in its own transactions, before training writes anything. Quantization is
 * off: with Neo4j's default (on) the index's scores are approximate and search recall@10 against
 * exact was 0.92 (docs/benchmarks.md), and the exact scores let a search read only the top k.
 */
public final class VectorIndexes {
    private VectorIndexes() {}

    /** A node an index returned, with its plain cosine to the query vector. */
    public record Nearest(Node node, double cosine) {}

    /** A node an index returned, with the indexed vector itself (read by the query: its cursors are its own). */
    public record NearestVector(Node node, float[] vector) {}

    /** Whether the index exists and is online. */
    public static boolean online(Transaction tx, String name) {
        // Asked on every search: the kernel's schema read, not the core API's description-building lookup.
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        IndexDescriptor index = ktx.schemaRead().indexGetForName(name);
        if (index == IndexDescriptor.NO_INDEX) {
            return false;
        }
        try {
            return ktx.schemaRead().indexGetState(index) == InternalIndexState.ONLINE;
        } catch (IndexNotFoundKernelException dropped) {
            return false;
        }
    }

    /**
     * The index's {@code candidates} nearest nodes to {@code vector} with cosine ≥ {@code minCosine},
     * at most {@code limit}, in the index's order.
     */
    public static List<Nearest> nearest(Transaction tx, String index, int candidates, float[] vector, double minCosine, int limit) {
        List<Nearest> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        seek(tx, index, candidates, vector, (node, cosine) -> {
            if (cosine >= minCosine - 1e-6) {
                Node n = existing(tx, node);
                if (n != null) {
                    out.add(new Nearest(n, cosine));
                }
            }
            return out.size() < limit;
        });
        return out;
    }

    /** The index's {@code candidates} nearest nodes to {@code vector}, every one, in the index's order. */
    public static List<Nearest> nearest(Transaction tx, String index, int candidates, float[] vector) {
        return nearest(tx, index, candidates, vector, Double.NEGATIVE_INFINITY, Integer.MAX_VALUE);
    }

    /**
     * The first {@code limit} of the index's {@code candidates} nearest nodes to {@code vector}, with
     * their {@code property} (one of {@link Schema}'s vector properties; null where unreadable).
     */
    public static List<NearestVector> nearestVectors(Transaction tx, String index, int candidates, int limit, float[] vector,
                                                     String property) {
        List<NearestVector> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        seek(tx, index, candidates, vector, (node, cosine) -> {
            Node n = existing(tx, node);
            if (n != null) {
                out.add(new NearestVector(n, Vectors.toFloats(n.getProperty(property, null))));
            }
            return out.size() < limit;
        });
        return out;
    }

    /** The node, or null when a concurrent transaction deleted it after the index saw it. */
    private static Node existing(Transaction tx, long node) {
        try {
            return tx.getNodeById(node);
        } catch (NotFoundException deleted) {
            return null;
        }
    }

    /** Receives the index's hits in order; returns false to stop. */
    private interface Hits {
        boolean accept(long node, double cosine);
    }

    /**
     * One nearest-neighbour seek through the kernel's index cursor — what {@code db.index.vector.queryNodes}
     * does, without a Cypher query around it for each lookup. The vector is normalised first, which a
     * cosine index's order and scores do not depend on. An index still populating is waited for, as
     * that procedure waits.
     */
    private static void seek(Transaction tx, String name, int candidates, float[] vector, Hits hits) {
        if (candidates <= 0) {
            return;
        }
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        IndexDescriptor index = ktx.schemaRead().indexGetForName(name);
        if (index == IndexDescriptor.NO_INDEX || index.getIndexType() != IndexType.VECTOR) {
            throw new IllegalStateException("there is no vector index " + name);
        }
        float[] query = Vectors.normaliseInPlace(vector.clone());
        IndexReadSession session;
        try {
            session = ktx.dataRead().indexReadSession(index);
        } catch (IndexNotFoundKernelException populating) {
            tx.schema().awaitIndexOnline(name, AWAIT_QUERY_SECONDS, TimeUnit.SECONDS);
            try {
                session = ktx.dataRead().indexReadSession(index);
            } catch (IndexNotFoundKernelException e) {
                throw new IllegalStateException("the vector index " + name + " cannot be read: " + e.getMessage(), e);
            }
        }
        try (NodeValueIndexCursor cursor = ktx.cursors().allocateNodeValueIndexCursor(ktx.cursorContext(), ktx.memoryTracker())) {
            ktx.dataRead().nodeIndexSeek(ktx.queryContext(), session, cursor, IndexQueryConstraints.unconstrained(),
                    PropertyIndexQuery.nearestNeighbors(candidates, query));
            while (cursor.next()) {
                if (!hits.accept(cursor.nodeReference(), cosine(cursor.score()))) {
                    return;
                }
            }
        } catch (KernelException e) {
            throw new IllegalStateException("the vector index " + name + " cannot be queried: " + e.getMessage(), e);
        }
    }

    /** How long a query waits for an index that is still populating (as db.index.vector.queryNodes does). */
    private static final long AWAIT_QUERY_SECONDS = 30;

    /**
     * The number of nodes with the label mmr's vector index {@code index} covers (Image, or Tag for the
     * tag index), from the store's counts (no scan): an upper bound of what the index holds, for
     * {@link mmr.model.rank.IndexCandidates}.
     */
    public static long indexedAtMost(Transaction tx, String index) {
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        int label = ktx.tokenRead().nodeLabel(Schema.TAG_EMBEDDING_INDEX.equals(index) ? Schema.TAG : Schema.IMAGE);
        return label == TokenConstants.NO_TOKEN ? 0 : ktx.dataRead().countsForNode(label);
    }

    /** The index reports (1 + cos) / 2. */
    private static double cosine(double score) {
        return 2 * score - 1;
    }

    /**
     * Waits until the index is online. Populating an HNSW index over a large catalog takes minutes,
     * so the wait is long; a failed population is reported by Neo4j's own error.
     */
    public static void awaitOnline(GraphDatabaseService db, String name) {
        db.executeTransactionally("CALL db.awaitIndex($name, $seconds)", Map.of("name", name, "seconds", AWAIT_SECONDS));
    }

    /** How long {@link #awaitOnline} waits: a day, since the caller of a rebuild asked for its result, however long. */
    static final long AWAIT_SECONDS = 86_400;

    /** Creates the index, or drops and recreates it when its dimension or quantization differ. */
    public static void ensure(GraphDatabaseService db, String name, String label, String property, long dimensions) {
        ensure(db, name, label, property, dimensions, 0);
    }

    /** {@link #ensure} creating a missing index with HNSW's {@code ef_construction} beam ({@code 0}: Neo4j's default). */
    public static void ensure(GraphDatabaseService db, String name, String label, String property, long dimensions,
                              int efConstruction) {
        Map<String, Object> existing = db.executeTransactionally("SHOW VECTOR INDEXES YIELD name, options WHERE name = $name "
                + "RETURN options.indexConfig.`vector.dimensions` AS dims, options.indexConfig.`vector.quantization.enabled` AS q",
                Map.of("name", name), r -> r.hasNext() ? r.next() : null);
        if (existing != null && ((Number) existing.get("dims")).longValue() == dimensions
                && Boolean.FALSE.equals(existing.get("q"))) {
            return;
        }
        if (existing != null) {
            db.executeTransactionally("DROP INDEX " + name);
        }
        db.executeTransactionally("CREATE VECTOR INDEX " + name + " IF NOT EXISTS FOR (n:" + label + ") ON (n." + property + ") "
                + "OPTIONS {indexConfig: {`vector.dimensions`: " + dimensions + ", `vector.similarity_function`: 'cosine', "
                + "`vector.quantization.enabled`: false" + (efConstruction > 0 ? ", `vector.hnsw.ef_construction`: " + efConstruction : "")
                + "}}");
    }
}
