package mmr.procedures.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import mmr.model.text.Bounded;

/**
 * A procedure's {@code config} map, read once into typed values. Every accessor names the key,
 * the bad value and what is accepted; unknown keys are refused with the list of known ones.
 */
public final class ConfigMap {
    private final String procedure;
    private final Map<String, Object> values;

    /**
     * A key as the code reads it: its kind ("integer", "number", "boolean", "string", "choice",
     * "integers", "numbers"), default, bounds (or accepted values) — what the docs' tables must say.
     */
    public record KeyRead(String procedure, String key, String kind, Object defaultValue, Object min, Object max,
                          Collection<String> accepted) {}

    private static final ThreadLocal<List<KeyRead>> READS = new ThreadLocal<>();

    /** Runs {@code work} on this thread and returns every key read meanwhile (what a doc test compares with the tables). */
    public static List<KeyRead> recordReads(Runnable work) {
        List<KeyRead> reads = new ArrayList<>();
        List<KeyRead> outer = READS.get();
        READS.set(reads);
        try {
            work.run();
        } catch (RuntimeException e) {
            // a procedure may fail after reading its config (e.g. on missing data): the reads so far are kept
        } finally {
            READS.set(outer);
        }
        return reads;
    }

    /** Notes a key read outside the typed accessors (e.g. one with its own validation). */
    public static void read(String procedure, String key, String kind, Object defaultValue, Object min, Object max,
                     Collection<String> accepted) {
        List<KeyRead> reads = READS.get();
        if (reads != null) {
            reads.add(new KeyRead(procedure, key, kind, defaultValue, min, max, accepted));
        }
    }

    private ConfigMap(String procedure, Map<String, Object> values) {
        this.procedure = procedure;
        this.values = values;
    }

    /**
     * {@code raw} with renamed keys under their new names, a warning added for each; both names at
     * once is an error. Old names are accepted for one release (docs/procedures.md lists them).
     */
    public static Map<String, Object> renamed(String procedure, Map<String, Object> raw, Map<String, String> oldToNew,
                                              List<String> warnings) {
        if (raw == null || oldToNew.keySet().stream().noneMatch(raw::containsKey)) {
            return raw;
        }
        Map<String, Object> out = new LinkedHashMap<>(raw);
        for (Map.Entry<String, String> e : new TreeMap<>(oldToNew).entrySet()) {
            if (!out.containsKey(e.getKey())) {
                continue;
            }
            if (out.containsKey(e.getValue())) {
                throw new IllegalArgumentException(procedure + ": '" + e.getKey() + "' is the old name of '" + e.getValue()
                        + "'; give only '" + e.getValue() + "'");
            }
            out.put(e.getValue(), out.remove(e.getKey()));
            warnings.add(procedure + ": config key '" + e.getKey() + "' is deprecated and will be removed in the next release; "
                    + "use '" + e.getValue() + "'");
        }
        return out;
    }

    /** Wraps {@code raw} (null means empty) after checking every key is one of {@code known}. */
    public static ConfigMap of(String procedure, Map<String, Object> raw, Collection<String> known) {
        Map<String, Object> values = raw == null ? Map.of() : new HashMap<>(raw);
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            String hint = known.stream().filter(k -> k.equalsIgnoreCase(first)).findFirst()
                    .map(k -> " (did you mean '" + k + "'?)").orElse("");
            throw new IllegalArgumentException("Unknown config key" + (unknown.size() > 1 ? "s " : " ")
                    + quoted(unknown) + " for " + procedure + hint + "; known keys: " + String.join(", ", new TreeSet<>(known)));
        }
        return new ConfigMap(procedure, values);
    }

    public boolean has(String key) {
        return values.get(key) != null;
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        read(procedure, key, "integer", defaultValue, min, max, null);
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        Long parsed = null;
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            parsed = ((Number) v).longValue();
        } else if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
            parsed = d.longValue();
        }
        if (parsed == null || parsed < min || parsed > max) {
            throw new IllegalArgumentException(procedure + ": '" + key + "' must be an integer from "
                    + min + " to " + max + ", got " + describe(v));
        }
        return parsed;
    }

    public double number(String key, double defaultValue, double min, double max) {
        read(procedure, key, "number", defaultValue, min, max, null);
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Number n) || Double.isNaN(n.doubleValue())
                || n.doubleValue() < min || n.doubleValue() > max) {
            throw new IllegalArgumentException(procedure + ": '" + key + "' must be a number from "
                    + min + " to " + max + ", got " + describe(v));
        }
        return n.doubleValue();
    }

    public boolean bool(String key, boolean defaultValue) {
        read(procedure, key, "boolean", defaultValue, null, null, null);
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException(procedure + ": '" + key + "' must be true or false, got " + describe(v));
        }
        return b;
    }

    /** A free-form string value. */
    public String string(String key, String defaultValue) {
        read(procedure, key, "string", defaultValue, null, null, null);
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(procedure + ": '" + key + "' must be a non-empty string, got " + describe(v));
        }
        return s;
    }

    /** A string from a fixed set, compared case-insensitively; returns the canonical spelling. */
    public String choice(String key, String defaultValue, Collection<String> accepted) {
        read(procedure, key, "choice", defaultValue, null, null, accepted);
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof String s) {
            for (String a : accepted) {
                if (a.equalsIgnoreCase(s.strip())) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException(procedure + ": '" + key + "' must be one of "
                + quoted(accepted) + ", got " + describe(v));
    }

    /** Names a value and its Cypher type for error messages. */
    public static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String type;
        if (v instanceof String) {
            type = "String";
        } else if (v instanceof Long || v instanceof Integer) {
            type = "Integer";
        } else if (v instanceof Double || v instanceof Float) {
            type = "Float";
        } else if (v instanceof Boolean) {
            type = "Boolean";
        } else if (v instanceof Map<?, ?>) {
            type = "Map";
        } else if (v instanceof List<?>) {
            type = "List";
        } else {
            type = v.getClass().getSimpleName();
        }
        String text = v instanceof String s ? "'" + s + "'" : String.valueOf(v);
        if (text.length() > 80) {
            text = text.substring(0, 77) + "...";
        }
        return text + " (" + type + ")";
    }

    /** {@code 'a', 'b'}: at most ten names, each cut to a bounded length (see {@link mmr.model.text.Bounded}). */
    private static String quoted(Collection<String> names) {
        return Bounded.join(names);
    }

}
