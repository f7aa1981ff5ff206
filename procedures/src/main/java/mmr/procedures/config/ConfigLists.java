package mmr.procedures.config;

import java.util.ArrayList;
import java.util.List;

/** List-valued config entries, with the same kind of messages as {@link ConfigMap}. */
public final class ConfigLists {
    private ConfigLists() {}

    /** A non-empty list of integers, each in [min, max], at most {@code maxSize} long. */
    public static List<Integer> integers(String procedure, String key, Object value, List<Integer> defaultValue,
                                         int maxSize, int min, int max) {
        ConfigMap.read(procedure, key, "integers", defaultValue, min, max, null);
        if (value == null) {
            return defaultValue;
        }
        String expected = procedure + ": '" + key + "' must be a list of 1 to " + maxSize + " integers from " + min
                + " to " + max + ", got " + ConfigMap.describe(value);
        if (!(value instanceof List<?> list) || list.isEmpty() || list.size() > maxSize) {
            throw new IllegalArgumentException(expected);
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Long || o instanceof Integer) || ((Number) o).longValue() < min || ((Number) o).longValue() > max) {
                throw new IllegalArgumentException(expected);
            }
            out.add(((Number) o).intValue());
        }
        return List.copyOf(out);
    }

    /** A list of exactly {@code size} finite numbers, each in [min, max]. */
    public static List<Double> numbers(String procedure, String key, Object value, List<Double> defaultValue,
                                       int size, double min, double max) {
        ConfigMap.read(procedure, key, "numbers", defaultValue, min, max, null);
        if (value == null) {
            return defaultValue;
        }
        String expected = procedure + ": '" + key + "' must be a list of " + size + " numbers from " + min + " to " + max
                + ", got " + ConfigMap.describe(value);
        if (!(value instanceof List<?> list) || list.size() != size) {
            throw new IllegalArgumentException(expected);
        }
        List<Double> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
                throw new IllegalArgumentException(expected);
            }
            out.add(n.doubleValue());
        }
        return List.copyOf(out);
    }
}
