package mmr.procedures.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.neo4j.graphdb.Node;

import mmr.model.tag.TagNames;
import mmr.model.tag.TextTags;
import mmr.model.text.Bounded;
import mmr.procedures.config.ConfigMap;

/**
 * A query map: at most one image source ({@code node}, {@code id}, {@code bytes}, {@code base64},
 * {@code file} or {@code features}), optional {@code tags} and {@code text} (words matched to tags),
 * and the interactive parts: {@code without} (tags to steer away from), {@code liked} and
 * {@code disliked} (catalog images, as nodes or ids). At least an image, a tag, a text or a liked image.
 *
 * @param source the image source, or null for a keyword query
 * @param value  the source's value, as given
 * @param tags   tag names as given (not yet normalised), empty when absent
 * @param tagsGiven whether the map has a {@code tags} key: {@code tags: []} on a catalog image means
 *               "no tags", while without the key the image brings its own
 * @param without  tag names to steer away from, as given
 * @param liked    liked images (nodes or ids), as given
 * @param disliked disliked images (nodes or ids), as given
 * @param text     free text, or null
 */
public record Query(Source source, Object value, List<String> tags, boolean tagsGiven, List<String> without,
                    List<Object> liked, List<Object> disliked, String text) {
    /** Where the query image comes from. */
    public enum Source {
        NODE, ID, BYTES, BASE64, FILE, FEATURES;

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Most tags one query may carry. */
    public static final int MAX_TAGS = 1_000;
    static final List<String> IMAGE_KEYS = List.of("node", "id", "bytes", "base64", "file", "features");
    static final List<String> KEYS = List.of("node", "id", "bytes", "base64", "file", "features", "tags", "text", "without",
            "liked", "disliked");
    /** Most liked or disliked images one query may name. */
    public static final int MAX_FEEDBACK_IMAGES = 100;

    /** The same image source alone: no tags, text or feedback (what mmr.predictTags attaches). */
    public Query imageOnly() {
        return new Query(source, value, List.of(), true, List.of(), List.of(), List.of(), null);
    }

    public boolean hasImage() {
        return source != null;
    }

    public static Query parse(String procedure, Map<String, Object> raw, boolean imageRequired) {
        if (raw == null || raw.isEmpty()) {
            throw new IllegalArgumentException(procedure + ": the query is empty; give one image source ("
                    + String.join(", ", IMAGE_KEYS) + ")" + (imageRequired ? "" : " and/or 'tags'")
                    + ", e.g. {id: 'google:1f600'} or {tags: ['cat']}");
        }
        Set<String> unknown = new TreeSet<>(raw.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(procedure + ": unknown query key" + (unknown.size() > 1 ? "s " : " ")
                    + Bounded.join(unknown) + "; known keys: " + String.join(", ", KEYS));
        }
        List<String> given = new ArrayList<>();
        for (String k : IMAGE_KEYS) {
            if (raw.get(k) != null) {
                given.add(k);
            }
        }
        if (given.size() > 1) {
            throw new IllegalArgumentException(procedure + ": the query has " + given.size() + " image sources " + given
                    + "; give exactly one of " + String.join(", ", IMAGE_KEYS));
        }
        List<String> tags = tags(procedure, "tags", raw.get("tags"));
        List<String> without = tags(procedure, "without", raw.get("without"));
        List<Object> liked = images(procedure, "liked", raw.get("liked"));
        List<Object> disliked = images(procedure, "disliked", raw.get("disliked"));
        String text = text(procedure, raw.get("text"));
        if (given.isEmpty() && imageRequired) {
            throw new IllegalArgumentException(procedure + ": the query has no image; give one of " + String.join(", ", IMAGE_KEYS));
        }
        if (given.isEmpty() && tags.isEmpty() && text == null && liked.isEmpty()) {
            throw new IllegalArgumentException(procedure + ": the query has neither an image source ("
                    + String.join(", ", IMAGE_KEYS) + ") nor tags, text or liked images");
        }
        Source source = given.isEmpty() ? null : Source.valueOf(given.get(0).toUpperCase(Locale.ROOT));
        return new Query(source, source == null ? null : raw.get(given.get(0)), tags, raw.get("tags") != null, without,
                liked, disliked, text);
    }

    private static String text(String procedure, Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(procedure + ": 'text' must be a string, got " + ConfigMap.describe(v));
        }
        if (s.length() > TextTags.MAX_CHARS) {
            throw new IllegalArgumentException(procedure + ": 'text' has " + s.length() + " characters (" + Bounded.quote(s)
                    + "); a query text has at most " + TextTags.MAX_CHARS);
        }
        return s.isBlank() ? null : s;
    }

    private static List<Object> images(String procedure, String key, Object v) {
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException(procedure + ": '" + key + "' must be a list of Image nodes or ids, got "
                    + ConfigMap.describe(v));
        }
        if (list.size() > MAX_FEEDBACK_IMAGES) {
            throw new IllegalArgumentException(procedure + ": '" + key + "' holds " + list.size() + " images; a query takes at most "
                    + MAX_FEEDBACK_IMAGES);
        }
        for (Object o : list) {
            if (!(o instanceof String) && !(o instanceof Node)) {
                throw new IllegalArgumentException(procedure + ": '" + key + "' must be a list of Image nodes or ids, but it holds "
                        + ConfigMap.describe(o));
            }
        }
        return List.copyOf(list);
    }

    private static List<String> tags(String procedure, String key, Object v) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return tags(procedure, key, List.of(s));
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException(procedure + ": '" + key + "' must be a list of strings, got " + ConfigMap.describe(v));
        }
        if (list.size() > MAX_TAGS) {
            throw new IllegalArgumentException(procedure + ": '" + key + "' holds " + list.size() + " tags; a query takes at most "
                    + MAX_TAGS);
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException(procedure + ": '" + key + "' must be a list of strings, but it holds "
                        + ConfigMap.describe(o));
            }
            out.add(s);
        }
        for (String s : out) {
            if (s.length() > TagNames.MAX_LENGTH) {
                throw new IllegalArgumentException(procedure + ": '" + key + "' holds a tag of " + s.length() + " characters ("
                        + Bounded.quote(s) + "); a tag has at most " + TagNames.MAX_LENGTH + " characters");
            }
        }
        return out;
    }
}
