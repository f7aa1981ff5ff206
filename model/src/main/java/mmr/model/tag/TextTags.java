package mmr.model.tag;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Free text to known tags, transparently: the words of the text (normalised like tags, split on
 * whitespace and punctuation other than {@code - _ '}) are matched left to right, longest first —
 * up to {@link #MAX_WORDS} consecutive words joined by a space, a hyphen, an underscore or nothing
 * ("white background" → {@code white background}, {@code white-background}, {@code white_background},
 * {@code whitebackground}) — and a word that matches nothing is tried with simple plural/singular
 * folding (cats → cat, berries → berry, boxes → box, cat → cats). Words that still match nothing are
 * reported; a few function words ({@link #STOPWORDS}) are dropped silently unless they are tags.
 */
public final class TextTags {
    /** Longest run of words joined into one tag. */
    public static final int MAX_WORDS = 4;
    /** Longest text taken. */
    public static final int MAX_CHARS = 1_000;
    public static final Set<String> STOPWORDS = Set.of("a", "an", "the", "and", "or", "of", "with", "in", "on", "at",
            "to", "for", "by", "from", "some", "my", "its", "is", "are", "like", "this", "that");
    private static final Pattern SPLIT = Pattern.compile("[^\\p{L}\\p{N}\\-_']+");
    private static final String[] JOINERS = {" ", "-", "_", ""};

    /** The tags found (in text order, no duplicates) and the words left unmatched. */
    public record Match(List<String> tags, List<String> unmatched) {}

    private TextTags() {}

    public static Match match(String text, Predicate<String> known) {
        List<String> words = new ArrayList<>();
        for (String w : SPLIT.split(TagNames.normalise(text))) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        Set<String> tags = new LinkedHashSet<>();
        List<String> unmatched = new ArrayList<>();
        int i = 0;
        while (i < words.size()) {
            String found = null;
            int used = 0;
            for (int len = Math.min(MAX_WORDS, words.size() - i); len >= 1 && found == null; len--) {
                for (String candidate : candidates(words.subList(i, i + len))) {
                    if (known.test(candidate)) {
                        found = candidate;
                        used = len;
                        break;
                    }
                }
            }
            if (found != null) {
                tags.add(found);
                i += used;
            } else {
                String w = words.get(i);
                if (!STOPWORDS.contains(w)) {
                    unmatched.add(w);
                }
                i++;
            }
        }
        return new Match(List.copyOf(tags), List.copyOf(unmatched));
    }

    /** Spellings to try for a run of words: joined every way, then with the last word folded. */
    static List<String> candidates(List<String> run) {
        List<String> out = new ArrayList<>();
        String head = String.join(" ", run.subList(0, run.size() - 1));
        String last = run.get(run.size() - 1);
        List<String> lasts = new ArrayList<>();
        lasts.add(last);
        lasts.addAll(folded(last));
        for (String l : lasts) {
            if (run.size() == 1) {
                out.add(l);
                continue;
            }
            for (String j : JOINERS) {
                out.add(head.replace(" ", j) + j + l);
            }
        }
        return out;
    }

    /** Singular and plural forms of an English word, by the common suffix rules. */
    static List<String> folded(String w) {
        List<String> out = new ArrayList<>();
        if (w.length() > 3 && w.endsWith("ies")) {
            out.add(w.substring(0, w.length() - 3) + "y");
        }
        if (w.length() > 3 && (w.endsWith("ses") || w.endsWith("xes") || w.endsWith("zes") || w.endsWith("ches")
                || w.endsWith("shes"))) {
            out.add(w.substring(0, w.length() - 2));
        }
        if (w.length() > 2 && w.endsWith("s") && !w.endsWith("ss")) {
            out.add(w.substring(0, w.length() - 1));
        }
        if (!w.endsWith("s")) {
            out.add(w.endsWith("y") && w.length() > 2 && "aeiou".indexOf(w.charAt(w.length() - 2)) < 0
                    ? w.substring(0, w.length() - 1) + "ies" : w + "s");
            if (w.endsWith("x") || w.endsWith("ch") || w.endsWith("sh")) {
                out.add(w + "es");
            }
        }
        return out;
    }
}
