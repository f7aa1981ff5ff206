package mmr.model.text;

import java.util.Collection;
import java.util.Iterator;
import java.util.function.Function;

/**
 * Bounded quoting of user-supplied values in messages and log lines: a value is cut to
 * {@value #MAX_CHARS} characters (then "… (N characters)"), a list to {@value #MAX_ITEMS} items (then
 * "… and N more"), so an error about a megabyte-long tag or a hundred thousand unknown tags stays a
 * line, not a megabyte.
 */
public final class Bounded {
    public static final int MAX_CHARS = 200;
    public static final int MAX_ITEMS = 10;

    private Bounded() {}

    /** {@code s} cut to {@value #MAX_CHARS} characters, control characters shown as {@code \\uXXXX}. */
    public static String cut(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        int n = Math.min(s.length(), MAX_CHARS);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (s.length() > MAX_CHARS) {
            out.append("… (").append(s.length()).append(" characters)");
        }
        return out.toString();
    }

    /** {@code 's'}, cut. */
    public static String quote(String s) {
        return "'" + cut(s) + "'";
    }

    /** {@code ['a', 'b', … and N more]}: at most {@value #MAX_ITEMS} items, each quoted and cut. */
    public static String list(Collection<String> items) {
        return list(items, Bounded::quote);
    }

    /** {@code 'a', 'b', … and N more}: {@link #list(Collection)} without the brackets. */
    public static String join(Collection<String> items) {
        String list = list(items);
        return list.substring(1, list.length() - 1);
    }

    /** At most {@value #MAX_ITEMS} items, each shown by {@code show}. */
    public static <T> String list(Collection<T> items, Function<T, String> show) {
        StringBuilder out = new StringBuilder("[");
        Iterator<T> it = items.iterator();
        int shown = 0;
        while (it.hasNext() && shown < MAX_ITEMS) {
            if (shown > 0) {
                out.append(", ");
            }
            out.append(show.apply(it.next()));
            shown++;
        }
        if (items.size() > shown) {
            out.append(", … and ").append(items.size() - shown).append(" more");
        }
        return out.append(']').toString();
    }
}
