package mmr.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.zip.CRC32C;

/** A seeded sample spread evenly over categories: each category in a seeded order, taken round-robin. */
public final class SpreadSample {
    private SpreadSample() {}

    /** At most {@code n} of {@code items}, spread over {@code category}; {@code key} orders them by a seeded hash. */
    public static <T> List<T> of(List<T> items, Function<T, String> category, Function<T, String> key, int n, long seed) {
        Map<String, List<T>> byCategory = new TreeMap<>();
        for (T item : items) {
            byCategory.computeIfAbsent(category.apply(item), c -> new ArrayList<>()).add(item);
        }
        for (List<T> list : byCategory.values()) {
            list.sort(Comparator.comparingLong(item -> hash(seed, key.apply(item))));
        }
        List<T> out = new ArrayList<>();
        for (int round = 0; out.size() < n; round++) {
            boolean any = false;
            for (List<T> list : byCategory.values()) {
                if (round < list.size() && out.size() < n) {
                    out.add(list.get(round));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        return out;
    }

    private static long hash(long seed, String s) {
        CRC32C crc = new CRC32C();
        crc.update(Long.toString(seed).getBytes(StandardCharsets.UTF_8));
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
