package mmr.procedures.search;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;

import mmr.model.rank.Geodesic;
import mmr.model.rank.IndexCandidates;
import mmr.model.rank.KeywordProximity;
import mmr.model.vector.Vectors;
import mmr.procedures.graph.JointGraph;
import mmr.procedures.graph.Schema;
import mmr.procedures.graph.VectorIndexes;
import mmr.procedures.search.QueryNode.Attachment;

/**
 * The paper's inference (§3.3), read-only: a transient query node is attached to the graph by
 * image→image edges (its visual neighbours by cosine of {@code features}) and/or image→tag edges,
 * embedded with the stored model's forward pass ({@code E_i}), its tags' embeddings are averaged
 * ({@code E_t}), and images are ranked by cosine to {@code E = (w1·E_i + w2·E_t) / 2}. Both lookups
 * use Neo4j's vector indexes, asking for more candidates than needed and re-ranking them exactly.
 * Nothing is written: the query node lives in memory only.
 */
public final class Searcher {
    /** Candidates asked of an embedding index for the ranking in a catalog of {@link IndexCandidates#FULL_SIZE} images or more. */
    public static final int RANK_CANDIDATES = 200;

    /**
     * A ranked result: node, cosine to E, and to E_i / E_t (null when that side is absent); {@code why}
     * with explain; with geodesic ranking its geodesic distance and hops from the query node (null
     * when it was ranked by cosine).
     */
    public record Hit(Node node, long rank, double score, Double visualScore, Double conceptScore, Why why, Double geodesic,
                      Integer hops) {
        Hit withRank(long r, Why w) {
            return new Hit(node, r, score, visualScore, conceptScore, w, geodesic, hops);
        }

        Hit withScore(double s) {
            return new Hit(node, rank, s, visualScore, conceptScore, why, geodesic, hops);
        }

        /** How the hit was ranked: 'geodesic' or 'cosine'. */
        public String rankedBy() {
            return geodesic == null ? "cosine" : "geodesic";
        }
    }

    /**
     * Why a result came: the query tags it carries, and the query's attached images (visual
     * neighbours and liked images) that are the result itself or its visual neighbours (SIMILAR).
     */
    public record Why(List<String> queryTags, List<String> attachedNeighbours, boolean attached, Double visual, Double conceptual) {
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("queryTags", queryTags);
            m.put("attachedNeighbours", attachedNeighbours);
            m.put("attached", attached);
            m.put("visual", visual);
            m.put("conceptual", conceptual);
            return m;
        }
    }

    private final Transaction tx;
    private final QueryNode queryNode;

    /**
     * @param importDirectory where 'file' queries resolve (null: refused)
     * @param modelsRoot      server.mmr.models_root, where the catalog's model (TorchScript, TF.js, fused parts) is found (null: unset)
     */
    public Searcher(String procedure, Transaction tx, Log log, Path importDirectory, Path modelsRoot) {
        this.tx = tx;
        this.queryNode = new QueryNode(procedure, tx, log, importDirectory, modelsRoot);
    }

    /** The query node as mmr.search attaches it: an existing image without given tags brings its own tags. */
    public Attachment attach(Query query, SearchConfig config) {
        return queryNode.attach(query, config, true);
    }

    /** The transient query node this searcher ranks for. */
    public QueryNode queryNode() {
        return queryNode;
    }

    /** Reads the tx this searcher works in (for the explainer). */
    Transaction tx() {
        return tx;
    }

    /** Ranked images and the transient node that ranked them. */
    public record Ranked(Attachment attachment, List<Hit> hits) {}

    /** Ranked images; each with its "why" only when the config asks to explain (it costs each result's edges). */
    public List<Hit> search(Query query, SearchConfig config) {
        return run(query, config, config.explain()).hits();
    }

    /** Searches running now in this JVM (the warm-up waits for them; see SearchWarmUp). */
    private static final AtomicInteger RUNNING = new AtomicInteger();

    public static int running() {
        return RUNNING.get();
    }

    /** {@link #search} with every result's "why", keeping the attachment (for the explorer page). */
    public Ranked searchExplained(Query query, SearchConfig config) {
        return run(query, config, true);
    }

    private Ranked run(Query query, SearchConfig config, boolean withWhy) {
        RUNNING.incrementAndGet();
        try {
            return ranked(query, config, withWhy);
        } finally {
            RUNNING.decrementAndGet();
        }
    }

    private Ranked ranked(Query query, SearchConfig config, boolean withWhy) {
        Attachment a = attach(query, config);
        queryNode.requireIndex(Schema.IMAGE_EMBEDDING_INDEX);
        Set<Long> exclude = new HashSet<>();
        if (config.excludeQuery() && a.queryImage() != null) {
            exclude.add(a.queryImage().getId());
        }
        a.disliked().forEach(n -> exclude.add(n.getId()));   // a disliked image is not shown again
        boolean tagsOnly = a.imageEmbedding() == null && a.withoutTags().isEmpty() && a.liked().isEmpty() && a.disliked().isEmpty();
        List<Hit> hits = config.distance().geodesic(tagsOnly) ? geodesic(a, config, exclude)
                : KeywordSide.applies(query, a, config) ? keywordRanked(a, config, exclude)
                : rank(Schema.IMAGE_EMBEDDING_INDEX, a, config.k(), exclude);
        List<Hit> out = new ArrayList<>(hits.size());
        for (Hit h : hits) {
            out.add(withWhy ? h.withRank(h.rank(), why(h, a)) : h);
        }
        return new Ranked(a, out);
    }

    /** Why a result came (see {@link Why}): for mmr.search with explain, the explorer and mmr.explain. */
    public static Why why(Hit h, Attachment a) {
        // Compared by node id; only the matches' names and ids are read.
        Set<Long> queryTags = new HashSet<>();
        a.tags().forEach(t -> queryTags.add(t.getId()));
        List<String> carried = new ArrayList<>();
        if (!queryTags.isEmpty()) {
            for (Relationship r : h.node().getRelationships(Direction.OUTGOING, Schema.TAGGED_TYPE)) {
                if (queryTags.contains(r.getEndNodeId())) {
                    carried.add((String) r.getEndNode().getProperty("name", ""));
                }
            }
        }
        carried.sort(null);
        Map<Long, Node> attachedIds = new HashMap<>();
        a.images().forEach(l -> attachedIds.put(l.image().getId(), l.image()));
        Set<String> near = new TreeSet<>();
        if (!attachedIds.isEmpty()) {
            for (Relationship r : h.node().getRelationships(Direction.BOTH, Schema.SIMILAR_TYPE)) {
                Node attached = attachedIds.get(r.getOtherNodeId(h.node().getId()));
                if (attached != null) {
                    near.add(String.valueOf(attached.getProperty("id", "")));
                }
            }
        }
        return new Why(carried, new ArrayList<>(near), attachedIds.containsKey(h.node().getId()), h.visualScore(), h.conceptScore());
    }

    /**
     * Tags for the query image; an existing image's own tags are not attached (they are what is predicted).
     * Two signals: the graph's — the tags of the voters, each image voting with its cosine, as a share of all
     * votes (two hops: query → image → tag) — and the model's, the cosine of each tag's embedding to the query's
     * image-side embedding E_i. The voters are the catalog images nearest E_i ({@code voters: 'embedding'}) or the
     * images the query node is attached to ({@code 'attached'}). Candidates are the voted tags and the nearest
     * tags by embedding; {@code voteWeight} mixes the two, and the cosine orders equal scores.
     * Unless {@code neighbors} is given, the model's own count of voters ({@link LoadedModel#predictVoters()});
     * unless {@code voteWeight} is given, the model's own weight ({@link LoadedModel#predictVoteWeight()}).
     */
    public List<Hit> predictTags(Query query, SearchConfig.Prediction prediction) {
        SearchConfig config = prediction.modelVoters()
                ? prediction.search().withNeighbors(queryNode.model(prediction.search().model()).predictVoters())
                : prediction.search();
        double voteWeight = prediction.modelVoteWeight() ? queryNode.model(prediction.search().model()).predictVoteWeight()
                : prediction.voteWeight();
        Attachment a = queryNode.attach(query, config, false);
        queryNode.requireIndex(Schema.TAG_EMBEDDING_INDEX);
        float[] ei = a.imageEmbedding();
        Attachment visual = new Attachment(a.queryImage(), a.images(), a.tags(), a.ignoredTags(), ei, null, ei, a.model(),
                a.withoutTags(), a.liked(), a.disliked(), a.textTags(), a.unmatchedWords(), a.queryFeatures(), a.attachedIds(),
                a.learnedLiked());
        Map<Long, Double> votes = new HashMap<>();
        double total = 0;
        for (QueryNode.ImageLink link : prediction.voters() == SearchConfig.Voters.EMBEDDING
                ? embeddingVoters(a, config.neighbors()) : a.images()) {
            double weight = Math.max(0, link.similarity());
            total += weight;
            for (Relationship r : link.image().getRelationships(Direction.OUTGOING, Schema.TAGGED_TYPE)) {
                votes.merge(r.getEndNodeId(), weight, Double::sum);
            }
        }
        List<Hit> nearest = rank(Schema.TAG_EMBEDDING_INDEX, visual, Math.max(2 * config.k(), 20), Set.of());
        Map<Long, Hit> candidates = new HashMap<>();
        nearest.forEach(h -> candidates.put(h.node().getId(), h));
        for (long id : votes.keySet()) {
            if (!candidates.containsKey(id)) {
                Node tag = tx.getNodeById(id);
                if (tag.getProperty(Schema.EMBEDDING, null) instanceof float[] e && e.length == ei.length) {
                    candidates.put(id, hit(tag, e, visual, null, null));
                }
            }
        }
        double share = total > 0 ? 1 / total : 0;
        List<Hit> scored = new ArrayList<>();
        for (Hit h : candidates.values()) {
            double vote = votes.getOrDefault(h.node().getId(), 0.0) * share;
            scored.add(h.withScore(voteWeight * vote + (1 - voteWeight) * h.score()));
        }
        // Equal scores (tags carried by the same neighbours) are ordered by the model: the cosine of their embeddings.
        return top(scored, config.k());
    }

    /**
     * The {@code count} catalog images nearest the query's image-side embedding, each with its cosine;
     * the query image itself, when it is a catalog image, is not one of them.
     */
    private List<QueryNode.ImageLink> embeddingVoters(Attachment a, int count) {
        queryNode.requireIndex(Schema.IMAGE_EMBEDDING_INDEX);
        long self = a.queryImage() == null ? -1 : a.queryImage().getId();
        List<QueryNode.ImageLink> voters = new ArrayList<>();
        for (VectorIndexes.Nearest near : VectorIndexes.nearest(tx, Schema.IMAGE_EMBEDDING_INDEX,
                rankCandidates(Schema.IMAGE_EMBEDDING_INDEX, count + 1), a.imageEmbedding(), Double.NEGATIVE_INFINITY, count + 1)) {
            if (near.node().getId() != self && voters.size() < count) {
                voters.add(new QueryNode.ImageLink(near.node(), near.cosine()));
            }
        }
        return voters;
    }

    /** Candidates asked of an embedding index for {@code wanted} results in a large catalog. */
    private static int fullRankCandidates(int wanted) {
        return Math.max(RANK_CANDIDATES, 10 * wanted);
    }

    /**
     * Candidates asked of embedding index {@code index} for {@code wanted} results ranked by cosine:
     * {@link #fullRankCandidates} from {@link IndexCandidates#FULL_SIZE} indexed nodes on, fewer in a
     * smaller catalog.
     */
    private int rankCandidates(String index, int wanted) {
        return IndexCandidates.of(VectorIndexes.indexedAtMost(tx, index), wanted, fullRankCandidates(wanted));
    }

    /** The {@code k} best by score, then by visual score, then by node id, ranked from 1. */
    private static List<Hit> top(List<Hit> scored, int k) {
        scored.sort(Comparator.comparingDouble((Hit h) -> -h.score()).thenComparingDouble(h -> -h.visualScore())
                .thenComparingLong(h -> h.node().getId()));
        List<Hit> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, scored.size()); i++) {
            out.add(scored.get(i).withRank(i + 1, null));
        }
        return out;
    }

    /**
     * Top-k nodes of an embedding index by cosine to E. The index is asked for more candidates than
     * needed — {@link #rankCandidates} (HNSW's recall grows with the number asked for) — and its scores
     * cost no reads. Its scores are exact cosines (mmr's indexes are not quantized), so only the top k
     * are read, for their visual and conceptual scores, and ordered again with ties broken by node id.
     */
    private List<Hit> rank(String index, Attachment a, int k, Set<Long> exclude) {
        int wanted = k + exclude.size();
        int candidates = rankCandidates(index, wanted);
        List<Hit> hits = new ArrayList<>();
        if (index.equals(Schema.IMAGE_EMBEDDING_INDEX) && a.tagEmbedding() == null && a.embedding() == a.imageEmbedding()) {
            // E is E_i: the index's exact cosine is both scores, and no result's embedding needs reading.
            for (VectorIndexes.Nearest near : VectorIndexes.nearest(tx, index, candidates, a.embedding(),
                    Double.NEGATIVE_INFINITY, wanted)) {
                if (!exclude.contains(near.node().getId())) {
                    hits.add(new Hit(near.node(), 0, near.cosine(), near.cosine(), null, null, null, null));
                }
            }
            return top(hits, k);
        }
        for (VectorIndexes.NearestVector near : VectorIndexes.nearestVectors(tx, index, candidates, wanted, a.embedding(), Schema.EMBEDDING)) {
            if (exclude.contains(near.node().getId())) {
                continue;
            }
            float[] e = near.vector();
            if (e == null || e.length != a.embedding().length) {
                continue;
            }
            hits.add(hit(near.node(), e, a, null, null));
        }
        hits.sort(Comparator.comparingDouble((Hit h) -> -h.score()).thenComparingLong(h -> h.node().getId()));
        List<Hit> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, hits.size()); i++) {
            out.add(hits.get(i).withRank(i + 1, null));
        }
        return out;
    }

    /**
     * An image + keyword query with the conceptual side read from the graph ({@link KeywordSide}): the
     * images nearest the image side E_i in the embedding index, and every carrier of a keyword carried by
     * at most {@link KeywordSide#CARRIER_CAP} images, each scored {@code w·cos(E_i, e) + (1 − w)·proximity};
     * ties by the visual cosine, then node id; the index is asked for {@link #fullRankCandidates}
     * whatever the catalog's size. {@code visualScore} is the cosine (the index's, exact:
     * the index is not quantized), {@code conceptScore} the proximity. A score is at most
     * {@code w·cos + (1 − w)}, so a candidate whose bound is below the k-th best score found so far is
     * not read further — candidates come in by falling cosine, and the carriers beyond the index's
     * answer have a cosine at most its last one — which leaves the top k as if every one were scored.
     */
    private List<Hit> keywordRanked(Attachment a, SearchConfig config, Set<Long> exclude) {
        float[] ei = a.imageEmbedding();
        double w = config.visualWeight();
        int k = config.k();
        KeywordSide side = new KeywordSide(tx, a.tags(), true);
        List<Hit> scored = new ArrayList<>();
        PriorityQueue<Double> best = new PriorityQueue<>();   // the k best scores so far, lowest first
        Set<Long> seen = new HashSet<>();
        double lastCosine = Double.POSITIVE_INFINITY;
        // Not scaled with the catalog like a cosine ranking's count: the keyword side re-scores these, so an
        // image far down the cosine order can still win on proximity (the eval lost modification quality
        // with 62 on emoji; docs/evaluation.md).
        for (VectorIndexes.Nearest near : VectorIndexes.nearest(tx, Schema.IMAGE_EMBEDDING_INDEX,
                fullRankCandidates(k + exclude.size()), ei)) {
            seen.add(near.node().getId());
            lastCosine = Math.min(lastCosine, near.cosine());
            if (exclude.contains(near.node().getId())
                    || best.size() == k && KeywordProximity.score(w, near.cosine(), 1) < best.peek()) {
                continue;
            }
            score(scored, best, k, near.node(), near.cosine(), side, w);
        }
        if (best.size() < k || KeywordProximity.score(w, lastCosine, 1) >= best.peek()) {
            for (Node n : side.carriers()) {
                if (!seen.contains(n.getId()) && !exclude.contains(n.getId())
                        && n.getProperty(Schema.EMBEDDING, null) instanceof float[] e && e.length == ei.length) {
                    score(scored, best, k, n, Vectors.cosine(ei, e), side, w);
                }
            }
        }
        return top(scored, k);
    }

    private static void score(List<Hit> scored, PriorityQueue<Double> best, int k, Node n, double visual,
                              KeywordSide side, double w) {
        double proximity = side.proximity(n);
        double score = KeywordProximity.score(w, visual, proximity);
        scored.add(new Hit(n, 0, score, visual, proximity, null, null, null));
        best.add(score);
        if (best.size() > k) {
            best.poll();
        }
    }

    private static Hit hit(Node n, float[] e, Attachment a, Double geodesic, Integer hops) {
        return new Hit(n, 0, Vectors.cosine(e, a.embedding()), a.imageEmbedding() == null ? null : Vectors.cosine(e, a.imageEmbedding()),
                a.tagEmbedding() == null ? null : Vectors.cosine(e, a.tagEmbedding()), null, geodesic, hops);
    }

    /**
     * Geodesic ranking (paper 004): a bounded Dijkstra from the transient query node over the joint
     * graph ({@link JointGraph}, edges weighing 1 − cosine of embeddings). The query node's edges are
     * its attachments — its visual neighbours and liked images, and its tags (connect 'tags' or 'both',
     * or a query without an image), each weighing 1 − cos(E, the node's embedding) — so they are the
     * first hops. The k nearest images are returned by geodesic distance; when fewer are reached
     * within the bounds the rest follow by cosine to E, as the paper falls back to Euclidean
     * neighbours for unretrievable points.
     */
    private List<Hit> geodesic(Attachment a, SearchConfig config, Set<Long> exclude) {
        SearchConfig.Geodesic g = config.geodesic();
        JointGraph graph = new JointGraph(tx, "embedding", g.imagesOnly(), g.tagFanout(), Schema.IMAGE_EMBEDDING_INDEX,
                a.model().key());
        float[] e = Vectors.normalised(a.embedding());
        List<Node> firstHops = new ArrayList<>();
        a.images().forEach(l -> firstHops.add(l.image()));
        if (!g.imagesOnly() && (config.connect().tags() || a.images().isEmpty())) {
            firstHops.addAll(a.tags());
        }
        if (a.queryImage() != null && !config.excludeQuery()) {
            firstHops.add(a.queryImage());
        }
        List<Long> ids = new ArrayList<>();
        List<Double> costs = new ArrayList<>();
        for (Node n : firstHops) {
            float[] u = graph.unit(n);
            if (u != null && u.length == e.length) {
                ids.add(n.getId());
                costs.add(JointGraph.cost(e, u));
            }
        }
        Geodesic.Result result = Geodesic.search(graph, ids.stream().mapToLong(Long::longValue).toArray(),
                costs.stream().mapToDouble(Double::doubleValue).toArray(), 1, id -> !exclude.contains(id) && !graph.isTag(id),
                config.k(), g.bounds());
        List<Hit> out = new ArrayList<>();
        Set<Long> found = new HashSet<>(exclude);
        for (Geodesic.Reached r : result.accepted()) {
            Node n = tx.getNodeById(r.node());   // its embedding was read by the walk (unit length: cosines are the same)
            out.add(hit(n, graph.unit(n), a, r.distance(), r.hops()).withRank(out.size() + 1, null));
            found.add(r.node());
        }
        if (out.size() < config.k()) {
            for (Hit h : rank(Schema.IMAGE_EMBEDDING_INDEX, a, config.k() - out.size(), found)) {
                out.add(h.withRank(out.size() + 1, null));
            }
        }
        return out;
    }

}
