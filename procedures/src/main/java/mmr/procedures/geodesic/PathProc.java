package mmr.procedures.geodesic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

import mmr.model.rank.Geodesic;
import mmr.model.text.Bounded;
import mmr.model.vector.Vectors;
import mmr.procedures.config.ConfigMap;
import mmr.procedures.graph.CatalogGraph;
import mmr.procedures.graph.JointGraph;
import mmr.procedures.graph.LoadedModel;
import mmr.procedures.graph.ModelStore;
import mmr.procedures.graph.Schema;
import mmr.procedures.graph.VectorIndexes;

/**
 * {@code mmr.path}: the geodesic (cheapest) path between two nodes of the joint graph (paper 004),
 * each step with what changed — a smooth path as an explanation. Read-only; plain Core API, so it
 * works without GDS.
 */
public class PathProc {
    static final String PROCEDURE = "mmr.path";
    public static final List<String> KEYS = List.of("vectors", "imagesOnly", "maxHops", "maxExpanded", "tagFanout");
    /** Upper bounds a caller may raise the search's bounds to. */
    public static final int MAX_HOPS = 20;
    public static final int MAX_EXPANDED = 100_000;
    public static final int MAX_TAG_FANOUT = 1_000;

    @Context
    public Transaction tx;

    @Procedure(name = "mmr.path", mode = Mode.READ)
    @Description("The geodesic path between two images (or an image and a tag): the cheapest path through Image and Tag nodes "
            + "along SIMILAR and TAGGED edges, each weighing 1 − cosine of its ends' vectors ('embedding' or 'features'); each "
            + "step with the tags gained and lost. Bounded by maxHops and maxExpanded; 'no path within N hops' when none. Read-only.")
    public Stream<PathResult> path(@Name("from") Object from, @Name("to") Object to,
                                   @Name(value = "config", defaultValue = "{}") Map<String, Object> rawConfig) {
        ConfigMap c = ConfigMap.of(PROCEDURE, rawConfig, KEYS);
        String vectors = c.choice("vectors", "embedding", List.of("embedding", "features"));
        boolean imagesOnly = c.bool("imagesOnly", false);
        Geodesic.Bounds bounds = new Geodesic.Bounds(c.integer("maxHops", 6, 1, MAX_HOPS),
                c.integer("maxExpanded", 10_000, 1, MAX_EXPANDED));
        CatalogGraph catalog = new CatalogGraph(tx);
        Node a = catalog.imageOrTag(PROCEDURE, "from", from);
        Node b = catalog.imageOrTag(PROCEDURE, "to", to);
        Node current = new ModelStore(tx).current(Schema.DEFAULT_NAME);
        JointGraph graph = new JointGraph(tx, vectors, imagesOnly, c.integer("tagFanout", 100, 1, MAX_TAG_FANOUT),
                index(vectors), current == null ? null : LoadedModel.keyOf(current));
        if (a.getId() == b.getId()) {
            throw new IllegalArgumentException(PROCEDURE + ": 'from' and 'to' are the same node " + name(graph, a)
                    + "; give two different nodes");
        }
        for (Node end : List.of(a, b)) {
            String key = end == a ? "from" : "to";
            if (imagesOnly && graph.isTag(end)) {
                throw new IllegalArgumentException(PROCEDURE + ": '" + key + "' is the " + name(graph, end)
                        + ", but imagesOnly: true walks through images only");
            }
            if (graph.unit(end) == null) {
                throw new IllegalArgumentException(PROCEDURE + ": '" + key + "' " + name(graph, end) + " has no '" + vectors + "'"
                        + (vectors.equals("embedding") ? "; train (CALL mmr.train) or embed it (CALL mmr.embed) first, or use "
                        + "vectors: 'features'" : ""));
            }
        }
        long target = b.getId();
        Geodesic.Result result = Geodesic.search(graph, new long[] {a.getId()}, new double[] {0}, 0, id -> id == target, 1, bounds);
        if (result.accepted().isEmpty()) {
            if (result.stop() == Geodesic.Stop.EXPANSION_LIMIT) {
                throw new IllegalArgumentException(PROCEDURE + ": gave up after expanding " + result.expanded() + " nodes (maxExpanded) "
                        + "without reaching " + name(graph, b) + " from " + name(graph, a) + "; raise maxExpanded (at most "
                        + MAX_EXPANDED + ") or lower maxHops");
            }
            return Stream.of(new PathResult(false, null, List.of(), null, null, "no path from " + name(graph, a) + " to "
                    + name(graph, b) + " within " + bounds.maxHops() + (bounds.maxHops() == 1 ? " hop" : " hops") + (imagesOnly ? " through images only" : "")
                    + " (" + result.settled().size() + " nodes reached)"));
        }
        List<Geodesic.Reached> path = result.pathTo(target);
        List<Node> nodes = new ArrayList<>();
        for (Geodesic.Reached r : path) {
            nodes.add(tx.getNodeById(r.node()));
        }
        List<Map<String, Object>> steps = new ArrayList<>();
        Set<String> lastImageTags = graph.isTag(nodes.get(0)) ? null : tags(nodes.get(0));
        for (int i = 1; i < nodes.size(); i++) {
            Node x = nodes.get(i - 1);
            Node y = nodes.get(i);
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("from", CatalogGraph.describe(x));
            step.put("to", CatalogGraph.describe(y));
            step.put("relationship", graph.isTag(x) || graph.isTag(y) ? "TAGGED" : "SIMILAR");
            double cosine = Vectors.dot(graph.unit(x), graph.unit(y));
            step.put("cost", Geodesic.weight(cosine));
            step.put("cosine", cosine);
            List<String> gained = List.of();
            List<String> lost = List.of();
            if (!graph.isTag(y)) {
                Set<String> now = tags(y);
                if (lastImageTags != null) {
                    gained = new ArrayList<>(diff(now, lastImageTags));
                    lost = new ArrayList<>(diff(lastImageTags, now));
                }
                lastImageTags = now;
            }
            step.put("tagsGained", gained);
            step.put("tagsLost", lost);
            steps.add(step);
        }
        Geodesic.Reached end = path.get(path.size() - 1);
        return Stream.of(new PathResult(true, nodes, steps, end.distance(), (long) end.hops(), null));
    }

    /** The vector index on the images' {@code vectors}, when online (for tags above tagFanout images), else null. */
    private String index(String vectors) {
        String name = vectors.equals("embedding") ? Schema.IMAGE_EMBEDDING_INDEX : Schema.IMAGE_FEATURES_INDEX;
        return VectorIndexes.online(tx, name) ? name : null;
    }

    private static Set<String> tags(Node image) {
        Set<String> out = new TreeSet<>();
        for (Relationship r : image.getRelationships(Direction.OUTGOING, Schema.TAGGED_TYPE)) {
            out.add(String.valueOf(r.getEndNode().getProperty("name", "")));
        }
        return out;
    }

    private static Set<String> diff(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static String name(JointGraph graph, Node n) {
        boolean tag = graph.isTag(n);
        return (tag ? "Tag " : "Image ") + Bounded.quote(String.valueOf(n.getProperty(tag ? "name" : "id", "")));
    }

    /** The path, or why there is none. */
    public static final class PathResult {
        @Description("Whether a path was found within the bounds.")
        public final boolean found;
        @Description("The path's nodes, from 'from' to 'to' (null when none was found).")
        public final List<Node> nodes;
        @Description("Each step: {from, to, relationship, cost, cosine, tagsGained, tagsLost}; tags are compared between "
                + "consecutive images on the path.")
        public final List<Map<String, Object>> steps;
        @Description("The geodesic distance: the sum of the steps' costs (1 − cosine).")
        public final Double cost;
        @Description("Steps on the path.")
        public final Long hops;
        @Description("Why no path was found (null when one was).")
        public final String message;

        public PathResult(boolean found, List<Node> nodes, List<Map<String, Object>> steps, Double cost, Long hops, String message) {
            this.found = found;
            this.nodes = nodes;
            this.steps = steps;
            this.cost = cost;
            this.hops = hops;
            this.message = message;
        }
    }
}
