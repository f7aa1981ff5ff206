package mmr.procedures.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import mmr.procedures.config.ConfigMap;
import mmr.procedures.config.ConfigMap.KeyRead;
import mmr.procedures.knn.KnnConfig;
import mmr.procedures.search.SearchConfig;
import mmr.procedures.testing.TrainedEmojiGraph;
import mmr.procedures.train.TrainConfig;

/**
 * Every documented config table ({@code | key | default | accepted | meaning |} in docs/) against
 * the code: the keys a procedure reads with an empty config (recorded by {@link ConfigMap#recordReads}),
 * their defaults and their bounds or accepted values. A renamed key, a changed default or range
 * fails the build until the docs follow.
 */
class DocumentedConfigTest extends TrainedEmojiGraph {
    private static final Path DOCS = Path.of("..", "docs");
    private static final String HEADER = "| key | default | accepted | meaning |";

    private record Row(String key, String defaultText, String accepted) {}

    /** The doc's key tables, in order. */
    private static List<List<Row>> tables(String doc) throws IOException {
        List<List<Row>> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(DOCS.resolve(doc));
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals(HEADER)) {
                continue;
            }
            List<Row> rows = new ArrayList<>();
            for (int j = i + 2; j < lines.size() && lines.get(j).startsWith("|"); j++) {
                String[] cells = lines.get(j).split("(?<!\\\\)\\|");
                String[] keys = cells[1].replace("`", "").split(",");
                String[] defaults = cells[2].split(",\\s+");
                for (int k = 0; k < keys.length; k++) {   // "`a`, `b` | 1, 2 | see …": one row per key
                    rows.add(new Row(keys[k].strip(), keys.length == defaults.length ? defaults[k].strip() : cells[2].strip(),
                            cells[3].strip()));
                }
            }
            out.add(rows);
        }
        return out;
    }

    @Test
    void knnTableIsTheCode() throws IOException {
        check("procedures.md mmr.knn", tables("procedures.md").get(0), Map.of("", ConfigMap.recordReads(() -> KnnConfig.parse(Map.of()))));
        assertThat(KnnConfig.KEYS).containsExactlyInAnyOrderElementsOf(keys(tables("procedures.md").get(0)));
    }

    @Test
    void trainTableIsTheCode() throws IOException {
        Map<String, List<KeyRead>> byTrainer = new LinkedHashMap<>();
        byTrainer.put("djl", ConfigMap.recordReads(() -> TrainConfig.parse(Map.of())));
        byTrainer.put("gds", ConfigMap.recordReads(() -> TrainConfig.parse(Map.of("trainer", "gds"))));
        List<Row> rows = tables("procedures.md").get(1);
        check("procedures.md mmr.train", rows, byTrainer);
        assertThat(TrainConfig.KEYS).containsExactlyInAnyOrderElementsOf(keys(rows));
    }

    @Test
    void searchTablesAreTheCode() throws IOException {
        List<Row> rows = new ArrayList<>(tables("search.md").get(0));
        rows.addAll(tables("geodesic.md").get(1));   // the walk's keys are documented with geodesic search
        check("search.md + geodesic.md mmr.search", rows,
                Map.of("", ConfigMap.recordReads(() -> SearchConfig.parse("mmr.search", Map.of()))));
        assertThat(SearchConfig.KEYS).containsExactlyInAnyOrderElementsOf(new TreeSet<>(keys(rows)));
    }

    @Test
    void predictTagsTableIsTheCode() throws IOException {
        List<Row> rows = new ArrayList<>(tables("search.md").get(0));
        rows.addAll(tables("geodesic.md").get(1));
        List<Row> own = tables("search.md").stream().filter(t -> keys(t).contains("voteWeight")).findFirst().orElseThrow();
        rows.addAll(own);
        check("search.md mmr.predictTags", rows,
                Map.of("", ConfigMap.recordReads(() -> SearchConfig.parsePrediction("mmr.predictTags", Map.of()))));
        assertThat(SearchConfig.PREDICT_KEYS).containsExactlyInAnyOrderElementsOf(new TreeSet<>(keys(rows)));
    }

    @Test
    void rerankTableIsTheCode() throws IOException {
        List<KeyRead> reads = ConfigMap.recordReads(() -> rows("CALL mmr.rerank([{image: $id, score: 1.0}]) YIELD image RETURN image",
                Map.of("id", QUERY_ID)));
        check("rerank.md mmr.rerank", tables("rerank.md").get(0), Map.of("", reads));
    }

    @Test
    void pathTableIsTheCode() throws IOException {
        List<KeyRead> reads = ConfigMap.recordReads(() -> rows("CALL mmr.path($a, $b) YIELD found RETURN found",
                Map.of("a", QUERY_ID, "b", "twitter:1fabd")));
        check("geodesic.md mmr.path", tables("geodesic.md").get(0), Map.of("", reads));
    }

    private static List<String> keys(List<Row> rows) {
        return rows.stream().map(Row::key).toList();
    }

    /** {@code reads} per variant ("" when one; else "djl"/"gds", which the docs write as "djl X, gds Y"). */
    private static void check(String where, List<Row> rows, Map<String, List<KeyRead>> reads) {
        List<String> problems = new ArrayList<>();
        Set<String> read = new TreeSet<>();
        reads.values().forEach(list -> list.forEach(r -> read.add(r.key())));
        Set<String> documented = new TreeSet<>(keys(rows));
        if (!documented.equals(read)) {
            problems.add("keys documented " + documented + " but read " + read);
        }
        for (Row row : rows) {
            for (var variant : reads.entrySet()) {
                KeyRead r = variant.getValue().stream().filter(x -> x.key().equals(row.key())).findFirst().orElse(null);
                if (r == null) {
                    continue;
                }
                String def = forVariant(row.defaultText(), variant.getKey());
                String acc = forVariant(row.accepted(), variant.getKey());
                String problem = compareDefault(row.key(), def, r, variant.getValue());
                if (problem == null) {
                    problem = compareAccepted(acc, r);
                }
                if (problem != null) {
                    problems.add(row.key() + (variant.getKey().isEmpty() ? "" : " (" + variant.getKey() + ")") + ": " + problem);
                }
            }
        }
        assertThat(problems).as(where + " against the code").isEmpty();
    }

    private static final Pattern PER_TRAINER = Pattern.compile("djl (.+?), gds (.+)");

    private static String forVariant(String text, String variant) {
        Matcher m = PER_TRAINER.matcher(text);
        if (!variant.isEmpty() && m.matches()) {
            return variant.equals("djl") ? m.group(1) : m.group(2);
        }
        return text;
    }

    private static final Pattern NUMBER = Pattern.compile("^[−-]?[0-9][0-9,]*(\\.[0-9]+)?([eE][−-]?[0-9]+)?");

    private static String compareDefault(String key, String text, KeyRead r, List<KeyRead> all) {
        String t = text.replace("`", "").replace("'", "").strip();
        Object d = r.defaultValue();
        if (t.startsWith("= ")) {   // the default of another key
            String other = t.substring(2).strip();
            KeyRead o = all.stream().filter(x -> x.key().equals(other)).findFirst().orElse(null);
            return o != null && String.valueOf(o.defaultValue()).equals(String.valueOf(d)) ? null
                    : "documented as '" + text + "', the code's default is " + d;
        }
        if (d instanceof Number n) {
            Double doc = number(t);
            return doc != null && Math.abs(doc - n.doubleValue()) <= 1e-9 * Math.max(1, Math.abs(doc)) ? null
                    : "default documented as '" + text + "', the code's is " + d;
        }
        if (d instanceof List<?> list) {
            List<Double> doc = new ArrayList<>();
            Matcher m = Pattern.compile("[−-]?[0-9]+(\\.[0-9]+)?").matcher(t);
            while (m.find()) {
                doc.add(Double.parseDouble(m.group().replace('−', '-')));
            }
            List<Double> code = list.stream().map(x -> ((Number) x).doubleValue()).toList();
            return doc.equals(code) ? null : "default documented as '" + text + "', the code's is " + d;
        }
        return t.toLowerCase(Locale.ROOT).equals(String.valueOf(d).toLowerCase(Locale.ROOT)) ? null
                : "default documented as '" + text + "', the code's is " + d;
    }

    private static final Pattern RANGE = Pattern.compile("([−-]?[0-9][0-9,]*(?:\\.[0-9]+)?(?:[eE][−-]?[0-9]+)?)\\s*\\.\\.\\s*"
            + "([−-]?[0-9][0-9,]*(?:\\.[0-9]+)?(?:[eE][−-]?[0-9]+)?)");

    private static String compareAccepted(String text, KeyRead r) {
        if (r.accepted() != null) {
            Set<String> doc = new TreeSet<>();
            String t = text.replace("`'", "'").replace("'`", "'");
            Matcher m = Pattern.compile(t.contains("'") ? "'([^']+)'" : "`([^`]+)`").matcher(t);
            while (m.find()) {
                doc.add(m.group(1).toLowerCase(Locale.ROOT));
            }
            Set<String> code = new TreeSet<>();
            ((Collection<String>) r.accepted()).forEach(a -> code.add(a.toLowerCase(Locale.ROOT)));
            return doc.equals(code) ? null : "accepted documented as " + doc + ", the code accepts " + code;
        }
        if (r.min() == null) {
            return null;
        }
        Matcher last = null;
        for (Matcher m = RANGE.matcher(text); m.find(); ) {
            last = RANGE.matcher(text);
            last.find(m.start());
        }
        if (last == null) {
            return null;   // no range written (e.g. 'integer'): nothing to compare
        }
        double lo = number(last.group(1));
        double hi = number(last.group(2));
        double min = ((Number) r.min()).doubleValue();
        double max = ((Number) r.max()).doubleValue();
        return Math.abs(lo - min) <= 1e-9 * Math.max(1, Math.abs(min)) && Math.abs(hi - max) <= 1e-9 * Math.max(1, Math.abs(max)) ? null
                : "range documented as " + last.group() + ", the code's is " + r.min() + ".." + r.max();
    }

    private static Double number(String text) {
        Matcher m = NUMBER.matcher(text.strip());
        return m.find() ? Double.parseDouble(m.group().replace(",", "").replace('−', '-')) : null;
    }
}
