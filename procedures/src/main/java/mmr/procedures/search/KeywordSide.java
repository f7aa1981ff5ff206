package mmr.procedures.search;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;

import mmr.model.rank.KeywordProximity;
import mmr.procedures.graph.Schema;
import mmr.procedures.search.QueryNode.Attachment;

/**
 * The conceptual side of an image + keyword query read from the graph (search's {@code concept:
 * 'graph'}): which queries take it, and how close an image is to each keyword along TAGGED and
 * SIMILAR edges ({@link KeywordProximity}). Shared by the ranking and by mmr.explain, so an
 * explanation adds up to the score the search ranked by.
 */
final class KeywordSide {
    /**
     * A keyword carried by at most this many images has every carrier read (as search candidates); a
     * larger one's carriers come in through the index's nearest images, the ones a user would see first.
     */
    static final int CARRIER_CAP = 2_000;
    /**
     * A keyword carried by at most this many images has its carriers' SIMILAR neighbours listed once, so
     * that an image near none of them scores 0 without its own edges being read; beyond it, reading the
     * carriers' edges would cost more than the candidates' own.
     */
    static final int NEAR_CARRIERS_CAP = 64;

    private final Transaction tx;
    private final List<Node> keywords;
    private final List<Set<Long>> carriers = new ArrayList<>();      // per keyword: every carrier, or null (not read)
    private final Map<Long, Set<Long>> tagsOf = new HashMap<>();     // an image's own tags, read once
    private final Map<Long, Node> carrierNodes = new LinkedHashMap<>();
    private final Map<Integer, Set<Long>> nearCarriers = new HashMap<>();  // per keyword: images with a carrier among their neighbours

    /**
     * Whether a query ranks by this side: an image and keywords the user gave (tags or text, not an
     * existing image's own tags), nothing steering E (without, liked, disliked, learned likes).
     */
    static boolean applies(Query query, Attachment a, SearchConfig config) {
        boolean keywordsGiven = query.tagsGiven() && !query.tags().isEmpty() || !a.textTags().isEmpty();
        return config.concept() == SearchConfig.Concept.GRAPH && a.imageEmbedding() != null && keywordsGiven && !a.tags().isEmpty()
                && a.withoutTags().isEmpty() && a.liked().isEmpty() && a.disliked().isEmpty() && a.learnedLiked().isEmpty();
    }

    /** @param readCarriers read every carrier of keywords within {@link #CARRIER_CAP} (search's candidates) */
    KeywordSide(Transaction tx, List<Node> keywords, boolean readCarriers) {
        this.tx = tx;
        this.keywords = keywords;
        for (Node t : keywords) {
            if (!readCarriers || t.getDegree(Schema.TAGGED_TYPE, Direction.INCOMING) > CARRIER_CAP) {
                carriers.add(null);
                continue;
            }
            Set<Long> ids = new HashSet<>();
            for (Relationship r : t.getRelationships(Direction.INCOMING, Schema.TAGGED_TYPE)) {
                ids.add(r.getStartNodeId());
                carrierNodes.putIfAbsent(r.getStartNodeId(), r.getStartNode());
            }
            carriers.add(ids);
        }
    }

    /** Every carrier read, for search's candidates. */
    Collection<Node> carriers() {
        return carrierNodes.values();
    }

    List<Node> keywords() {
        return keywords;
    }

    /**
     * Per keyword, the image's proximity to it: 1 when it carries it, else its SIMILAR neighbours' share
     * that does. The edges' scores are read only for a keyword some neighbour carries — most candidates
     * near the top have none, and a property read costs more than the edge itself.
     */
    double[] proximities(Node image) {
        double[] out = new double[keywords.size()];
        long[] neighbours = null;
        Relationship[] edges = null;
        double[] sims = null;
        for (int k = 0; k < out.length; k++) {
            if (carries(image.getId(), k)) {
                out[k] = 1;
                continue;
            }
            if (!nearCarrier(image.getId(), k)) {
                continue;
            }
            if (neighbours == null) {
                List<Relationship> similar = new ArrayList<>();
                image.getRelationships(Direction.BOTH, Schema.SIMILAR_TYPE).forEach(similar::add);
                edges = similar.toArray(new Relationship[0]);
                neighbours = new long[edges.length];
                for (int j = 0; j < edges.length; j++) {
                    neighbours[j] = edges[j].getOtherNodeId(image.getId());
                }
            }
            boolean[] carried = new boolean[neighbours.length];
            boolean any = false;
            for (int j = 0; j < neighbours.length; j++) {
                carried[j] = carries(neighbours[j], k);
                any |= carried[j];
            }
            if (!any) {
                continue;
            }
            if (sims == null) {
                sims = new double[edges.length];
                for (int j = 0; j < edges.length; j++) {
                    sims[j] = ((Number) edges[j].getProperty(Schema.SCORE, 0.0)).doubleValue();
                }
            }
            out[k] = KeywordProximity.ofKeyword(false, sims, carried);
        }
        return out;
    }

    /** The mean of {@link #proximities}. */
    double proximity(Node image) {
        double sum = 0;
        for (double p : proximities(image)) {
            sum += p;
        }
        return sum / keywords.size();
    }

    /** False only when the image has no SIMILAR neighbour carrying keyword {@code k} (so its proximity is 0). */
    private boolean nearCarrier(long image, int k) {
        Set<Long> ids = carriers.get(k);
        if (ids == null || ids.size() > NEAR_CARRIERS_CAP) {
            return true;
        }
        return nearCarriers.computeIfAbsent(k, key -> {
            Set<Long> near = new HashSet<>();
            for (long carrier : ids) {
                for (Relationship r : carrierNodes.get(carrier).getRelationships(Direction.BOTH, Schema.SIMILAR_TYPE)) {
                    near.add(r.getOtherNodeId(carrier));
                }
            }
            return near;
        }).contains(image);
    }

    private boolean carries(long image, int k) {
        if (carriers.get(k) != null) {
            return carriers.get(k).contains(image);
        }
        return tagsOf.computeIfAbsent(image, id -> {
            Set<Long> own = new HashSet<>();
            tx.getNodeById(id).getRelationships(Direction.OUTGOING, Schema.TAGGED_TYPE).forEach(r -> own.add(r.getEndNodeId()));
            return own;
        }).contains(keywords.get(k).getId());
    }
}
