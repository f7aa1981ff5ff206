package mmr.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Quality numbers in README and docs/ come from a committed evaluation run: each is written as
 * {@code 0.587<!--eval:image/0.0/mmr/images/1.0/ndcg5-->} (setting, dropout, method, connect and
 * slider weight when the row has them, metric, separated by '/' — a '|' would split a table cell;
 * {@code <!--eval:RUN:…-->} names a run folder under
 * docs/evaluation/ other than the default one), and must equal that row of its results.json to the
 * digits written.
 */
class DocNumbersTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern MARKED = Pattern.compile("([0-9]+\\.[0-9]+)<!--eval:(?:([a-z0-9_+.-]+):)?([^>]+?)-->");

    @Test
    void everyMarkedNumberIsItsResultsRow() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path doc : docs) {
            Matcher m = MARKED.matcher(Files.readString(doc));
            while (m.find()) {
                checked++;
                Path results = ROOT.resolve("docs/evaluation").resolve(m.group(2) == null ? "" : m.group(2)).resolve("results.json");
                String[] key = m.group(3).split("/");
                Double value = value(results, key);
                String written = m.group(1);
                int digits = written.length() - written.indexOf('.') - 1;
                String expected = value == null ? null : String.format(Locale.ROOT, "%." + digits + "f", value);
                if (!written.equals(expected)) {
                    problems.add(doc.getFileName() + ": " + written + " for " + m.group(3) + " in " + ROOT.relativize(results)
                            + (value == null ? ": no such row or metric" : ": the row says " + value));
                }
            }
        }
        assertThat(checked).as("marked numbers in README and docs").isGreaterThanOrEqualTo(10);
        assertThat(problems).isEmpty();
    }

    /** The metric of the row {@code setting/dropout/method[/connect/visualWeight]/metric}, or null. */
    private static Double value(Path results, String[] key) throws IOException {
        if (!Files.isRegularFile(results) || (key.length != 4 && key.length != 6)) {
            return null;
        }
        List<Map<String, Object>> rows = new ObjectMapper().readValue(results.toFile(), new TypeReference<>() {});
        for (Map<String, Object> r : rows) {
            boolean same = key[0].equals(r.get("setting")) && Double.parseDouble(key[1]) == ((Number) r.get("dropout")).doubleValue()
                    && key[2].equals(r.get("method"));
            if (key.length == 6) {
                same &= key[3].equals(r.get("connect")) && r.get("visualWeight") != null
                        && Double.parseDouble(key[4]) == ((Number) r.get("visualWeight")).doubleValue();
            } else {
                same &= r.get("connect") == null;
            }
            if (same) {
                Object v = r.get(key[key.length - 1]);
                return v instanceof Number n ? n.doubleValue() : null;
            }
        }
        return null;
    }

    @Test
    void aWrongNumberIsCaught() throws IOException {
        Path results = ROOT.resolve("docs/evaluation/results.json");
        Double visual = value(results, new String[] {"image", "0.0", "visual", "ndcg5"});
        assertThat(visual).as("the plain cosine row of the committed run").isNotNull();
        assertThat(Objects.equals(value(results, new String[] {"image", "0.0", "visual", "nope"}), null)).isTrue();
        assertThat(value(results, new String[] {"image", "0.0", "mmr", "images", "1.0", "ndcg5"})).isNotNull();
    }
}
