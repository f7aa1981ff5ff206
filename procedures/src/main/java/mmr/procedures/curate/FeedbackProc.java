package mmr.procedures.curate;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

import mmr.model.sage.ChangeReach;
import mmr.procedures.config.ServerPaths;
import mmr.procedures.graph.CatalogGraph;
import mmr.procedures.graph.DenseSamples;
import mmr.procedures.graph.Neo4jSageGraph;
import mmr.procedures.graph.Schema;
import mmr.procedures.search.Query;
import mmr.procedures.search.QueryNode;
import mmr.procedures.search.SearchConfig;
import mmr.procedures.search.Searcher;
import mmr.procedures.train.EmbedProc;

/**
 * {@code mmr.feedback}: "I like these" for a query, remembered in the graph (paper 003): the liked
 * images are connected with each other ({@code LIKED_WITH {count}}) and with the query's tags
 * ({@code LIKED_FOR {count}}), and the embeddings the new edges reach are recomputed with the
 * stored model, so similar later queries rank the liked images together — no retraining. Counts
 * accumulate; caps keep one user from rewiring the graph.
 */
public class FeedbackProc {
    /** Most liked images one call takes. */
    public static final int MAX_LIKED = 20;
    /** Most feedback edges (of each type) one image may have; further pairs only count on existing edges. */
    public static final int MAX_EDGES_PER_IMAGE = 50;
    /** Highest count an edge keeps. */
    public static final long MAX_COUNT = 1_000;

    @Context
    public GraphDatabaseAPI api;

    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Procedure(name = "mmr.feedback", mode = Mode.WRITE)
    @Description("The user liked some results of a query: the liked images (nodes or ids) are connected with each other "
            + "(LIKED_WITH {count}) and with the query's tags (LIKED_FOR {count}), counts accumulating, at most "
            + MAX_EDGES_PER_IMAGE + " feedback edges of each type per image; the embeddings the new edges reach are "
            + "recomputed with the stored model (no retraining).")
    public Stream<FeedbackResult> feedback(@Name("query") Map<String, Object> query, @Name("liked") List<Object> liked,
                                           @Name(value = "config", defaultValue = "{}") Map<String, Object> config) {
        String p = "mmr.feedback";
        long t0 = System.nanoTime();
        SearchConfig c = SearchConfig.parse(p, config);
        Query q = Query.parse(p, query, false);
        List<Node> images = liked(p, liked);
        QueryNode.Attachment a = new Searcher(p, tx, log, ServerPaths.importDirectory(api),
                ServerPaths.modelsRoot(api)).attach(q, c);

        boolean changedBefore = DenseSamples.hasChanges(tx);
        Set<Long> endpoints = new LinkedHashSet<>();
        long[] created = new long[2];
        long[] counted = new long[2];
        long capped = 0;
        for (int i = 0; i < images.size(); i++) {
            for (int j = i + 1; j < images.size(); j++) {
                capped += connect(images.get(i), images.get(j), Schema.LIKED_WITH_TYPE, endpoints, created, counted, 0);
            }
            for (Node tag : a.tags()) {
                capped += connect(images.get(i), tag, Schema.LIKED_FOR_TYPE, endpoints, created, counted, 1);
            }
        }
        long reembedded = 0;
        if (!endpoints.isEmpty()) {
            Neo4jSageGraph graph = new Neo4jSageGraph(tx, a.model().randomSeed(),
                    DenseSamples.forTransaction(api, endpoints, changedBefore));
            Set<Long> affected = ChangeReach.affected(graph, a.model().sage().weights(), endpoints, Set.of());
            if (affected.size() > TagProc.MAX_REEMBEDDED) {
                throw new IllegalArgumentException(p + ": this feedback reaches " + affected.size() + " embeddings, more than "
                        + TagProc.MAX_REEMBEDDED + " one call recomputes (nothing was written)");
            }
            long[] ids = affected.stream().mapToLong(Long::longValue).toArray();
            graph.prefetchFeatures(ids);
            EmbedProc.write(tx, a.model(), graph, ids);
            reembedded = ids.length;
        }
        return Stream.of(new FeedbackResult(images.size(), created[0], counted[0], created[1], counted[1], capped, reembedded,
                (System.nanoTime() - t0) / 1_000_000));
    }

    /** Adds one to the edge's count, creating it when both ends are under the cap; returns 1 when capped. */
    private int connect(Node a, Node b, RelationshipType type, Set<Long> endpoints, long[] created, long[] counted, int slot) {
        for (Relationship r : a.getRelationships(Direction.BOTH, type)) {
            if (r.getOtherNodeId(a.getId()) == b.getId()) {
                long count = ((Number) r.getProperty("count", 0L)).longValue();
                r.setProperty("count", Math.min(MAX_COUNT, count + 1));
                counted[slot]++;
                return 0;
            }
        }
        boolean full = a.getDegree(type, Direction.BOTH) >= MAX_EDGES_PER_IMAGE
                || (b.hasLabel(Schema.IMAGE_LABEL) && b.getDegree(type, Direction.BOTH) >= MAX_EDGES_PER_IMAGE);
        if (full) {
            return 1;
        }
        Relationship r = a.createRelationshipTo(b, type);
        r.setProperty("count", 1L);
        created[slot]++;
        endpoints.add(a.getId());
        endpoints.add(b.getId());
        return 0;
    }

    private List<Node> liked(String procedure, List<Object> raw) {
        if (raw == null || raw.isEmpty()) {
            throw new IllegalArgumentException(procedure + ": 'liked' is empty; give 1 to " + MAX_LIKED + " Image nodes or ids");
        }
        if (raw.size() > MAX_LIKED) {
            throw new IllegalArgumentException(procedure + ": 'liked' holds " + raw.size() + " images; one call takes at most "
                    + MAX_LIKED);
        }
        return new CatalogGraph(tx).images(procedure, "liked", raw);
    }

    /** What one call wrote. */
    public static final class FeedbackResult {
        @Description("Distinct liked images.")
        public final long liked;
        @Description("LIKED_WITH edges created.")
        public final long pairsCreated;
        @Description("LIKED_WITH edges whose count went up.")
        public final long pairsCounted;
        @Description("LIKED_FOR edges created (liked image → query tag).")
        public final long tagEdgesCreated;
        @Description("LIKED_FOR edges whose count went up.")
        public final long tagEdgesCounted;
        @Description("Edges not created because an image already has " + MAX_EDGES_PER_IMAGE + " of that type.")
        public final long capped;
        @Description("Embeddings recomputed: what the new edges reach under the model's samples.")
        public final long reembedded;
        @Description("Milliseconds spent.")
        public final long millis;

        public FeedbackResult(long liked, long pairsCreated, long pairsCounted, long tagEdgesCreated, long tagEdgesCounted,
                              long capped, long reembedded, long millis) {
            this.liked = liked;
            this.pairsCreated = pairsCreated;
            this.pairsCounted = pairsCounted;
            this.tagEdgesCreated = tagEdgesCreated;
            this.tagEdgesCounted = tagEdgesCounted;
            this.capped = capped;
            this.reembedded = reembedded;
            this.millis = millis;
        }
    }
}
