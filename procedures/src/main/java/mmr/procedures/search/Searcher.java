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
import org.neo4j.graphdb.schema.Schema;
import org.neo4j.logging.Log;

import mmr.model.encode.EncoderIdentity;
import mmr.model.sage.GraphSage;
import mmr.model.tag.TagNames;
import mmr.model.text.Bounded;
import mmr.model.vector.Vectors;
import mmr.procedures.catalog.CatalogGraph;
import mmr.procedures.train.LoadedModel;
import mmr.procedures.train.ModelStore;
import mmr.procedures.train.Neo4jSageGraph;
import mmr.procedures.train.SageStates;

/**
 * The paper's inference (§3.3), read-only: a transient query node is attached to the graph by
 * image→image edges (its visual neighbours by cosine of {@code features}) and/or image→tag edges,
 * embedded with the stored model's forward pass ({@code E_i}), its tags' embeddings are averaged
 * ({@code E_t}), and images are ranked by cosine to {@code E = (w1·E_i + w2·E_t) / 2}. Both lookups
 * use Neo4j's vector indexes, asking for more candidates than needed and re-ranking them exactly.
 * Nothing is written: the query node lives in memory only.
 */
public final class Searcher {
    static final String FEATURES_INDEX = "mmr_image_features";
    static final String IMAGE_EMBEDDING_INDEX = "mmr_image_embedding";
    static final String TAG_EMBEDDING_INDEX = "mmr_tag_embedding";
    /** Candidates asked of the features index at least (for the visual neighbours; recall: docs/benchmarks.md). */
    public static final int ATTACH_CANDIDATES = 30;
    /** Candidates asked of an embedding index at least (for the ranking; recall: docs/benchmarks.md). */
    public static final int RANK_CANDIDATES = 200;
    private static final Label TAG = Label.label("Tag");
    private static final RelationshipType TAGGED = RelationshipType.withName("TAGGED");

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
                             float[] imageEmbedding, float[] tagEmbedding, float[] embedding, LoadedModel model) {}

    /** A ranked result: node, cosine to E, and to E_i / E_t (null when that side is absent). */
    public record Hit(Node node, long rank, double score, Double visualScore, Double conceptScore) {}

    /** Ignored-tag warnings: at most one log line per 10 s across all searches, with a count of the rest. */
    private static final RateLimitedWarning IGNORED_TAGS_WARNING = new RateLimitedWarning(10_000);

    private final String procedure;
    private final Transaction tx;
    private final Log log;
    private final Path importDirectory;

    public Searcher(String procedure, Transaction tx, Log log, Path importDirectory) {
        this.procedure = procedure;
        this.tx = tx;
        this.log = log;
        this.importDirectory = importDirectory;
    }

    /** The query node as mmr.search attaches it: an existing image without given tags brings its own tags. */
    public Attachment attach(Query query, SearchConfig config) {
        return attach(query, config, true);
    }

    private Attachment attach(Query query, SearchConfig config, boolean ownTags) {
        LoadedModel model = model(config.model());
        EncoderIdentity encoder = catalogEncoder(model);
        QueryImage.Resolved image = query.hasImage()
                ? new QueryImage(procedure, tx, encoder, importDirectory).resolve(query.source(), query.value())
                : null;
        List<String> ignored = new ArrayList<>();
        List<Node> tags = tags(query, ownTags ? image : null, ignored);
        if (image == null && tags.isEmpty()) {
            throw new IllegalArgumentException(procedure + ": none of the query's tags " + quoted(query.tags())
                    + " is in the graph; nothing is left to search with");
        }
        if (!ignored.isEmpty()) {
            IGNORED_TAGS_WARNING.warn(log, procedure + ": ignored tags not in the graph: " + Bounded.list(ignored));
        }

        List<ImageLink> links = List.of();
        float[] imageEmbedding = null;
        if (image != null) {
            if (config.connect().images()) {
                links = visualNeighbours(image, config);
            }
            List<Long> attached = new ArrayList<>();
            links.forEach(l -> attached.add(l.image().getId()));
            if (config.connect().tags()) {
                tags.forEach(t -> attached.add(t.getId()));
            }
            long[] ids = attached.stream().mapToLong(Long::longValue).toArray();
            Neo4jSageGraph stored = new Neo4jSageGraph(tx, model.randomSeed());
            stored.prefetchFeatures(ids);
            TransientGraph graph = new TransientGraph(stored, ids, image.features(), model.randomSeed());
            // The attached nodes' first-layer states as stored with their embeddings (see SageStates).
            GraphSage.KnownStates states = SageStates.read(tx, model, ids);
            imageEmbedding = model.sage().batch(graph, states).embed(TransientGraph.QUERY);
        }
        float[] tagEmbedding = tagEmbedding(tags);
        float[] embedding;
        if (imageEmbedding != null && tagEmbedding != null) {
            embedding = new float[imageEmbedding.length];
            for (int i = 0; i < embedding.length; i++) {
                embedding[i] = (float) ((config.visualWeight() * imageEmbedding[i] + config.tagWeight() * tagEmbedding[i]) / 2);
            }
        } else {
            embedding = imageEmbedding != null ? imageEmbedding : tagEmbedding;
        }
        if (embedding == null) {
            throw new IllegalArgumentException(procedure + ": the query's tags " + quoted(query.tags())
                    + " have no embeddings yet; run CALL mmr.embed on them or retrain");
        }
        return new Attachment(image == null ? null : image.node(), links, tags, ignored, imageEmbedding, tagEmbedding,
                embedding, model);
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
        Node exclude = config.excludeQuery() ? a.queryImage() : null;
        return new Ranked(a, rank(IMAGE_EMBEDDING_INDEX, a, config.k(), exclude));
    }

    /** Tags for the query image; an existing image's own tags are not attached (they are what is predicted). */
    public List<Hit> predictTags(Query query, SearchConfig config) {
        Attachment a = attach(query, config, false);
        requireIndex(TAG_EMBEDDING_INDEX);
        float[] ei = a.imageEmbedding();
        Attachment visual = new Attachment(a.queryImage(), a.images(), a.tags(), a.ignoredTags(), ei, null, ei, a.model());
        return rank(TAG_EMBEDDING_INDEX, visual, config.k(), null);
    }

    /**
     * Top-k nodes of an embedding index by cosine to E. The index is asked for many more candidates
     * than needed — at least {@link #RANK_CANDIDATES} (HNSW's recall grows with the number asked for;
     * at 100k images 100 gave recall@10 0.969 to 0.993 depending on the queries, 200 gave 0.988 to
     * 0.998) — and its scores cost no reads. Its
     * scores are exact cosines (mmr's indexes are not quantized), so only the top k are read, for
     * their visual and conceptual scores, and ordered again with ties broken by node id.
     */
    private List<Hit> rank(String index, Attachment a, int k, Node exclude) {
        int wanted = k + (exclude == null ? 0 : 1);
        int candidates = Math.max(RANK_CANDIDATES, 10 * wanted);
        List<Hit> hits = new ArrayList<>();
        // Embeddings are read by the query itself: its cursors are its own (see LoadedModel on Neo4j's shared cursor).
        try (Result r = tx.execute("CALL db.index.vector.queryNodes($index, $n, $v) YIELD node "
                + "WITH node LIMIT $m RETURN node, node.embedding AS e",
                Map.of("index", index, "n", candidates, "m", wanted, "v", a.embedding()))) {
            while (r.hasNext()) {
                Map<String, Object> row = r.next();
                Node n = (Node) row.get("node");
                if (exclude != null && n.getId() == exclude.getId()) {
                    continue;
                }
                float[] e = Vectors.toFloats(row.get("e"));
                if (e == null || e.length != a.embedding().length) {
                    continue;
                }
                hits.add(new Hit(n, 0, Vectors.cosine(e, a.embedding()),
                        a.imageEmbedding() == null ? null : Vectors.cosine(e, a.imageEmbedding()),
                        a.tagEmbedding() == null ? null : Vectors.cosine(e, a.tagEmbedding())));
            }
        }
        hits.sort(Comparator.comparingDouble((Hit h) -> -h.score()).thenComparingLong(h -> h.node().getId()));
        List<Hit> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, hits.size()); i++) {
            Hit h = hits.get(i);
            out.add(new Hit(h.node(), i + 1, h.score(), h.visualScore(), h.conceptScore()));
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
    private List<Node> tags(Query query, QueryImage.Resolved image, List<String> ignored) {
        Set<Node> found = new LinkedHashSet<>();
        if (!query.tagsGiven() && image != null && image.node() != null) {
            for (Relationship r : image.node().getRelationships(Direction.OUTGOING, TAGGED)) {
                found.add(r.getEndNode());
            }
            return new ArrayList<>(found);
        }
        for (String raw : query.tags()) {
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

    private float[] tagEmbedding(List<Node> tags) {
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
        boolean online;
        try {
            online = tx.schema().getIndexState(tx.schema().getIndexByName(name)) == Schema.IndexState.ONLINE;
        } catch (IllegalArgumentException missing) {
            online = false;
        }
        if (!online) {
            throw new IllegalStateException(procedure + ": the vector index '" + name + "' is missing or not online yet; "
                    + "CALL mmr.train() creates it");
        }
    }

    private static String quoted(List<String> names) {
        return Bounded.list(names);
    }
}
