package mmr.procedures.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import mmr.procedures.search.SearchConfig;

/**
 * The {@code CALL mmr.search(...)} statement equivalent to an explorer request, for Neo4j Browser or
 * an app: the same query map and config, literal values quoted as Cypher strings. An uploaded image
 * becomes the parameter {@code $image} (its bytes as base64), which a Browser user sets with
 * {@code :param}; features sent by the page after an upload are rendered the same way.
 */
final class SearchCypher {
    private SearchCypher() {}

    static String render(Map<String, Object> query, Map<String, Object> config, boolean uploaded) {
        StringJoiner q = new StringJoiner(", ", "{", "}");
        String header = "";
        if (uploaded && (query.containsKey("base64") || query.containsKey("features"))) {
            header = "// :param image => '<the image file as base64>'   (an app passes its bytes as {bytes: $png})\n";
            q.add("base64: $image");
        } else if (query.containsKey("features")) {
            header = "// :param features => [ ... ]   (the query image's features, from the catalog's encoder)\n";
            q.add("features: $features");
        } else if (query.containsKey("base64")) {
            header = "// :param image => '<the image file as base64>'\n";
            q.add("base64: $image");
        } else if (query.containsKey("id")) {
            q.add("id: " + literal(query.get("id")));
        }
        if (query.containsKey("tags")) {
            q.add("tags: " + literal(query.get("tags")));
        }
        StringJoiner c = new StringJoiner(", ", "{", "}");
        for (String k : SearchConfig.KEYS) {   // a stable order, as documented
            if (config.containsKey(k)) {
                c.add(k + ": " + literal(config.get(k)));
            }
        }
        return header + "CALL mmr.search(" + q + ", " + c + ")\n"
                + "YIELD image, score, rank, visualScore, conceptScore\n"
                + "RETURN rank, image.id AS id, score, visualScore, conceptScore";
    }

    /** A Cypher literal for a JSON value: strings single-quoted and escaped, lists, numbers, booleans. */
    static String literal(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            StringBuilder b = new StringBuilder("'");
            for (char ch : s.toCharArray()) {
                switch (ch) {
                    case '\'' -> b.append("\\'");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (ch < 0x20) {
                            b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                        } else {
                            b.append(ch);
                        }
                    }
                }
            }
            return b.append('\'').toString();
        }
        if (v instanceof List<?> list) {
            StringJoiner j = new StringJoiner(", ", "[", "]");
            list.forEach(o -> j.add(literal(o)));
            return j.toString();
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d);
        }
        return String.valueOf(v);
    }
}
