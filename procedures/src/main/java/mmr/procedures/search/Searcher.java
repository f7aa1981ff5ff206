package mmr.procedures.search;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;

import mmr.model.encode.EncoderIdentity;
import mmr.model.sage.GraphSage;
import mmr.model.tag.TagNames;
import mmr.model.tag.TextTags;
import mmr.model.text.Bounded;
import mmr.model.vector.Vectors;
import mmr.procedures.catalog.CatalogGraph;
import mmr.procedures.catalog.JointGraph;
import mmr.procedures.train.LoadedModel;
import mmr.procedures.train.ModelStore;
import mmr.procedures.train.Neo4jSageGraph;
import mmr.procedures.train.SageStates;
import mmr.procedures.train.VectorIndexes;

/**
 * The paper's inference (§3.3), read-only: a transient query node is attached to the graph by
 * image→image edges (its visual neighbours by cosine of {@code features}) and/or image→tag edges,
 * embedded with the stored model's forward pass ({@code E_i}), its tags' embeddings are averaged
 * ({@code E_t}), and images are ranked by cosine to {@code E = (w1·E_i + w2·E_t) / 2}. Both lookups
 * use Neo4j's vector indexes, asking for more candidates than needed and re-ranking them exactly.
 * Nothing is written: the query node lives in memory only.
 */
public final class Searcher {
    static final String FEATURES_INDEX = VectorIndexes.IMAGE_FEATURES;
    static final String IMAGE_EMBEDDING_INDEX = VectorIndexes.IMAGE_EMBEDDING;
    static final String TAG_EMBEDDING_INDEX = VectorIndexes.TAG_EMBEDDING;
    /** Candidates asked of the features index at least (for the visual neighbours; recall: docs/benchmarks.md). */
    public static final int ATTACH_CANDIDATES = 30;
    /** Candidates asked of an embedding index at least (for the ranking; recall: docs/benchmarks.md). */
    public static final int RANK_CANDIDATES = 200;
    private static final Label TAG = Label.label("Tag");
    private static final RelationshipType TAGGED = RelationshipType.withName("TAGGED");
    private static final RelationshipType SIMILAR = RelationshipType.withName("SIMILAR");
    private static final RelationshipType LIKED_WITH = RelationshipType.withName("LIKED_WITH");

    /** An image the query node attached to, with the cosine of their features. */
    public record ImageLink(Node image, double similarity) {}

    /**
     * The transient query node: what it attached to and its vectors.
     *
     * @param imageEmbedding {@code E_i}, null for a keyword query
     * @param tagEmbedding   {@code E_t}, null without usable tags
     * @param embedding      {@code E}, what results are ranked against
     */
    public record Attachment(Node queryImage, List<ImageLink> images, List<Node> tags, List<String> ignoredTags,
                             float[] imageEmbedding, float[] tagEmbedding, float[] embedding, LoadedModel model,
                             List<Node> withoutTags, List<Node> liked, List<Node> disliked, List<String> textTags,
                             List<String> unmatchedWords, float[] queryFeatures, long[] attachedIds, List<Node> learnedLiked) {}

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
        public java.util.Map<String, Object> asMap() {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("queryTags", queryTags);
            m.put("attachedNeighbours", attachedNeighbours);
            m.put("attached", attached);
            m.put("visual", visual);
            m.put("conceptual", conceptual);
            return m;
        }
    }

    /** Ignored-tag warnings: at most one log line per 10 s across all searches, with a count of the rest. */
    private static final RateLimitedWarning IGNORED_TAGS_WARNING = new RateLimitedWarning(10_000);
    private static final RateLimitedWarning UNMATCHED_WORDS_WARNING = new RateLimitedWarning(10_000);

    private final String procedure;
    private final Transaction tx;
    private final Log log;
    private final Path importDirectory;
    private final Path modelsRoot;

    /**
     * @param importDirectory where 'file' queries resolve (null: refused)
     * @param modelsRoot      server.mmr.models_root, where the catalog's model (TorchScript, TF.js, fused parts) is found (null: unset)
     */
    public Searcher(String procedure, Transaction tx, Log log, Path importDirectory, Path modelsRoot) {
        this.procedure = procedure;
        this.tx = tx;
        this.log = log;
        this.importDirectory = importDirectory;
        this.modelsRoot = modelsRoot;
    }

    /** The query node as mmr.search attaches it: an existing image without given tags brings its own tags. */
    public Attachment attach(Query query, SearchConfig config) {
        return attach(query, config, true);
    }

    /** Reads the tx this searcher works in (for the explainer). */
    Transaction tx() {
        return tx;
    }

    private Attachment attach(Query query, SearchConfig config, boolean ownTags) {
        LoadedModel model = model(config.model());
        EncoderIdentity encoder = catalogEncoder(model);
        QueryImage.Resolved image = query.hasImage()
                ? new QueryImage(procedure, tx, encoder, importDirectory, modelsRoot).resolve(query.source(), query.value())
                : null;
        List<String> ignored = new ArrayList<>();
        TextTags.Match text = query.text() == null ? new TextTags.Match(List.of(), List.of())
                : TextTags.match(query.text(), name -> tx.findNode(TAG, "name", name) != null);
        if (!text.unmatched().isEmpty()) {
            UNMATCHED_WORDS_WARNING.warn(log, procedure + ": words of the query text that match no tag: "
                    + Bounded.list(text.unmatched()));
        }
        List<Node> without = named(query.without(), ignored);
        List<Node> tags = tags(query, text.tags(), ownTags ? image : null, ignored);
        tags.removeAll(without);
        CatalogGraph catalog = new CatalogGraph(tx);
        List<Node> liked = catalog.images(procedure, "liked", query.liked());
        List<Node> disliked = catalog.images(procedure, "disliked", query.disliked());
        if (image == null && tags.isEmpty() && liked.isEmpty()) {
            List<String> asked = new ArrayList<>(query.tags());
            asked.addAll(text.tags());
            throw new IllegalArgumentException(procedure + ": none of the query's tags " + quoted(asked)
                    + (query.text() != null ? " or words of its text " + Bounded.quote(query.text()) : "")
                    + " is in the graph; nothing is left to search with");
        }
        if (!ignored.isEmpty()) {
            IGNORED_TAGS_WARNING.warn(log, procedure + ": ignored tags not in the graph: " + Bounded.list(ignored));
        }

        List<ImageLink> links = new ArrayList<>();
        List<Node> learnedLiked = new ArrayList<>();
        float[] imageEmbedding = null;
        long[] attachedIds = new long[0];
        float[] ownFeatures = image != null ? image.features() : likedFeatures(liked);
        if (ownFeatures != null) {
            if (image != null && config.connect().images()) {
                links.addAll(visualNeighbours(image, config));
            }
            if (config.feedbackNeighbors() > 0) {
                // stored feedback: images liked together with the query's visual neighbours act as liked
                Set<Long> skip = new java.util.HashSet<>();
                links.forEach(l -> skip.add(l.image().getId()));
                liked.forEach(l -> skip.add(l.getId()));
                disliked.forEach(d -> skip.add(d.getId()));
                if (image != null && image.node() != null) {
                    skip.add(image.node().getId());
                }
                List<Node> learned = likedWith(links, skip, config.feedbackNeighbors());
                learnedLiked.addAll(learned);
                liked = new ArrayList<>(liked);
                liked.addAll(learned);
            }
            for (Node l : liked) {   // liked images are always attached: the user's own edges
                if (links.stream().noneMatch(x -> x.image().getId() == l.getId())) {
                    float[] f = Vectors.toFloats(l.getProperty("features", null));
                    links.add(new ImageLink(l, f == null ? 0 : Vectors.cosine(f, ownFeatures)));
                }
            }
            List<Long> attached = new ArrayList<>();
            links.forEach(l -> attached.add(l.image().getId()));
            if (config.connect().tags()) {
                tags.forEach(t -> attached.add(t.getId()));
            }
            attachedIds = attached.stream().mapToLong(Long::longValue).toArray();
            imageEmbedding = embedQuery(model, ownFeatures, attachedIds);
        }
        float[] tagEmbedding = tagEmbedding(tags, without, config.withoutWeight());
        float[] embedding = combine(imageEmbedding, tagEmbedding, config);
        if (embedding == null) {
            throw new IllegalArgumentException(procedure + ": the query's tags " + quoted(query.tags())
                    + " have no embeddings yet; run CALL mmr.embed on them or retrain");
        }
        if (!liked.isEmpty() || !disliked.isEmpty()) {
            embedding = feedback(embedding, liked, config.likeWeight(), disliked, config.dislikeWeight());
        }
        return new Attachment(image == null ? null : image.node(), links, tags, ignored, imageEmbedding, tagEmbedding,
                embedding, model, without, liked, disliked, text.tags(), text.unmatched(), ownFeatures, attachedIds, learnedLiked);
    }

    /**
     * The images most often liked together (LIKED_WITH, summed counts) with the query's visual
     * neighbours, at most {@code max}, ties by node id; those in {@code skip} left out.
     */
    private static List<Node> likedWith(List<ImageLink> links, Set<Long> skip, int max) {
        Map<Long, long[]> counts = new java.util.HashMap<>();
        Map<Long, Node> nodes = new java.util.HashMap<>();
        for (ImageLink l : links) {
            for (Relationship r : l.image().getRelationships(Direction.BOTH, LIKED_WITH)) {
                Node other = r.getOtherNode(l.image());
                if (skip.contains(other.getId())) {
                    continue;
                }
                nodes.put(other.getId(), other);
                counts.computeIfAbsent(other.getId(), k -> new long[1])[0] += ((Number) r.getProperty("count", 1L)).longValue();
            }
        }
        return counts.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<Long, long[]> e) -> -e.getValue()[0]).thenComparingLong(Map.Entry::getKey))
                .limit(max).map(e -> nodes.get(e.getKey())).toList();
    }

    /** E = (w1·E_i + w2·E_t)/2; the side present when the other is absent; null when both are. */
    static float[] combine(float[] imageEmbedding, float[] tagEmbedding, SearchConfig config) {
        if (imageEmbedding == null || tagEmbedding == null) {
            return imageEmbedding != null ? imageEmbedding : tagEmbedding;
        }
        float[] e = new float[imageEmbedding.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) ((config.visualWeight() * imageEmbedding[i] + config.tagWeight() * tagEmbedding[i]) / 2);
        }
        return e;
    }

    /** E_i: the transient node with {@code features}, attached to {@code ids}, through the stored model. */
    float[] embedQuery(LoadedModel model, float[] features, long[] ids) {
        Neo4jSageGraph stored = new Neo4jSageGraph(tx, model.randomSeed());
        stored.prefetchFeatures(ids);
        TransientGraph graph = new TransientGraph(stored, ids, features, model.randomSeed());
        // The attached nodes' first-layer states as stored with their embeddings (see SageStates).
        GraphSage.KnownStates states = SageStates.read(tx, model, ids);
        return model.sage().batch(graph, states).embed(TransientGraph.QUERY);
    }

    /**
     * Relevance feedback on the ranking vector (Rocchio's form): E' = Ê + β·mean(Ê_liked) − δ·mean(Ê_disliked),
     * hats meaning unit length. (Liked images are also attached to the query node, which moves E_i;
     * with a handful of other attachments that alone moves the ranking little.)
     */
    private static float[] feedback(float[] e, List<Node> liked, double beta, List<Node> disliked, double delta) {
        float[] out = Vectors.normalised(e);
        add(out, liked, beta);
        add(out, disliked, -delta);
        return out;
    }

    private static void add(float[] out, List<Node> images, double weight) {
        List<float[]> d = new ArrayList<>();
        for (Node n : images) {
            float[] v = Vectors.toFloats(n.getProperty("embedding", null));
            if (v != null && v.length == out.length) {
                d.add(Vectors.normalised(v));
            }
        }
        for (float[] v : d) {
            for (int i = 0; i < out.length; i++) {
                out[i] += (float) (weight * v[i] / d.size());
            }
        }
    }

    /** The query node's own features for a query of liked images only: the normalised mean of theirs. */
    private float[] likedFeatures(List<Node> liked) {
        if (liked.isEmpty()) {
            return null;
        }
        float[] mean = null;
        for (Node n : liked) {
            float[] f = Vectors.toFloats(n.getProperty("features", null));
            if (f == null) {
                throw new IllegalArgumentException(procedure + ": liked image " + Bounded.quote(String.valueOf(n.getProperty("id", "")))
                        + " has no 'features'");
            }
            f = Vectors.normalised(f);
            if (mean == null) {
                mean = new float[f.length];
            }
            for (int i = 0; i < f.length; i++) {
                mean[i] += f[i] / liked.size();
            }
        }
        return mean;
    }


    /** Ranked images and the transient node that ranked them. */
    public record Ranked(Attachment attachment, List<Hit> hits) {}

    public List<Hit> search(Query query, SearchConfig config) {
        return searchExplained(query, config).hits();
    }

    /** {@link #search}, keeping the attachment (for the explorer page's "why"). */
    public Ranked searchExplained(Query query, SearchConfig config) {
        Attachment a = attach(query, config);
        requireIndex(IMAGE_EMBEDDING_INDEX);
        Set<Long> exclude = new java.util.HashSet<>();
        if (config.excludeQuery() && a.queryImage() != null) {
            exclude.add(a.queryImage().getId());
        }
        a.disliked().forEach(n -> exclude.add(n.getId()));   // a disliked image is not shown again
        boolean tagsOnly = a.imageEmbedding() == null && a.withoutTags().isEmpty() && a.liked().isEmpty() && a.disliked().isEmpty();
        List<Hit> hits = config.distance().geodesic(tagsOnly) ? geodesic(a, config, exclude)
                : rank(IMAGE_EMBEDDING_INDEX, a, config.k(), exclude);
        List<Hit> out = new ArrayList<>(hits.size());
        for (Hit h : hits) {
            out.add(h.withRank(h.rank(), why(h, a)));
        }
        return new Ranked(a, out);
    }

    /** Why a result came (see {@link Why}); computed for every result, returned by mmr.search with explain. */
    public static Why why(Hit h, Attachment a) {
        Set<String> queryTags = new java.util.TreeSet<>();
        a.tags().forEach(t -> queryTags.add((String) t.getProperty("name", "")));
        List<String> carried = new ArrayList<>();
        for (Relationship r : h.node().getRelationships(Direction.OUTGOING, TAGGED)) {
            String name = (String) r.getEndNode().getProperty("name", "");
            if (queryTags.contains(name)) {
                carried.add(name);
            }
        }
        carried.sort(null);
        java.util.Map<Long, String> attachedIds = new java.util.HashMap<>();
        a.images().forEach(l -> attachedIds.put(l.image().getId(), String.valueOf(l.image().getProperty("id", ""))));
        Set<String> near = new java.util.TreeSet<>();
        for (Relationship r : h.node().getRelationships(Direction.BOTH, SIMILAR)) {
            String id = attachedIds.get(r.getOtherNodeId(h.node().getId()));
            if (id != null) {
                near.add(id);
            }
        }
        return new Why(carried, new ArrayList<>(near), attachedIds.containsKey(h.node().getId()), h.visualScore(), h.conceptScore());
    }

    /** Tags for the query image; an existing image's own tags are not attached (they are what is predicted). */
    public List<Hit> predictTags(Query query, SearchConfig config) {
        Attachment a = attach(query, config, false);
        requireIndex(TAG_EMBEDDING_INDEX);
        float[] ei = a.imageEmbedding();
        Attachment visual = new Attachment(a.queryImage(), a.images(), a.tags(), a.ignoredTags(), ei, null, ei, a.model(),
                a.withoutTags(), a.liked(), a.disliked(), a.textTags(), a.unmatchedWords(), a.queryFeatures(), a.attachedIds(),
                a.learnedLiked());
        return rank(TAG_EMBEDDING_INDEX, visual, config.k(), Set.of());
    }

    /**
     * Top-k nodes of an embedding index by cosine to E. The index is asked for many more candidates
     * than needed — at least {@link #RANK_CANDIDATES} (HNSW's recall grows with the number asked for;
     * at 100k images 100 gave recall@10 0.969 to 0.993 depending on the queries, 200 gave 0.988 to
     * 0.998) — and its scores cost no reads. Its
     * scores are exact cosines (mmr's indexes are not quantized), so only the top k are read, for
     * their visual and conceptual scores, and ordered again with ties broken by node id.
     */
    private List<Hit> rank(String index, Attachment a, int k, Set<Long> exclude) {
        int wanted = k + exclude.size();
        int candidates = Math.max(RANK_CANDIDATES, 10 * wanted);
        List<Hit> hits = new ArrayList<>();
        // Embeddings are read by the query itself: its cursors are its own (see LoadedModel on Neo4j's shared cursor).
        try (Result r = tx.execute("CALL db.index.vector.queryNodes($index, $n, $v) YIELD node "
                + "WITH node LIMIT $m RETURN node, node.embedding AS e",
                Map.of("index", index, "n", candidates, "m", wanted, "v", a.embedding()))) {
            while (r.hasNext()) {
                Map<String, Object> row = r.next();
                Node n = (Node) row.get("node");
                if (exclude.contains(n.getId())) {
                    continue;
                }
                float[] e = Vectors.toFloats(row.get("e"));
                if (e == null || e.length != a.embedding().length) {
                    continue;
                }
                hits.add(hit(n, e, a, null, null));
            }
        }
        hits.sort(Comparator.comparingDouble((Hit h) -> -h.score()).thenComparingLong(h -> h.node().getId()));
        List<Hit> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, hits.size()); i++) {
            out.add(hits.get(i).withRank(i + 1, null));
        }
        return out;
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
        JointGraph graph = new JointGraph(tx, "embedding", g.imagesOnly(), g.tagFanout(), IMAGE_EMBEDDING_INDEX);
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
        mmr.model.rank.Geodesic.Result result = mmr.model.rank.Geodesic.search(graph, ids.stream().mapToLong(Long::longValue).toArray(),
                costs.stream().mapToDouble(Double::doubleValue).toArray(), 1, id -> !exclude.contains(id) && !graph.isTag(id),
                config.k(), g.bounds());
        List<Hit> out = new ArrayList<>();
        Set<Long> found = new java.util.HashSet<>(exclude);
        for (mmr.model.rank.Geodesic.Reached r : result.accepted()) {
            Node n = tx.getNodeById(r.node());   // its embedding was read by the walk (unit length: cosines are the same)
            out.add(hit(n, graph.unit(n), a, r.distance(), r.hops()).withRank(out.size() + 1, null));
            found.add(r.node());
        }
        if (out.size() < config.k()) {
            for (Hit h : rank(IMAGE_EMBEDDING_INDEX, a, config.k() - out.size(), found)) {
                out.add(h.withRank(out.size() + 1, null));
            }
        }
        return out;
    }

    /** The query image's visual neighbours: top `neighbors` images by cosine ≥ cutoff, itself excluded. */
    private List<ImageLink> visualNeighbours(QueryImage.Resolved image, SearchConfig config) {
        requireIndex(FEATURES_INDEX);
        int n = config.neighbors() + (image.node() == null ? 0 : 1);
        List<ImageLink> links = new ArrayList<>();
        try (Result r = tx.execute("CALL db.index.vector.queryNodes($index, $n, $v) YIELD node, score "
                + "WHERE score >= $minScore RETURN node, score LIMIT $m",
                Map.of("index", FEATURES_INDEX, "n", Math.max(ATTACH_CANDIDATES, 5 * n), "v", image.features(),
                        "minScore", (1 + config.similarityCutoff()) / 2 - 1e-6, "m", n))) {
            while (r.hasNext()) {
                Map<String, Object> row = r.next();
                Node node = (Node) row.get("node");
                double cosine = 2 * ((Number) row.get("score")).doubleValue() - 1;   // the index reports (1 + cos) / 2
                if (image.node() != null && node.getId() == image.node().getId()) {
                    continue;
                }
                if (cosine >= config.similarityCutoff()) {
                    links.add(new ImageLink(node, cosine));
                }
            }
        }
        links.sort(Comparator.comparingDouble((ImageLink l) -> -l.similarity()).thenComparingLong(l -> l.image().getId()));
        return links.size() > config.neighbors() ? List.copyOf(links.subList(0, config.neighbors())) : links;
    }

    /** The query's tags: the given names, normalised as at import; for a catalog image without a 'tags' key, its own. */
    private List<Node> tags(Query query, List<String> textTags, QueryImage.Resolved image, List<String> ignored) {
        Set<Node> found = new LinkedHashSet<>();
        if (!query.tagsGiven() && query.text() == null && image != null && image.node() != null) {
            for (Relationship r : image.node().getRelationships(Direction.OUTGOING, TAGGED)) {
                found.add(r.getEndNode());
            }
            return new ArrayList<>(found);
        }
        found.addAll(named(query.tags(), ignored));
        for (String name : textTags) {
            Node tag = tx.findNode(TAG, "name", name);
            if (tag != null) {
                found.add(tag);
            }
        }
        return new ArrayList<>(found);
    }

    /** Tag nodes for names given by the user, normalised as at import; unknown names go to {@code ignored}. */
    private List<Node> named(List<String> names, List<String> ignored) {
        Set<Node> found = new LinkedHashSet<>();
        for (String raw : names) {
            if (TagNames.problem(raw).isPresent()) {
                ignored.add(raw);
                continue;
            }
            Node tag = tx.findNode(TAG, "name", TagNames.normalise(raw));
            if (tag == null) {
                ignored.add(raw);
            } else {
                found.add(tag);
            }
        }
        return new ArrayList<>(found);
    }

    /** E_t = mean(E_with) − λ·mean(E_without); null when neither side has an embedding. */
    private float[] tagEmbedding(List<Node> with, List<Node> without, double lambda) {
        float[] plus = meanEmbedding(with);
        float[] minus = meanEmbedding(without);
        if (minus == null || lambda == 0) {
            return plus;
        }
        float[] out = plus == null ? new float[minus.length] : plus;
        for (int i = 0; i < out.length; i++) {
            out[i] -= (float) (lambda * minus[i]);
        }
        return out;
    }

    private float[] meanEmbedding(List<Node> tags) {
        List<float[]> vectors = new ArrayList<>();
        if (tags.isEmpty()) {
            return null;
        }
        try (Result r = tx.execute("UNWIND $ids AS id MATCH (t:Tag) WHERE id(t) = id RETURN t.embedding AS e",
                Map.of("ids", tags.stream().map(Node::getId).toList()))) {
            while (r.hasNext()) {
                float[] e = Vectors.toFloats(r.next().get("e"));
                if (e != null) {
                    vectors.add(e);
                }
            }
        }
        if (vectors.isEmpty()) {
            return null;
        }
        float[] mean = new float[vectors.get(0).length];
        for (float[] v : vectors) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += v[i] / vectors.size();
            }
        }
        return mean;
    }

    private LoadedModel model(String name) {
        Node node = new ModelStore(tx).current(name);
        if (node == null) {
            Set<String> names = new java.util.TreeSet<>();
            new ModelStore(tx).all().forEach(n -> names.add(String.valueOf(n.getProperty("name", ""))));
            if (names.isEmpty()) {
                throw new IllegalArgumentException(procedure + ": there is no trained model yet; run CALL mmr.train() first");
            }
            throw new IllegalArgumentException(procedure + ": unknown model " + Bounded.quote(name) + "; known models: "
                    + Bounded.list(names, Bounded::cut));
        }
        return LoadedModel.of(tx, node);
    }

    private EncoderIdentity catalogEncoder(LoadedModel model) {
        Node catalog = new CatalogGraph(tx).catalogNode();
        if (catalog == null || catalog.getProperty("encoder", null) == null) {
            throw new IllegalArgumentException(procedure + ": the graph has no catalog record (:MmrCatalog); import a catalog first");
        }
        EncoderIdentity encoder = EncoderIdentity.parse((String) catalog.getProperty("encoder"));
        if (model.featureDimension() != encoder.dimension()) {
            throw new IllegalArgumentException(procedure + ": model '" + model.name() + "' version " + model.version()
                    + " was trained on " + model.featureDimension() + "-d features, but the catalog's encoder " + encoder
                    + " produces " + encoder.dimension() + "-d; retrain with CALL mmr.train()");
        }
        return encoder;
    }

    private void requireIndex(String name) {
        if (!VectorIndexes.online(tx, name)) {
            throw new IllegalStateException(procedure + ": the vector index '" + name + "' is missing or not online yet; "
                    + "CALL mmr.train() creates it");
        }
    }

    private static String quoted(List<String> names) {
        return Bounded.list(names);
    }
}
