package mmr.procedures.graph;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.neo4j.annotations.service.ServiceProvider;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListener;
import org.neo4j.kernel.extension.ExtensionFactory;
import org.neo4j.kernel.extension.ExtensionType;
import org.neo4j.kernel.extension.context.ExtensionContext;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.lifecycle.Lifecycle;
import org.neo4j.kernel.lifecycle.LifecycleAdapter;
import org.neo4j.storageengine.api.TransactionIdStore;

import mmr.model.sage.SageWeights;

/**
 * The neighbour samples of a database's dense nodes, kept across procedure calls. A node's sample is
 * drawn from its sorted list of every neighbour (so that it does not depend on relationship order),
 * and a tag carried by a quarter of a million images takes tens of milliseconds to read that list —
 * on every {@code mmr.tag} call that reaches it. The sample itself is a handful of ids.
 *
 * <p>Kept right: a transaction listener drops a node's samples when a committed transaction adds or
 * removes one of its edges ({@link Neo4jSageGraph#TYPES}), and a sample read while such a commit is
 * under way is not kept (a generation counter, moved before and after every commit that changes
 * relationships). Listeners see only the transactions this server commits, not those a cluster
 * member applies from another (Neo4j calls them where a transaction originates): the listener
 * follows the transaction ids it sees, and when the database has committed one it did not see — or
 * they arrive out of order — every sample is dropped. A transaction that has changed the graph itself
 * reads the samples only of nodes it has not touched ({@link #forTransaction}), or none. Bounded: at
 * most {@link #MAX_NODES} nodes; when full, the samples are dropped and collected again.
 */
public final class DenseSamples {
    /** Nodes with fewer neighbours are read each time: their list costs less than a quarter of a millisecond. */
    static final int MIN_DEGREE = 1_000;
    static final int MAX_NODES = 20_000;

    private static final Map<Object, DenseSamples> BY_DATABASE = new ConcurrentHashMap<>();

    private record Key(int sampleSize, long seed) {}

    private final Map<Long, Map<Key, long[]>> samples = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final TransactionIdStore transactionIds;
    final TransactionEventListener<Set<Long>> listener = new Listener();
    /** The last transaction id seen in sequence: every commit up to it went through the listener. */
    private long lastSeen;

    private DenseSamples(TransactionIdStore transactionIds) {
        this.transactionIds = transactionIds;
        this.lastSeen = transactionIds.getLastCommittedTransactionId();
    }

    /**
     * The shared samples for a transaction of {@code db}: null when the database keeps none (the
     * extension is not loaded) or when the transaction has already changed the graph in ways the
     * caller does not name — its own view of an edge list may differ from the committed one.
     */
    public static View forTransaction(GraphDatabaseService db, Set<Long> touchedHere, boolean changedBeforeCaller) {
        DenseSamples shared = of(db);
        if (shared == null || changedBeforeCaller) {
            return null;
        }
        shared.dropIfBehind();
        return new View(shared, touchedHere);
    }

    /** True when {@code tx} holds uncommitted changes (call before the procedure's own writes). */
    public static boolean hasChanges(Transaction tx) {
        return tx instanceof InternalTransaction itx && itx.kernelTransaction().dataRead().transactionStateHasChanges();
    }

    /** One transaction's access: never the samples of a node whose edges it changed. */
    public static final class View {
        private final DenseSamples shared;
        private final Set<Long> touchedHere;

        View(DenseSamples shared, Set<Long> touchedHere) {
            this.shared = shared;
            this.touchedHere = touchedHere;
        }

        long[] get(long node, int sampleSize, long seed) {
            if (touchedHere.contains(node)) {
                return null;
            }
            Map<Key, long[]> forNode = shared.samples.get(node);
            long[] sample = forNode == null ? null : forNode.get(new Key(sampleSize, seed));
            if (sample != null) {
                shared.hits.incrementAndGet();
            }
            return sample;
        }

        long generation() {
            return shared.generation.get();
        }

        /** Keeps the sample of a node with {@code degree} neighbours read at {@code generation}, if still current. */
        void put(long node, int degree, int sampleSize, long seed, long[] sample, long generation) {
            if (degree < MIN_DEGREE || touchedHere.contains(node)) {
                return;
            }
            shared.put(node, new Key(sampleSize, seed), sample, generation);
        }
    }

    private synchronized void put(long node, Key key, long[] sample, long readAt) {
        if (generation.get() != readAt) {
            return;   // a commit that changes relationships ran while the list was read
        }
        if (!samples.containsKey(node) && samples.size() >= MAX_NODES) {
            samples.clear();
        }
        samples.computeIfAbsent(node, n -> new ConcurrentHashMap<>()).put(key, sample);
    }

    private synchronized void dropAfterCommit(long transactionId, Set<Long> touched) {
        if (transactionId != lastSeen + 1) {
            touched = null;   // a commit the listener did not see came before, or this one arrives out of order
        }
        lastSeen = Math.max(lastSeen, transactionId);
        if (touched == Listener.NOTHING) {
            return;
        }
        generation.incrementAndGet();
        if (touched == null) {
            samples.clear();
        } else {
            touched.forEach(samples::remove);
        }
    }

    /** Drops every sample when the database has committed a transaction the listener has not seen. */
    private synchronized void dropIfBehind() {
        long last = transactionIds.getLastCommittedTransactionId();
        if (last > lastSeen) {
            generation.incrementAndGet();
            samples.clear();
            lastSeen = last;
        }
    }

    /**
     * Reads and keeps the samples {@code model} draws of every dense catalog node (at each layer's sample
     * size), so that the first {@code mmr.tag} reaching a large tag does not read its whole edge list
     * either; at most {@link #MAX_NODES} nodes. Returns how many nodes it kept, or -1 when the database
     * keeps no samples.
     */
    public static int keepAll(GraphDatabaseAPI db, LoadedModel model) {
        DenseSamples shared = BY_DATABASE.get(db.databaseId());
        if (shared == null) {
            return -1;
        }
        List<Long> dense = new ArrayList<>();
        try (Transaction tx = db.beginTx()) {
            for (Label label : List.of(Schema.TAG_LABEL, Schema.IMAGE_LABEL)) {
                try (ResourceIterator<Node> nodes = tx.findNodes(label)) {
                    while (nodes.hasNext() && dense.size() < MAX_NODES) {
                        Node n = nodes.next();
                        if (n.getDegree() >= MIN_DEGREE) {
                            dense.add(n.getId());
                        }
                    }
                }
            }
        }
        View view = new View(shared, Set.of());
        for (long node : dense) {
            if (Thread.currentThread().isInterrupted()) {
                break;   // the database is stopping
            }
            try (Transaction tx = db.beginTx()) {   // one per node: a node's whole edge list is held only while its samples are drawn
                Neo4jSageGraph graph = new Neo4jSageGraph(tx, model.randomSeed(), view);
                for (SageWeights.Layer layer : model.sage().weights().layers()) {
                    graph.neighbours(node, layer.sampleSize());
                }
            }
        }
        return dense.size();
    }

    /** Samples served from memory since the database started (for tests and benchmarks). */
    public static long hits(GraphDatabaseService db) {
        DenseSamples shared = of(db);
        return shared == null ? -1 : shared.hits.get();
    }

    /** How many nodes' samples the database keeps now, and how many ids they hold in all ({-1, -1} when it keeps none). */
    public static long[] size(GraphDatabaseService db) {
        DenseSamples shared = of(db);
        if (shared == null) {
            return new long[] {-1, -1};
        }
        long ids = 0;
        for (Map<Key, long[]> forNode : shared.samples.values()) {
            for (long[] sample : forNode.values()) {
                ids += sample.length;
            }
        }
        return new long[] {shared.samples.size(), ids};
    }

    static DenseSamples of(GraphDatabaseService db) {
        return db instanceof GraphDatabaseAPI api ? BY_DATABASE.get(api.databaseId()) : null;
    }

    /** What a commit touched: the endpoints of the edges it adds or removes, or null for "drop everything". */
    private final class Listener implements TransactionEventListener<Set<Long>> {
        private static final Set<Long> NOTHING = Set.of();

        @Override
        public Set<Long> beforeCommit(TransactionData data, Transaction transaction, GraphDatabaseService db) {
            if (!data.createdRelationships().iterator().hasNext() && !data.deletedRelationships().iterator().hasNext()) {
                return NOTHING;
            }
            synchronized (DenseSamples.this) {
                generation.incrementAndGet();
                if (samples.isEmpty()) {
                    return null;   // nothing to pick out: drop whatever a reader keeps before this commit ends
                }
            }
            Set<Long> touched = new HashSet<>();
            collect(data.createdRelationships(), touched);
            collect(data.deletedRelationships(), touched);
            return touched;
        }

        private void collect(Iterable<Relationship> relationships, Set<Long> touched) {
            for (Relationship r : relationships) {
                if (isSampled(r.getType())) {
                    touched.add(r.getStartNodeId());
                    touched.add(r.getEndNodeId());
                }
            }
        }

        private boolean isSampled(RelationshipType type) {
            for (RelationshipType t : Neo4jSageGraph.TYPES) {
                if (t.name().equals(type.name())) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void afterCommit(TransactionData data, Set<Long> touched, GraphDatabaseService db) {
            dropAfterCommit(data.getTransactionId(), touched);
        }

        @Override
        public void afterRollback(TransactionData data, Set<Long> touched, GraphDatabaseService db) {
            // nothing changed; the generation moved in beforeCommit only makes a concurrent reader skip one put
        }
    }

    /** Keeps a database's samples while it runs. */
    @ServiceProvider
    public static final class Extension extends ExtensionFactory<Extension.Dependencies> {
        public interface Dependencies {
            GraphDatabaseAPI graphDatabaseAPI();

            DatabaseManagementService databaseManagementService();
        }

        public Extension() {
            super(ExtensionType.DATABASE, "mmr-dense-samples");
        }

        @Override
        public Lifecycle newInstance(ExtensionContext context, Dependencies dependencies) {
            GraphDatabaseAPI db = dependencies.graphDatabaseAPI();
            return new LifecycleAdapter() {
                private DenseSamples shared;

                @Override
                public void start() {
                    if ("system".equals(db.databaseName())) {
                        return;
                    }
                    shared = new DenseSamples(db.getDependencyResolver().resolveDependency(TransactionIdStore.class));
                    dependencies.databaseManagementService().registerTransactionEventListener(db.databaseName(), shared.listener);
                    BY_DATABASE.put(db.databaseId(), shared);
                }

                @Override
                public void stop() {
                    if (shared != null) {
                        BY_DATABASE.remove(db.databaseId(), shared);
                        dependencies.databaseManagementService().unregisterTransactionEventListener(db.databaseName(), shared.listener);
                        shared = null;
                    }
                }
            };
        }
    }
}
