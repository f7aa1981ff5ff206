package mmr.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * {@code --train CONFIG}: the mmr.train config map as a user writes it in Cypher
 * ({@code {epochs: 3, trainer: 'gds', sampleSizes: [10, 5]}}), read into a map once and then passed to
 * the procedure as a parameter — never spliced into a statement. Map literals of constants only:
 * numbers, strings, booleans, null, lists and maps.
 */
public final class TrainConfigText {
    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(JsonParser.Feature.ALLOW_UNQUOTED_FIELD_NAMES, JsonParser.Feature.ALLOW_SINGLE_QUOTES)
            .build();

    private TrainConfigText() {}

    public static Map<String, Object> parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return Map.of();
        }
        try {
            Map<String, Object> raw = LENIENT.readValue(t, new TypeReference<LinkedHashMap<String, Object>>() {});
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) asCypher(raw);
            return map;
        } catch (JsonProcessingException e) {
            String shown = t.length() > 200 ? t.substring(0, 200) + "…" : t;
            throw new IllegalArgumentException("--train must be a Cypher map of constants, e.g. {epochs: 3, trainer: 'gds'}; got '"
                    + shown + "' (" + e.getOriginalMessage() + ")");
        }
    }

    /** Integers as Cypher holds them (64-bit). */
    private static Object asCypher(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(asCypher(x)));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), asCypher(x)));
            return out;
        }
        return v;
    }

    /** The map in Cypher's notation, for headers and logs. */
    public static String format(Map<String, Object> config) {
        return config.entrySet().stream().map(e -> e.getKey() + ": " + value(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static String value(Object v) {
        if (v instanceof String s) {
            return "'" + s.replace("'", "\\'") + "'";
        }
        if (v instanceof List<?> l) {
            return l.stream().map(TrainConfigText::value).collect(Collectors.joining(", ", "[", "]"));
        }
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> e.getKey() + ": " + value(e.getValue())).collect(Collectors.joining(", ", "{", "}"));
        }
        return String.valueOf(v);
    }
}
