package mmr.procedures.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;

import mmr.model.rank.QueryVectors;
import mmr.model.text.Bounded;
import mmr.model.vector.Vectors;
import mmr.procedures.graph.Neo4jSageGraph;
import mmr.procedures.graph.Schema;

/**
 * The full story of one result (paper 003's explanations): the score split into what each part of
 * the query contributed, and the graph paths from the transient node's attachments to the result.
 *
 * <p>With unit Ê_r (the result's embedding) and E' what results are ranked against,
 * {@code score = E'·Ê_r / |E'|} and E' is a sum of terms, so the score splits exactly into:
 * the image side {@code a·(w1/2)·E_i·Ê_r/|E'|}; each query tag {@code a·(w2/2)·E_t·Ê_r/(n·|E'|)} (a
 * {@code without} tag the same with −λ); each liked image {@code β·Ê_l·Ê_r/(n_l·|E'|)} and disliked
 * one {@code −δ·…} — where {@code a = 1/|E|} when feedback normalised E first, else 1. The image side
 * is not linear in its attachments (it is GraphSAGE of them), so each attached image's share is
 * estimated by leaving it out: the image side's contribution minus what it is when E_i is computed
 * without that attachment ({@code attribution: 'leave-one-out'}; these do not sum exactly). An image +
 * keyword query ranked with the graph's conceptual side ({@link KeywordSide}) splits as that ranking
 * scores: the image side {@code w·cos(E_i, Ê_r)} and each keyword {@code (1 − w)·proximity/n}.
 */
final class Explainer {
    /** Most paths returned. */
    static final int MAX_PATHS = 100;
    static final int MAX_HOPS = 3;
    /** The edges paths follow: those the forward pass reads (SIMILAR, TAGGED and the feedback edges). */
    private static final RelationshipType[] TYPES = Neo4jSageGraph.TYPES;

    /** One contribution to the score, and the paths it flows along. */
    record Part(String kind, Node node, double contribution, String attribution, List<List<Node>> paths) {}

    /** The result's score, its two sides, and the parts. */
    record Story(double score, Double visualScore, Double conceptScore, double imageSide, List<Part> parts) {}

    private final Searcher searcher;
    private final String procedure;

    Explainer(Searcher searcher, String procedure) {
        this.searcher = searcher;
        this.procedure = procedure;
    }

    Story explain(Query query, SearchConfig config, Node result) {
        QueryNode.Attachment a = searcher.attach(query, config);
        float[] er = Vectors.toFloats(result.getProperty("embedding", null));
        if (er == null || er.length != a.embedding().length) {
            throw new IllegalArgumentException(procedure + ": image " + Bounded.quote(String.valueOf(result.getProperty("id", "")))
                    + " has no embedding of this model yet; run CALL mmr.embed on it or retrain");
        }
        float[] r = Vectors.normalised(er);
        if (KeywordSide.applies(query, a, config)) {
            return explainKeywordSide(a, config, result, er);
        }
        boolean feedback = !a.liked().isEmpty() || !a.disliked().isEmpty();
        float[] base = QueryVectors.combine(a.imageEmbedding(), a.tagEmbedding(), config.visualWeight(), config.tagWeight());
        double scale = feedback ? 1 / Math.max(1e-12, Vectors.norm(base)) : 1;
        double norm = Math.max(1e-12, Vectors.norm(a.embedding()));
        double score = Vectors.dot(a.embedding(), r) / norm;

        List<Part> parts = new ArrayList<>();
        double imageSide = 0;
        if (a.imageEmbedding() != null) {
            double w1 = a.tagEmbedding() == null ? 2 : config.visualWeight();   // E = E_i alone when there are no tags
            imageSide = scale * (w1 / 2) * Vectors.dot(a.imageEmbedding(), r) / norm;
            parts.addAll(leaveOneOut(a, result, imageSide, without -> scale * (w1 / 2) * Vectors.dot(without, r) / norm));
        }
        if (a.tagEmbedding() != null) {
            double w2 = a.imageEmbedding() == null ? 2 : config.tagWeight();
            for (Node t : a.tags()) {
                parts.add(tagPart("queryTag", t, scale * (w2 / 2) / a.tags().size(), r, norm, result));
            }
            for (Node t : a.withoutTags()) {
                parts.add(tagPart("withoutTag", t, -scale * (w2 / 2) * config.withoutWeight() / a.withoutTags().size(), r, norm, result));
            }
        }
        for (Node l : a.liked()) {
            parts.add(feedbackPart("liked", l, config.likeWeight() / a.liked().size(), r, norm, result));
        }
        for (Node d : a.disliked()) {
            parts.add(feedbackPart("disliked", d, -config.dislikeWeight() / a.disliked().size(), r, norm, result));
        }
        parts.sort(Comparator.comparingDouble((Part p) -> -Math.abs(p.contribution())));
        Double visual = a.imageEmbedding() == null ? null : Vectors.cosine(er, a.imageEmbedding());
        Double concept = a.tagEmbedding() == null ? null : Vectors.cosine(er, a.tagEmbedding());
        return new Story(score, visual, concept, imageSide, parts);
    }

    /**
     * The story of an image + keyword result ranked with the graph's conceptual side:
     * {@code score = w·cos(E_i, Ê_r) + Σ_t (1 − w)/n·proximity_t} — the image side (its attachments' shares
     * by leave-one-out, as above) and each keyword's exact share.
     */
    private Story explainKeywordSide(QueryNode.Attachment a, SearchConfig config, Node result, float[] er) {
        double w = config.visualWeight();
        double visual = Vectors.cosine(er, a.imageEmbedding());
        double imageSide = w * visual;
        List<Part> parts = new ArrayList<>(leaveOneOut(a, result, imageSide, without -> w * Vectors.cosine(er, without)));
        KeywordSide side = new KeywordSide(searcher.tx(), a.tags(), false);
        double[] proximities = side.proximities(result);
        double concept = 0;
        for (int k = 0; k < proximities.length; k++) {
            concept += proximities[k] / proximities.length;
            parts.add(new Part("queryTag", a.tags().get(k), (1 - w) * proximities[k] / proximities.length, "exact",
                    paths(a.tags().get(k), result)));
        }
        parts.sort(Comparator.comparingDouble((Part p) -> -Math.abs(p.contribution())));
        return new Story(imageSide + (1 - w) * concept, visual, concept, imageSide, parts);
    }

    /**
     * Each attachment's share of the image side by leave-one-out: {@code imageSide} minus {@code side} of
     * E_i computed without that attachment.
     */
    private List<Part> leaveOneOut(QueryNode.Attachment a, Node result, double imageSide,
                                   java.util.function.ToDoubleFunction<float[]> side) {
        List<Part> parts = new ArrayList<>();
        long[] ids = a.attachedIds();
        for (int i = 0; i < ids.length; i++) {
            Node n = searcher.tx().getNodeById(ids[i]);
            long[] rest = new long[ids.length - 1];
            for (int j = 0, k = 0; j < ids.length; j++) {
                if (j != i) {
                    rest[k++] = ids[j];
                }
            }
            float[] without = searcher.queryNode().embedQuery(a.model(), a.queryFeatures(), rest);
            String kind = n.hasLabel(Schema.TAG_LABEL) ? "attachedTag" : a.liked().stream().anyMatch(l -> l.getId() == n.getId())
                    ? "likedImage" : "attachedImage";
            parts.add(new Part(kind, n, imageSide - side.applyAsDouble(without), "leave-one-out", paths(n, result)));
        }
        return parts;
    }

    private Part tagPart(String kind, Node t, double weight, float[] r, double norm, Node result) {
        float[] e = Vectors.toFloats(t.getProperty("embedding", null));
        double c = e == null ? 0 : weight * Vectors.dot(e, r) / norm;
        return new Part(kind, t, c, "exact", paths(t, result));
    }

    private Part feedbackPart(String kind, Node n, double weight, float[] r, double norm, Node result) {
        float[] e = Vectors.toFloats(n.getProperty("embedding", null));
        double c = e == null ? 0 : weight * Vectors.dot(Vectors.normalised(e), r) / norm;
        return new Part(kind, n, c, "exact", paths(n, result));
    }

    /**
     * Paths from the transient node through {@code first} to {@code result}, at most {@link #MAX_HOPS}
     * hops in all (the first hop is the query's own edge), over SIMILAR and TAGGED in both directions,
     * without repeating a node; shortest first.
     */
    private static List<List<Node>> paths(Node first, Node result) {
        if (first.getId() == result.getId()) {
            return List.of(List.of(first));
        }
        // keyed by node ids: two edges between the same nodes give one path
        Map<List<Long>, List<Node>> out = new LinkedHashMap<>();
        for (Relationship r1 : first.getRelationships(Direction.BOTH, TYPES)) {
            if (r1.getOtherNodeId(first.getId()) == result.getId()) {
                out.putIfAbsent(List.of(first.getId(), result.getId()), List.of(first, result));
            }
        }
        for (Relationship r1 : first.getRelationships(Direction.BOTH, TYPES)) {
            Node b = r1.getOtherNode(first);
            if (b.getId() == result.getId()) {
                continue;
            }
            for (Relationship r2 : b.getRelationships(Direction.BOTH, TYPES)) {
                if (r2.getOtherNodeId(b.getId()) == result.getId() && out.size() < MAX_PATHS) {
                    out.putIfAbsent(List.of(first.getId(), b.getId(), result.getId()), List.of(first, b, result));
                }
            }
        }
        return new ArrayList<>(out.values());
    }
}
