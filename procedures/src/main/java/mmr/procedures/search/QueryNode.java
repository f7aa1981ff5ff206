package mmr.procedures.search;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Log;

import mmr.model.encode.EncoderIdentity;
import mmr.model.rank.QueryVectors;
import mmr.model.sage.GraphSage;
import mmr.model.sage.TransientGraph;
import mmr.model.tag.TagNames;
import mmr.model.tag.TextTags;
import mmr.model.text.Bounded;
import mmr.model.vector.Vectors;
import mmr.procedures.graph.CatalogGraph;
import mmr.procedures.graph.LoadedModel;
import mmr.procedures.graph.ModelStore;
import mmr.procedures.graph.Neo4jSageGraph;
import mmr.procedures.graph.SageStates;
import mmr.procedures.graph.Schema;
import mmr.procedures.graph.VectorIndexes;

/**
 * The paper's transient query node (§3.3), read-only: attached to the graph by image→image edges
 * (its visual neighbours by cosine of {@code features}, through the features vector index), liked
 * images and/or image→tag edges, and embedded with the stored model's forward pass ({@code E_i});
 * its tags' embeddings are averaged ({@code E_t}) and combined by the slider into {@code E}
 * ({@link QueryVectors}). It lives in memory only: nothing is written.
 */
public final class QueryNode {
    /**
     * Candidates asked of the features index for the visual neighbours, whatever the catalog's size: asked
     * in proportion to a small catalog's size like the ranking's (15 and, for three tag voters, 9 on
     * emoji), they cost tag prediction and the geodesic walks quality in the eval (docs/evaluation.md).
     */
    private static final int ATTACH_CANDIDATES = 30;

    /** Candidates asked of the features index for {@code n} visual neighbours. */
    public static int attachCandidates(int n) {
        return Math.max(ATTACH_CANDIDATES, 5 * n);
    }

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
    public QueryNode(String procedure, Transaction tx, Log log, Path importDirectory, Path modelsRoot) {
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

    Attachment attach(Query query, SearchConfig config, boolean ownTags) {
        LoadedModel model = model(config.model());
        EncoderIdentity encoder = catalogEncoder(model);
        QueryImage.Resolved image = query.hasImage()
                ? new QueryImage(procedure, tx, encoder, importDirectory, modelsRoot).resolve(query.source(), query.value())
                : null;
        List<String> ignored = new ArrayList<>();
        TextTags.Match text = query.text() == null ? new TextTags.Match(List.of(), List.of())
                : TextTags.match(query.text(), name -> tx.findNode(Schema.TAG_LABEL, "name", name) != null);
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
                // stored feedback: images liked together with the query image and its visual neighbours act as liked
                Set<Long> skip = new HashSet<>();
                links.forEach(l -> skip.add(l.image().getId()));
                liked.forEach(l -> skip.add(l.getId()));
                disliked.forEach(d -> skip.add(d.getId()));
                if (image != null && image.node() != null) {
                    skip.add(image.node().getId());
                }
                List<Node> sources = new ArrayList<>();
                if (image != null && image.node() != null) {
                    sources.add(image.node());   // a catalog image's own likes: "liked together with this one"
                }
                links.forEach(l -> sources.add(l.image()));
                List<Node> learned = likedWith(sources, skip, config.feedbackNeighbors());
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
            imageEmbedding = embedImage(model, ownFeatures, attachedIds,
                    image != null && config.connect() == SearchConfig.Connect.BOTH && tags.isEmpty() && !links.isEmpty());
        }
        float[] tagEmbedding = tagEmbedding(tags, without, config.withoutWeight());
        float[] embedding = QueryVectors.combine(imageEmbedding, tagEmbedding, config.visualWeight(), config.tagWeight());
        if (embedding == null) {
            throw new IllegalArgumentException(procedure + ": the query's tags " + quoted(query.tags())
                    + " have no embeddings yet; run CALL mmr.embed on them or retrain");
        }
        if (!liked.isEmpty() || !disliked.isEmpty()) {
            embedding = QueryVectors.feedback(embedding, embeddings(liked), config.likeWeight(), embeddings(disliked), config.dislikeWeight());
        }
        return new Attachment(image == null ? null : image.node(), links, tags, ignored, imageEmbedding, tagEmbedding,
                embedding, model, without, liked, disliked, text.tags(), text.unmatched(), ownFeatures, attachedIds, learnedLiked);
    }

    /**
     * The images most often liked together (LIKED_WITH, summed counts) with {@code sources} — the
     * query's own node when it is a catalog image, and its visual neighbours — at most {@code max},
     * ties by node id; those in {@code skip} left out.
     */
    private static List<Node> likedWith(List<Node> sources, Set<Long> skip, int max) {
        Map<Long, long[]> counts = new HashMap<>();
        Map<Long, Node> nodes = new HashMap<>();
        for (Node source : sources) {
            for (Relationship r : source.getRelationships(Direction.BOTH, Schema.LIKED_WITH_TYPE)) {
                Node other = r.getOtherNode(source);
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

    /**
     * E_i of a query image attached to {@code ids}; with {@code bothViews} (an image without tags,
     * connect 'both') the mean of the two views the other modes take — attached to its visual neighbours
     * (and liked images) as 'images' does, and from its own pixels as 'tags' does without tags. Which
     * view ranks higher depends on the catalog (docs/evaluation.md).
     */
    private float[] embedImage(LoadedModel model, float[] features, long[] ids, boolean bothViews) {
        QueryPass attachedPass = embedQuery(model, features, ids, null);
        if (!bothViews) {
            return attachedPass.embedding();
        }
        float[] ownPixels = embedQuery(model, features, new long[0], attachedPass.projectedInput()).embedding();
        return QueryVectors.meanOfUnits(List.of(attachedPass.embedding(), ownPixels));
    }

    /**
     * E_i of an image without tags attached to its visual neighbours {@code neighbours}, as
     * mmr.predictTags embeds a new image at connect {@code connect}: what mmr.train scores its choice of
     * vote weight on.
     */
    public float[] embedUntagged(LoadedModel model, float[] features, long[] neighbours, SearchConfig.Connect connect) {
        return embedImage(model, features, connect.images() ? neighbours : new long[0],
                connect == SearchConfig.Connect.BOTH && neighbours.length > 0);
    }

    /** E_i: the transient node with {@code features}, attached to {@code ids}, through the stored model. */
    public float[] embedQuery(LoadedModel model, float[] features, long[] ids) {
        return embedQuery(model, features, ids, null).embedding();
    }

    /** One forward pass of the query node, and its projected input (null for a model without input maps). */
    private record QueryPass(float[] embedding, double[] projectedInput) {}

    /** @param projectedInput the query's projected input from an earlier pass over the same features, or null */
    private QueryPass embedQuery(LoadedModel model, float[] features, long[] ids, double[] projectedInput) {
        // The attached nodes' first-layer states and projected inputs as stored with their embeddings
        // (see SageStates): only nodes without a stored input have their features read.
        SageStates.Known states = SageStates.read(tx, model, ids);
        Neo4jSageGraph stored = new Neo4jSageGraph(tx, model.randomSeed());
        stored.prefetchFeatures(states.withoutInputs(ids));
        TransientGraph graph = new TransientGraph(stored, ids, features, model.randomSeed());
        GraphSage.Batch batch = model.sage().batch(graph, states).withProjectedInput(TransientGraph.QUERY, projectedInput);
        float[] embedding = batch.embed(TransientGraph.QUERY);
        return new QueryPass(embedding, batch.projectedInputIfKnown(TransientGraph.QUERY));
    }

    /** The query node's own features for a query of liked images only: the normalised mean of theirs. */
    private float[] likedFeatures(List<Node> liked) {
        List<float[]> features = new ArrayList<>();
        for (Node n : liked) {
            float[] f = Vectors.toFloats(n.getProperty(Schema.FEATURES, null));
            if (f == null) {
                throw new IllegalArgumentException(procedure + ": liked image " + Bounded.quote(String.valueOf(n.getProperty(Schema.ID, "")))
                        + " has no 'features'");
            }
            features.add(f);
        }
        return QueryVectors.meanOfUnits(features);
    }

    /** The stored embeddings of {@code images} (null where one has none). */
    private static List<float[]> embeddings(List<Node> images) {
        List<float[]> out = new ArrayList<>();
        images.forEach(n -> out.add(Vectors.toFloats(n.getProperty(Schema.EMBEDDING, null))));
        return out;
    }

    /** The query image's visual neighbours: top `neighbors` images by cosine ≥ cutoff, itself excluded. */
    private List<ImageLink> visualNeighbours(QueryImage.Resolved image, SearchConfig config) {
        requireIndex(Schema.IMAGE_FEATURES_INDEX);
        int n = config.neighbors() + (image.node() == null ? 0 : 1);
        List<ImageLink> links = new ArrayList<>();
        for (VectorIndexes.Nearest near : VectorIndexes.nearest(tx, Schema.IMAGE_FEATURES_INDEX,
                attachCandidates(n),
                image.features(), config.similarityCutoff(), n)) {
            if (image.node() != null && near.node().getId() == image.node().getId()) {
                continue;
            }
            if (near.cosine() >= config.similarityCutoff()) {
                links.add(new ImageLink(near.node(), near.cosine()));
            }
        }
        links.sort(Comparator.comparingDouble((ImageLink l) -> -l.similarity()).thenComparingLong(l -> l.image().getId()));
        return links.size() > config.neighbors() ? List.copyOf(links.subList(0, config.neighbors())) : links;
    }

    /** The query's tags: the given names, normalised as at import; for a catalog image without a 'tags' key, its own. */
    private List<Node> tags(Query query, List<String> textTags, QueryImage.Resolved image, List<String> ignored) {
        Set<Node> found = new LinkedHashSet<>();
        if (!query.tagsGiven() && query.text() == null && image != null && image.node() != null) {
            for (Relationship r : image.node().getRelationships(Direction.OUTGOING, Schema.TAGGED_TYPE)) {
                found.add(r.getEndNode());
            }
            return new ArrayList<>(found);
        }
        found.addAll(named(query.tags(), ignored));
        for (String name : textTags) {
            Node tag = tx.findNode(Schema.TAG_LABEL, "name", name);
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
            Node tag = tx.findNode(Schema.TAG_LABEL, "name", TagNames.normalise(raw));
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
        return QueryVectors.withoutTags(meanEmbedding(with), meanEmbedding(without), lambda);
    }

    private float[] meanEmbedding(List<Node> tags) {
        if (tags.isEmpty()) {
            return null;
        }
        List<float[]> vectors = new ArrayList<>();
        for (Node tag : tags) {
            float[] e = Vectors.toFloats(tag.getProperty(Schema.EMBEDDING, null));
            if (e != null) {
                vectors.add(e);
            }
        }
        return QueryVectors.mean(vectors);
    }

    LoadedModel model(String name) {
        Node node = new ModelStore(tx).current(name);
        if (node == null) {
            Set<String> names = new TreeSet<>();
            new ModelStore(tx).all().forEach(n -> names.add(String.valueOf(n.getProperty("name", ""))));
            if (names.isEmpty()) {
                throw new IllegalArgumentException(procedure + ": there is no trained model yet; run CALL mmr.train() first");
            }
            throw new IllegalArgumentException(procedure + ": unknown model " + Bounded.quote(name) + "; known models: "
                    + Bounded.list(names, Bounded::cut));
        }
        return LoadedModel.of(procedure, tx, node);
    }

    private EncoderIdentity catalogEncoder(LoadedModel model) {
        Node catalog = new CatalogGraph(tx).catalogNode();
        if (catalog == null || catalog.getProperty("encoder", null) == null) {
            throw new IllegalArgumentException(procedure + ": the graph has no catalog record (:MmrCatalog); import a catalog first");
        }
        EncoderIdentity encoder = parsedEncoder((String) catalog.getProperty("encoder"));
        if (model.featureDimension() != encoder.dimension()) {
            throw new IllegalArgumentException(procedure + ": model '" + model.name() + "' version " + model.version()
                    + " was trained on " + model.featureDimension() + "-d features, but the catalog's encoder " + encoder
                    + " produces " + encoder.dimension() + "-d; retrain with CALL mmr.train()");
        }
        return encoder;
    }

    /** The last catalog encoder parsed: one catalog per database, asked on every search. */
    private static volatile EncoderIdentity lastEncoder;

    private static EncoderIdentity parsedEncoder(String text) {
        EncoderIdentity last = lastEncoder;
        if (last != null && last.toString().equals(text)) {
            return last;
        }
        EncoderIdentity parsed = EncoderIdentity.parse(text);
        lastEncoder = parsed;
        return parsed;
    }

    private static String quoted(List<String> names) {
        return Bounded.list(names);
    }

    void requireIndex(String name) {
        if (!VectorIndexes.online(tx, name)) {
            throw new IllegalStateException(procedure + ": the vector index '" + name + "' is missing or not online yet; "
                    + "CALL mmr.train() creates it");
        }
    }
}
