package mmr.procedures.config;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A procedure's {@code config} map, read once into typed values. Every accessor names the key,
 * the bad value and what is accepted; unknown keys are refused with the list of known ones.
 */
public final class ConfigMap {
    private final String procedure;
    private final Map<String, Object> values;

    private ConfigMap(String procedure, Map<String, Object> values) {
        this.procedure = procedure;
        this.values = values;
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
        } else if (v instanceof java.util.List<?>) {
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
        return mmr.model.text.Bounded.join(names);
    }

}
