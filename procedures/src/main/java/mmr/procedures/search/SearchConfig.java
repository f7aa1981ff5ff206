package mmr.procedures.search;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import mmr.model.tag.VoteWeight;
import mmr.procedures.config.ConfigMap;
import mmr.procedures.geodesic.PathProc;
import mmr.procedures.graph.JointGraph;
import mmr.procedures.graph.Schema;

/**
 * Settings of a query: how many results, the visual↔conceptual slider, how the transient query
 * node attaches to the graph, and which model embeds it.
 *
 * @param k                results to return
 * @param visualWeight     w1 of {@code E = (w1·E_i + w2·E_t) / 2}; w2 = 1 − w1
 * @param connect          edges the query node gets: to images, to tags, or both
 * @param neighbors        visual neighbours the query node attaches to
 * @param similarityCutoff minimum cosine of an attachment to an image
 * @param excludeQuery     an existing image used as the query is not returned
 * @param model            model name; its current version is used
 * @param withoutWeight    λ of {@code E_t = mean(E_with) − λ·mean(E_without)}
 * @param likeWeight       β of {@code E' = Ê + β·mean(Ê_liked) − δ·mean(Ê_disliked)}
 * @param dislikeWeight    δ of the same
 * @param explain          add each result's {@code why}
 * @param feedbackNeighbors images liked together (mmr.feedback) with the query image (when it is a catalog image) and its visual neighbours, acting as liked
 * @param distance         how results are ranked: by cosine to E, along the graph, or (auto) along the graph for a
 *                         query without an image side and by cosine otherwise
 * @param geodesic         how results are found along the graph, when they are
 * @param concept          the conceptual side of a query with an image and keywords: the keywords' proximity along
 *                         the graph beside the image's cosine, or (the paper's) their mean embedding inside E
 */
public record SearchConfig(int k, double visualWeight, Connect connect, int neighbors, double similarityCutoff,
                           boolean excludeQuery, String model, double withoutWeight, double likeWeight, double dislikeWeight,
                           boolean explain, int feedbackNeighbors, Distance distance, Geodesic geodesic,
                           Concept concept) {
    public static final List<String> KEYS = List.of("k", "visualWeight", "connect", "neighbors", "similarityCutoff",
            "excludeQuery", "model", "withoutWeight", "likeWeight", "dislikeWeight", "explain", "feedbackNeighbors",
            "distance", "imagesOnly", "maxHops", "maxExpanded", "tagFanout", "concept");

    /**
     * How a query with an image and keywords (given tags or text; not steered by without, liked or
     * disliked; ranked by cosine) weighs its keywords. GRAPH: each image scores
     * {@code w·cos(E_i, e) + (1 − w)·proximity}, the proximity read from TAGGED and SIMILAR edges
     * ({@link mmr.model.rank.KeywordProximity}); EMBEDDING: the paper's
     * {@code E = (w·E_i + (1 − w)·mean(E_tags)) / 2}, ranked by cosine to E. Other queries use E.
     */
    public enum Concept { GRAPH, EMBEDDING }
    /**
     * How results are ranked. AUTO, the default: geodesic for a query of tags or text only, where it
     * measured better than cosine (and than a hard tag filter) at tag dropout 0 and 0.5; cosine for
     * the rest — queries with an image, where cosine measured better, and queries steered by
     * {@code without}, {@code liked} or {@code disliked}, which move E, and E weighs only the walk's
     * first hops (docs/geodesic.md).
     */
    public enum Distance {
        AUTO, COSINE, GEODESIC;

        /** Whether a query is ranked along the graph; {@code tagsOnly}: tags or text, nothing else. */
        public boolean geodesic(boolean tagsOnly) {
            return this == GEODESIC || this == AUTO && tagsOnly;
        }
    }

    /** Geodesic defaults (docs/geodesic.md: chosen by mmr eval and the 100k benchmark). */
    public static final int DEFAULT_MAX_HOPS = 2;
    public static final int DEFAULT_MAX_EXPANDED = 2_000;
    public static final int DEFAULT_TAG_FANOUT = JointGraph.DEFAULT_TAG_FANOUT;

    /**
     * Geodesic ranking (paper 004): the k images nearest the transient query node along the joint
     * graph, its attachments as first hops; images beyond the bounds are ranked by cosine after them.
     *
     * @param imagesOnly walk SIMILAR edges only, not through Tag nodes
     * @param tagFanout  images a Tag node is walked to at most (its nearest; see JointGraph)
     */
    public record Geodesic(boolean imagesOnly, mmr.model.rank.Geodesic.Bounds bounds, int tagFanout) {}

    /** Default of {@code feedbackNeighbors} (docs/evaluation.md: the feedback setting). */
    public static final int DEFAULT_FEEDBACK_NEIGHBORS = 0;

    /** Default of {@code neighbors} for mmr.search; mmr.predictTags defaults to the model's own count. */
    public static final int DEFAULT_NEIGHBORS = 5;
    /** Results returned when {@code k} is not given. */
    public static final int DEFAULT_K = 10;
    /** Default of {@code similarityCutoff}. */
    public static final double DEFAULT_SIMILARITY_CUTOFF = 0.65;

    /** The same settings with other neighbours. */
    public SearchConfig withNeighbors(int newNeighbors) {
        return new SearchConfig(k, visualWeight, connect, newNeighbors, similarityCutoff, excludeQuery, model, withoutWeight,
                likeWeight, dislikeWeight, explain, feedbackNeighbors, distance, geodesic, concept);
    }

    /** The same settings with another k. */
    public SearchConfig withK(int newK) {
        return new SearchConfig(newK, visualWeight, connect, neighbors, similarityCutoff, excludeQuery, model, withoutWeight,
                likeWeight, dislikeWeight, explain, feedbackNeighbors, distance, geodesic, concept);
    }

    /** Which edges attach the transient query node. */
    public enum Connect {
        BOTH, IMAGES, TAGS;

        boolean images() {
            return this != TAGS;
        }

        boolean tags() {
            return this != IMAGES;
        }
    }

    public double tagWeight() {
        return 1 - visualWeight;
    }

    public static SearchConfig parse(String procedure, Map<String, Object> raw) {
        return parse(procedure, ConfigMap.of(procedure, raw, KEYS));
    }

    /** mmr.predictTags's keys: the search keys, {@code voteWeight} and {@code voters}. */
    public static final List<String> PREDICT_KEYS = Stream.concat(KEYS.stream(), Stream.of("voteWeight", "voters")).toList();

    /**
     * Which images vote their tags in mmr.predictTags. ATTACHED: the visual neighbours the query node is
     * attached to; EMBEDDING: the catalog images nearest the query's image-side embedding E_i (the query
     * image itself excluded), as many as the attachment would poll.
     */
    public enum Voters { ATTACHED, EMBEDDING }

    /**
     * Default of mmr.predictTags' {@code voters}: the embedding's nearest images predicted the held-out images' tags
     * better than the attached ones on both catalogs (docs/evaluation.md, "Who votes: the embedding's nearest images").
     */
    public static final Voters DEFAULT_VOTERS = Voters.EMBEDDING;

    /**
     * mmr.predictTags's config and its vote weight; {@code modelVoters}: {@code neighbors} was not given,
     * so the model's own count of voters applies (chosen at training time, docs/evaluation.md "Who votes");
     * {@code modelVoteWeight}: {@code voteWeight} was not given, so the model's own weight applies (as given
     * to or chosen by its training, docs/evaluation.md "How much the votes count").
     */
    public record Prediction(SearchConfig search, double voteWeight, boolean modelVoters, boolean modelVoteWeight,
                             Voters voters) {}

    public static Prediction parsePrediction(String procedure, Map<String, Object> raw) {
        ConfigMap c = ConfigMap.of(procedure, raw, PREDICT_KEYS);
        double voteWeight = c.number("voteWeight", VoteWeight.DEFAULT, 0, 1);
        Voters voters = Voters.valueOf(c.choice("voters", DEFAULT_VOTERS.name().toLowerCase(Locale.ROOT),
                List.of("attached", "embedding")).toUpperCase(Locale.ROOT));
        return new Prediction(parse(procedure, c), voteWeight, !c.has("neighbors"), !c.has("voteWeight"), voters);
    }

    private static SearchConfig parse(String procedure, ConfigMap c) {
        Distance distance = Distance.valueOf(c.choice("distance", "auto", List.of("auto", "cosine", "geodesic"))
                .toUpperCase(Locale.ROOT));
        if (distance == Distance.COSINE) {
            for (String key : List.of("imagesOnly", "maxHops", "maxExpanded", "tagFanout")) {
                if (c.has(key)) {
                    throw new IllegalArgumentException(procedure + ": '" + key + "' applies to distance 'geodesic' or 'auto' only");
                }
            }
        }
        Geodesic g = new Geodesic(c.bool("imagesOnly", false), new mmr.model.rank.Geodesic.Bounds(
                c.integer("maxHops", DEFAULT_MAX_HOPS, 1, PathProc.MAX_HOPS),
                c.integer("maxExpanded", DEFAULT_MAX_EXPANDED, 1, PathProc.MAX_EXPANDED)),
                c.integer("tagFanout", DEFAULT_TAG_FANOUT, 1, PathProc.MAX_TAG_FANOUT));
        return new SearchConfig(
                c.integer("k", DEFAULT_K, 1, 1000),
                c.number("visualWeight", 0.5, 0, 1),
                Connect.valueOf(c.choice("connect", "both", List.of("both", "images", "tags")).toUpperCase(Locale.ROOT)),
                c.integer("neighbors", DEFAULT_NEIGHBORS, 1, 100),
                c.number("similarityCutoff", DEFAULT_SIMILARITY_CUTOFF, -1, 1),
                c.bool("excludeQuery", true),
                c.string("model", Schema.DEFAULT_NAME),
                c.number("withoutWeight", 1.0, 0, 10),
                c.number("likeWeight", 0.5, 0, 10),
                c.number("dislikeWeight", 0.5, 0, 10),
                c.bool("explain", false),
                c.integer("feedbackNeighbors", DEFAULT_FEEDBACK_NEIGHBORS, 0, 100), distance, g,
                Concept.valueOf(c.choice("concept", "graph", List.of("graph", "embedding")).toUpperCase(Locale.ROOT)));
    }
}
