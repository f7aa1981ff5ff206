package mmr.procedures.train;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

import mmr.model.sage.GraphSage;
import mmr.procedures.config.ConfigMap;
import mmr.procedures.graph.LoadedModel;
import mmr.procedures.graph.ModelStore;
import mmr.procedures.graph.Neo4jSageGraph;
import mmr.procedures.graph.SageStates;
import mmr.procedures.graph.Schema;
import mmr.procedures.graph.TagCarriers;

/** {@code mmr.embed}: embeddings for nodes added after training, from the stored model, without GDS. */
public class EmbedProc {
    static final String PROCEDURE = "mmr.embed";

    @Context
    public Transaction tx;

    @Procedure(name = "mmr.embed", mode = Mode.WRITE)
    @Description("Computes and writes `embedding` (and what search reads: the first-layer state `sageState`, projected features `sageInput` "
            + "and, for a Tag with many images, its nearest carriers) for the given "
            + "Image and Tag nodes with the stored GraphSAGE model (the native forward pass over their current "
            + "neighbourhoods; no retraining, no GDS).")
    public Stream<EmbedResult> embed(@Name("nodes") List<Node> nodes,
                                     @Name(value = "config", defaultValue = "{}") Map<String, Object> rawConfig) {
        String name = ConfigMap.of(PROCEDURE, rawConfig, List.of("model")).string("model", Schema.DEFAULT_NAME);
        if (nodes == null) {
            throw new IllegalArgumentException(PROCEDURE + ": 'nodes' must be a list of Image or Tag nodes, got null");
        }
        Node model = new ModelStore(tx).current(name);
        if (model == null) {
            throw new IllegalArgumentException(PROCEDURE + ": there is no trained model '" + name + "'; run CALL mmr.train() first");
        }
        LoadedModel loaded = LoadedModel.of(PROCEDURE, tx, model);
        long featureDimension = loaded.featureDimension();
        boolean multiLabel = loaded.multiLabel();
        Neo4jSageGraph graph = new Neo4jSageGraph(tx, loaded.randomSeed());
        long[] ids = nodes.stream().mapToLong(Node::getId).toArray();
        graph.prefetchFeatures(ids);
        for (Node n : nodes) {
            if (!Neo4jSageGraph.isCatalogNode(n)) {
                throw new IllegalArgumentException(PROCEDURE + ": node " + n.getElementId() + " is neither an Image nor a Tag");
            }
            float[] f = graph.features(n.getId());
            if (f == null) {
                throw new IllegalArgumentException(PROCEDURE + ": " + describe(n) + " has no 'features'");
            }
            if (!multiLabel && f.length != featureDimension) {
                throw new IllegalArgumentException(PROCEDURE + ": " + describe(n) + " has " + f.length
                        + "-d features but model '" + name + "' was trained on " + featureDimension + "-d features");
            }
        }
        long t0 = System.nanoTime();
        write(tx, loaded, graph, ids);
        long[] tags = nodes.stream().filter(n -> n.hasLabel(Schema.TAG_LABEL)).mapToLong(Node::getId).toArray();
        TagCarriers.write(tx, loaded.key(), tags, TagCarriers.stored(tx), TagCarriers.MIN_DEGREE, TagCarriers.STORED);
        return Stream.of(new EmbedResult(nodes.size(), name, loaded.version(),
                (System.nanoTime() - t0) / 1_000_000));
    }

    /**
     * Writes {@code embedding} and the first-layer state of {@code ids} with the model's forward pass
     * over their current neighbourhoods (everything computed from features: no stored state is read).
     */
    public static void write(Transaction tx, LoadedModel loaded, Neo4jSageGraph graph, long[] ids) {
        write(tx, loaded, graph, ids, null);
    }

    /** As {@link #write(Transaction, LoadedModel, Neo4jSageGraph, long[])}, reusing {@code known} inner states. */
    public static void write(Transaction tx, LoadedModel loaded, Neo4jSageGraph graph, long[] ids, GraphSage.KnownStates known) {
        GraphSage.Batch batch = known == null ? loaded.sage().batch(graph) : loaded.sage().batch(graph, known);
        for (long id : ids) {
            tx.getNodeById(id).setProperty("embedding", batch.embed(id));
        }
        SageStates.write(tx, loaded, ids, batch);   // the batch still holds their first-layer states
    }

    private static String describe(Node n) {
        Object key = n.getProperty("id", n.getProperty("name", n.getElementId()));
        return (n.hasLabel(Schema.TAG_LABEL) ? "Tag '" : "Image '") + key + "'";
    }

    /** Outcome of one embedding call. */
    public static final class EmbedResult {
        @Description("Nodes whose embedding was written.")
        public final long nodes;
        @Description("Model used.")
        public final String model;
        @Description("Version of the model used.")
        public final long version;
        @Description("Milliseconds spent.")
        public final long millis;

        public EmbedResult(long nodes, String model, long version, long millis) {
            this.nodes = nodes;
            this.model = model;
            this.version = version;
            this.millis = millis;
        }
    }
}
