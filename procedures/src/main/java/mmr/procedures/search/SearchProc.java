package mmr.procedures.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.Log;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

import mmr.procedures.config.ServerPaths;
import mmr.procedures.graph.CatalogGraph;

/** {@code mmr.search}, {@code mmr.predictTags}, {@code mmr.attach}: read-only queries through a transient node. */
public class SearchProc {
    @Context
    public Transaction tx;

    @Context
    public Log log;

    @Context
    public GraphDatabaseAPI api;

    @Procedure(name = "mmr.search", mode = Mode.READ)
    @Description("Images both visually and conceptually similar to a query (an image: node, id, bytes, base64, file or "
            + "features; and/or tags), ranked by cosine to E = (w1·E_image + w2·mean(E_tags)) / 2 with w1 = visualWeight. "
            + "Read-only: the query node exists only in memory.")
    public Stream<SearchResult> search(@Name("query") Map<String, Object> query,
                                       @Name(value = "config", defaultValue = "{}") Map<String, Object> config) {
        String p = "mmr.search";
        SearchConfig c = SearchConfig.parse(p, config);
        Query q = Query.parse(p, query, false);
        return searcher(p).search(q, c).stream().map(h -> new SearchResult(h.node(), h.score(), h.rank(), h.visualScore(),
                h.conceptScore(), c.explain() && h.why() != null ? h.why().asMap() : null, h.rankedBy(), h.geodesic(),
                h.hops() == null ? null : h.hops().longValue()));
    }

    @Procedure(name = "mmr.predictTags", mode = Mode.READ)
    @Description("Tags for an image (node, id, bytes, base64, file or features): the transient query node is attached to "
            + "its visual neighbours and embedded; the catalog images nearest that embedding (voters: 'embedding', the default; "
            + "'attached': the visual neighbours) vote their tags, as many as the model's training chose unless neighbors is given; "
            + "each tag scores voteWeight x its share of the votes (weighted by "
            + "their cosine) + (1 - voteWeight) x the cosine of its embedding to the query's (voteWeight as the model's training chose, unless given). Read-only.")
    public Stream<TagResult> predictTags(@Name("query") Map<String, Object> query,
                                         @Name(value = "config", defaultValue = "{}") Map<String, Object> config) {
        String p = "mmr.predictTags";
        SearchConfig.Prediction c = SearchConfig.parsePrediction(p, config);
        Query q = Query.parse(p, query, true);
        return searcher(p).predictTags(q, c).stream().map(h -> new TagResult(h.node(), (String) h.node().getProperty("name", null),
                h.score(), h.rank()));
    }

    @Procedure(name = "mmr.attach", mode = Mode.READ)
    @Description("Explains a query: the images (with cosine) and tags the transient query node attaches to, the tags "
            + "ignored, and its embeddings E_image, E_tags and E. Read-only.")
    public Stream<AttachResult> attach(@Name("query") Map<String, Object> query,
                                       @Name(value = "config", defaultValue = "{}") Map<String, Object> config) {
        String p = "mmr.attach";
        SearchConfig c = SearchConfig.parse(p, config);
        Query q = Query.parse(p, query, false);
        QueryNode.Attachment a = searcher(p).attach(q, c);
        List<Map<String, Object>> images = new ArrayList<>();
        for (QueryNode.ImageLink l : a.images()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("image", l.image());
            m.put("id", l.image().getProperty("id", null));
            m.put("similarity", l.similarity());
            images.add(m);
        }
        List<Map<String, Object>> tags = new ArrayList<>();
        a.tags().forEach(t -> tags.add(Map.of("tag", t, "name", t.getProperty("name", ""))));
        return Stream.of(new AttachResult(images, tags, a.ignoredTags(), list(a.imageEmbedding()), list(a.tagEmbedding()),
                list(a.embedding()), a.model().name(), a.model().version(), names(a.withoutTags(), "name"),
                names(a.liked().stream().filter(n -> !a.learnedLiked().contains(n)).toList(), "id"), names(a.disliked(), "id"),
                a.textTags(), a.unmatchedWords(), names(a.learnedLiked(), "id")));
    }

    @Procedure(name = "mmr.explain", mode = Mode.READ)
    @Description("Why one image (node or id) scores as it does for a query: the score split exactly into the image side, "
            + "each query tag, without-tag, liked and disliked image, each attached image's share by leave-one-out, and the "
            + "graph paths (≤ 3 hops, SIMILAR and TAGGED) from the transient node through each attachment to the image. Read-only.")
    public Stream<ExplainResult> explain(@Name("query") Map<String, Object> query, @Name("image") Object image,
                                         @Name(value = "config", defaultValue = "{}") Map<String, Object> config) {
        String p = "mmr.explain";
        SearchConfig c = SearchConfig.parse(p, config);
        Query q = Query.parse(p, query, false);
        Node result = new CatalogGraph(tx).image(p, "image", image);
        Explainer.Story story = new Explainer(searcher(p), p).explain(q, c, result);
        List<ExplainResult> rows = new ArrayList<>();
        long rank = 0;
        for (Explainer.Part part : story.parts()) {
            rank++;
            List<List<Node>> paths = part.paths().isEmpty() ? Collections.singletonList(null) : part.paths();
            for (List<Node> path : paths) {
                if (rows.size() >= 500) {
                    break;
                }
                List<Map<String, Object>> steps = null;
                if (path != null) {
                    steps = new ArrayList<>();
                    steps.add(Map.of("label", "Query"));
                    for (Node n : path) {
                        steps.add(CatalogGraph.describe(n));
                    }
                }
                rows.add(new ExplainResult(rank, part.kind(), CatalogGraph.describe(part.node()), part.contribution(), part.attribution(),
                        steps, path == null ? null : (long) path.size(), story.score(), story.visualScore(), story.conceptScore(),
                        story.imageSide()));
            }
        }
        return rows.stream();
    }

    private Searcher searcher(String procedure) {
        return new Searcher(procedure, tx, log, ServerPaths.importDirectory(api), ServerPaths.modelsRoot(api));
    }

    private static List<String> names(List<Node> nodes, String key) {
        return nodes.stream().map(n -> String.valueOf(n.getProperty(key, ""))).toList();
    }

    private static List<Double> list(float[] v) {
        if (v == null) {
            return null;
        }
        List<Double> out = new ArrayList<>(v.length);
        for (float x : v) {
            out.add((double) x);
        }
        return out;
    }

    /** One ranked image. */
    public static final class SearchResult {
        @Description("The image.")
        public final Node image;
        @Description("Cosine between the image's embedding and the query's E.")
        public final double score;
        @Description("1-based rank.")
        public final long rank;
        @Description("Cosine to E_image (null for a keyword query).")
        public final Double visualScore;
        @Description("Cosine to E_t, the tag side (null without usable tags).")
        public final Double conceptScore;
        @Description("With explain: true, {queryTags, attachedNeighbours, attached, visual, conceptual}: the query tags the "
                + "result carries, the query's attached images it is or is a visual neighbour of; else null.")
        public final Map<String, Object> why;
        @Description("How it was ranked: 'geodesic' (reached along the graph within the bounds, with distance: 'geodesic') or "
                + "'cosine' (by cosine to E: every result of a cosine search, and a geodesic search's results beyond its bounds, "
                + "which follow the geodesic ones).")
        public final String rankedBy;
        @Description("Its geodesic distance from the query node (sum of 1 − cosine along the path); null when ranked by cosine.")
        public final Double geodesic;
        @Description("Hops of that path (the query node's edge included); null when ranked by cosine.")
        public final Long hops;

        public SearchResult(Node image, double score, long rank, Double visualScore, Double conceptScore, Map<String, Object> why,
                            String rankedBy, Double geodesic, Long hops) {
            this.rankedBy = rankedBy;
            this.geodesic = geodesic;
            this.hops = hops;
            this.image = image;
            this.score = score;
            this.rank = rank;
            this.visualScore = visualScore;
            this.conceptScore = conceptScore;
            this.why = why;
        }
    }

    /** One part of a result's score and one path it flows along. */
    public static final class ExplainResult {
        @Description("1-based rank of the part, by absolute contribution.")
        public final long rank;
        @Description("attachedImage, likedImage or attachedTag (the image side, by leave-one-out); queryTag, withoutTag, liked, disliked (exact).")
        public final String kind;
        @Description("The query's node this part is about: {label, id} or {label, name}.")
        public final Map<String, Object> node;
        @Description("Its contribution to the score.")
        public final double contribution;
        @Description("'exact' (the parts sum to the score, with the image side) or 'leave-one-out' (an attached node's share of the image side).")
        public final String attribution;
        @Description("A path from the transient query node through the part's node to the image (≤ 3 hops), or null when none is that short.")
        public final List<Map<String, Object>> path;
        @Description("Hops of the path.")
        public final Long hops;
        @Description("The image's score for this query (as mmr.search gives it).")
        public final double score;
        @Description("Its visual part (cosine to E_i).")
        public final Double visualScore;
        @Description("Its conceptual part (cosine to E_t).")
        public final Double conceptScore;
        @Description("The image side's exact contribution to the score.")
        public final double imageSide;

        public ExplainResult(long rank, String kind, Map<String, Object> node, double contribution, String attribution,
                             List<Map<String, Object>> path, Long hops, double score, Double visualScore, Double conceptScore,
                             double imageSide) {
            this.rank = rank;
            this.kind = kind;
            this.node = node;
            this.contribution = contribution;
            this.attribution = attribution;
            this.path = path;
            this.hops = hops;
            this.score = score;
            this.visualScore = visualScore;
            this.conceptScore = conceptScore;
            this.imageSide = imageSide;
        }
    }

    /** One predicted tag. */
    public static final class TagResult {
        @Description("The Tag node.")
        public final Node tag;
        @Description("Its name.")
        public final String name;
        @Description("Cosine between the tag's embedding and the query image's E_image.")
        public final double score;
        @Description("1-based rank.")
        public final long rank;

        public TagResult(Node tag, String name, double score, long rank) {
            this.tag = tag;
            this.name = name;
            this.score = score;
            this.rank = rank;
        }
    }

    /** The transient query node, explained. */
    public static final class AttachResult {
        @Description("Images the query node attached to: {image, id, similarity}, most similar first.")
        public final List<Map<String, Object>> images;
        @Description("Tags the query node attached to (or whose embeddings form E_tags): {tag, name}.")
        public final List<Map<String, Object>> tags;
        @Description("Query tags not found in the graph, ignored.")
        public final List<String> ignoredTags;
        @Description("E_image: the query node's GraphSAGE embedding (null for a keyword query).")
        public final List<Double> imageEmbedding;
        @Description("E_tags: the mean of its tags' embeddings (null without usable tags).")
        public final List<Double> tagEmbedding;
        @Description("E: what results are ranked against.")
        public final List<Double> embedding;
        @Description("Model used.")
        public final String model;
        @Description("Version of the model used.")
        public final long version;
        @Description("Tags steered away from ('without'), as found in the graph.")
        public final List<String> withoutTags;
        @Description("Liked images (ids): attached to the query node.")
        public final List<String> liked;
        @Description("Disliked images (ids): E is pushed away from them, and they are not returned.")
        public final List<String> disliked;
        @Description("Tags the query's 'text' became.")
        public final List<String> textTags;
        @Description("Words of the query's 'text' that match no tag.")
        public final List<String> unmatchedWords;
        @Description("Images liked together (mmr.feedback) with the query image (a catalog image) and its visual neighbours, acting as liked (feedbackNeighbors).")
        public final List<String> learnedLiked;

        public AttachResult(List<Map<String, Object>> images, List<Map<String, Object>> tags, List<String> ignoredTags,
                            List<Double> imageEmbedding, List<Double> tagEmbedding, List<Double> embedding, String model,
                            long version, List<String> withoutTags, List<String> liked, List<String> disliked,
                            List<String> textTags, List<String> unmatchedWords, List<String> learnedLiked) {
            this.learnedLiked = learnedLiked;
            this.withoutTags = withoutTags;
            this.liked = liked;
            this.disliked = disliked;
            this.textTags = textTags;
            this.unmatchedWords = unmatchedWords;
            this.images = images;
            this.tags = tags;
            this.ignoredTags = ignoredTags;
            this.imageEmbedding = imageEmbedding;
            this.tagEmbedding = tagEmbedding;
            this.embedding = embedding;
            this.model = model;
            this.version = version;
        }
    }
}
