package mmr.procedures.search;

import java.util.List;
import java.util.Map;

import mmr.procedures.config.ConfigMap;

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
 * @param feedbackNeighbors images liked together (mmr.feedback) with the query's visual neighbours that act as liked
 */
public record SearchConfig(int k, double visualWeight, Connect connect, int neighbors, double similarityCutoff,
                           boolean excludeQuery, String model, double withoutWeight, double likeWeight, double dislikeWeight,
                           boolean explain, int feedbackNeighbors) {
    public static final List<String> KEYS = List.of("k", "visualWeight", "connect", "neighbors", "similarityCutoff",
            "excludeQuery", "model", "withoutWeight", "likeWeight", "dislikeWeight", "explain", "feedbackNeighbors");

    /** Default of {@code feedbackNeighbors} (docs/evaluation.md: the feedback setting). */
    public static final int DEFAULT_FEEDBACK_NEIGHBORS = 0;

    /** The same settings with another k. */
    public SearchConfig withK(int newK) {
        return new SearchConfig(newK, visualWeight, connect, neighbors, similarityCutoff, excludeQuery, model, withoutWeight,
                likeWeight, dislikeWeight, explain, feedbackNeighbors);
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
        ConfigMap c = ConfigMap.of(procedure, raw, KEYS);
        return new SearchConfig(
                c.integer("k", 10, 1, 1000),
                c.number("visualWeight", 0.5, 0, 1),
                Connect.valueOf(c.choice("connect", "both", List.of("both", "images", "tags")).toUpperCase(java.util.Locale.ROOT)),
                c.integer("neighbors", 5, 1, 100),
                c.number("similarityCutoff", 0.65, -1, 1),
                c.bool("excludeQuery", true),
                c.string("model", "default"),
                c.number("withoutWeight", 1.0, 0, 10),
                c.number("likeWeight", 0.5, 0, 10),
                c.number("dislikeWeight", 0.5, 0, 10),
                c.bool("explain", false),
                c.integer("feedbackNeighbors", DEFAULT_FEEDBACK_NEIGHBORS, 0, 100));
    }
}
