package mmr.procedures.rerank;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

import mmr.model.rank.ScorePropagation;
import mmr.model.text.Bounded;
import mmr.model.vector.Vectors;
import mmr.procedures.config.ConfigMap;
import mmr.procedures.graph.Schema;

/**
 * {@code mmr.rerank}: re-ranks a candidate list from any source by propagating its scores over the
 * candidates' visual graph ({@link ScorePropagation}; paper 002's idea, unsupervised).
 */
public class RerankProc {
    /** Most candidates one call takes. */
    public static final int MAX_CANDIDATES = 1_000;
    static final String PROCEDURE = "mmr.rerank";
    public static final List<String> KEYS = List.of("vectors", "edges", "topK", "similarityCutoff", "alpha", "steps");

    @Context
    public Transaction tx;

    @Procedure(name = "mmr.rerank", mode = Mode.READ)
    @Description("Experimental (in mmr eval it lifts no input; docs/rerank.md). Re-ranks candidates [{image: node or id, score}] (≤ 1000) by propagating their scores over their visual "
            + "graph: s_(t+1) = (1 − alpha)·s_0 + alpha·D⁻¹W·s_t for `steps` steps, W = cosine on each candidate's topK most "
            + "similar candidates (vectors 'features' or 'embedding') and/or their SIMILAR edges. Read-only, deterministic.")
    public Stream<RerankResult> rerank(@Name("candidates") List<Object> candidates,
                                       @Name(value = "config", defaultValue = "{}") Map<String, Object> rawConfig) {
        ConfigMap c = ConfigMap.of(PROCEDURE, rawConfig, KEYS);
        String vectors = c.choice("vectors", "features", List.of("features", "embedding"));
        String edges = c.choice("edges", "knn", List.of("knn", "similar", "both", "tags"));
        ScorePropagation.Settings settings = new ScorePropagation.Settings(c.number("alpha", 0.5, 0, 0.99),
                c.integer("steps", 2, 0, 20), edges.equals("similar") || edges.equals("tags") ? 0 : c.integer("topK", 5, 1, 100),
                c.number("similarityCutoff", 0.0, -1, 1));
        if (candidates == null || candidates.isEmpty()) {
            throw new IllegalArgumentException(PROCEDURE + ": 'candidates' is empty; give 1 to " + MAX_CANDIDATES
                    + " maps {image: node or id, score: number}");
        }
        if (candidates.size() > MAX_CANDIDATES) {
            throw new IllegalArgumentException(PROCEDURE + ": 'candidates' holds " + candidates.size() + "; one call takes at most "
                    + MAX_CANDIDATES);
        }
        int n = candidates.size();
        Node[] nodes = new Node[n];
        double[] initial = new double[n];
        Map<Long, Integer> position = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Object o = candidates.get(i);
            if (!(o instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(PROCEDURE + ": candidate " + (i + 1) + " must be a map {image, score}, got "
                        + ConfigMap.describe(o));
            }
            nodes[i] = image(i, m.get("image"));
            Object score = m.get("score");
            if (!(score instanceof Number num) || !Double.isFinite(num.doubleValue())) {
                throw new IllegalArgumentException(PROCEDURE + ": candidate " + (i + 1) + "'s 'score' must be a finite number, got "
                        + ConfigMap.describe(score));
            }
            initial[i] = num.doubleValue();
            Integer seen = position.put(nodes[i].getId(), i);
            if (seen != null) {
                throw new IllegalArgumentException(PROCEDURE + ": candidates " + (seen + 1) + " and " + (i + 1) + " are the same image "
                        + Bounded.quote(String.valueOf(nodes[i].getProperty("id", ""))) + "; give each image once");
            }
        }
        // candidates in initial-rank order (score descending, then as given): ties after propagation keep it
        Integer[] perm = new Integer[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        double[] given = initial;
        Arrays.sort(perm, (a, b) -> given[b] != given[a] ? Double.compare(given[b], given[a]) : Integer.compare(a, b));
        Node[] byRank = new Node[n];
        double[] initialByRank = new double[n];
        position.clear();
        for (int r = 0; r < n; r++) {
            byRank[r] = nodes[perm[r]];
            initialByRank[r] = initial[perm[r]];
            position.put(byRank[r].getId(), r);
        }
        nodes = byRank;
        initial = initialByRank;
        float[][] unit = null;
        if (edges.equals("knn") || edges.equals("both")) {
            unit = new float[n][];
            for (int i = 0; i < n; i++) {
                float[] v = Vectors.toFloats(nodes[i].getProperty(vectors, null));
                unit[i] = v == null ? null : Vectors.normalised(v);
            }
        }
        List<ScorePropagation.Edge> extra = new ArrayList<>();
        if (edges.equals("tags")) {
            extra.addAll(sharedTagEdges(nodes, c.integer("topK", 5, 1, 100)));
        }
        if (edges.equals("similar") || edges.equals("both")) {
            for (int i = 0; i < n; i++) {
                for (Relationship r : nodes[i].getRelationships(Direction.OUTGOING, Schema.SIMILAR_TYPE)) {
                    Integer j = position.get(r.getEndNodeId());
                    if (j != null) {
                        extra.add(new ScorePropagation.Edge(i, j, ((Number) r.getProperty("score", 1.0)).doubleValue()));
                    }
                }
            }
        }
        double[] scores = ScorePropagation.propagate(initial, unit, extra, settings);
        List<RerankResult> out = new ArrayList<>(n);
        long rank = 0;
        for (int i : ScorePropagation.order(scores)) {
            out.add(new RerankResult(nodes[i], scores[i], ++rank, i + 1));
        }
        return out.stream();
    }

    /**
     * Cross-modal edges: each candidate to the {@code topK} candidates whose tag sets (TAGGED) overlap
     * its own most, weighted by Jaccard similarity (ties by rank).
     */
    private static List<ScorePropagation.Edge> sharedTagEdges(Node[] nodes, int topK) {
        RelationshipType tagged = Schema.TAGGED_TYPE;
        List<Set<Long>> tags = new ArrayList<>();
        for (Node n : nodes) {
            Set<Long> t = new HashSet<>();
            n.getRelationships(Direction.OUTGOING, tagged).forEach(r -> t.add(r.getEndNodeId()));
            tags.add(t);
        }
        List<ScorePropagation.Edge> out = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            double[] jac = new double[nodes.length];
            Integer[] order = new Integer[nodes.length];
            for (int j = 0; j < nodes.length; j++) {
                order[j] = j;
                if (j == i || tags.get(i).isEmpty() || tags.get(j).isEmpty()) {
                    continue;
                }
                long inter = tags.get(i).stream().filter(tags.get(j)::contains).count();
                jac[j] = inter / (double) (tags.get(i).size() + tags.get(j).size() - inter);
            }
            Arrays.sort(order, (a, b) -> jac[b] != jac[a] ? Double.compare(jac[b], jac[a]) : Integer.compare(a, b));
            for (int r = 0; r < Math.min(topK, nodes.length); r++) {
                if (jac[order[r]] <= 0) {
                    break;
                }
                out.add(new ScorePropagation.Edge(i, order[r], jac[order[r]]));
            }
        }
        return out;
    }

    private Node image(int i, Object raw) {
        if (raw instanceof Node node) {
            try {
                if (node.hasLabel(Schema.IMAGE_LABEL)) {
                    return node;
                }
                List<String> labels = new ArrayList<>();
                node.getLabels().forEach(l -> labels.add(l.name()));
                throw new IllegalArgumentException(PROCEDURE + ": candidate " + (i + 1) + "'s 'image' is not an Image node (labels "
                        + Bounded.list(labels) + ")");
            } catch (NotFoundException e) {
                throw new IllegalArgumentException(PROCEDURE + ": candidate " + (i + 1) + "'s 'image' has been deleted");
            }
        }
        if (raw instanceof String id) {
            Node n = tx.findNode(Schema.IMAGE_LABEL, "id", id);
            if (n == null) {
                throw new IllegalArgumentException(PROCEDURE + ": candidate " + (i + 1) + " names no Image with id " + Bounded.quote(id));
            }
            return n;
        }
        throw new IllegalArgumentException(PROCEDURE + ": candidate " + (i + 1) + "'s 'image' must be an Image node or id, got "
                + ConfigMap.describe(raw));
    }

    /** One re-ranked candidate. */
    public static final class RerankResult {
        @Description("The image.")
        public final Node image;
        @Description("Its propagated score (initial scores min-max scaled to [0, 1], then smoothed).")
        public final double score;
        @Description("1-based rank after re-ranking.")
        public final long rank;
        @Description("1-based rank by the initial score.")
        public final long initialRank;

        public RerankResult(Node image, double score, long rank, long initialRank) {
            this.image = image;
            this.score = score;
            this.rank = rank;
            this.initialRank = initialRank;
        }
    }
}
