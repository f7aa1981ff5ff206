package mmr.ingest.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mmr.ingest.graph.GraphWriter;

class ManifestReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsJsonLines() throws Exception {
        List<ManifestEntry> entries = read("m.jsonl",
                "{\"id\": \"a\", \"path\": \"img/a.png\", \"tags\": [\"Cat\", \"pet\"], \"metadata\": {\"vendor\": \"x\"}}\n"
                        + "\n"
                        + "{\"id\": 7, \"features\": [0.5, 1, -2e-3]}\r\n");
        assertThat(entries).hasSize(2);
        ManifestEntry.Record a = (ManifestEntry.Record) entries.get(0);
        assertThat(a.id()).isEqualTo("a");
        assertThat(a.path()).isEqualTo("img/a.png");
        assertThat(a.tags()).containsExactly("Cat", "pet");
        assertThat(a.metadata()).containsEntry("vendor", "x");
        ManifestEntry.Record b = (ManifestEntry.Record) entries.get(1);
        assertThat(b.id()).isEqualTo("7");
        assertThat(b.line()).isEqualTo(3);
        assertThat(b.features()).containsExactly(0.5f, 1f, -0.002f);
    }

    @Test
    void readsCsvWithQuotesAndMetadataColumns() throws Exception {
        List<ManifestEntry> entries = read("m.csv", "\uFEFFid,path,tags,Vendor\n"
                + "a,img/a.png,cat|\"pet, small\",google\n"
                + "\"b\",\"img/b.png\",,twitter\n"
                + "c,,,\n");
        ManifestEntry.Record a = (ManifestEntry.Record) entries.get(0);
        assertThat(a.tags()).containsExactly("cat", "\"pet, small\"".replace("\"", ""));
        assertThat(a.metadata()).containsEntry("vendor", "google");
        assertThat(((ManifestEntry.Record) entries.get(1)).tags()).isEmpty();
        assertThat(entries.get(2)).isInstanceOf(ManifestEntry.Problem.class);
        assertThat(((ManifestEntry.Problem) entries.get(2)).reason())
                .isEqualTo("needs a 'path' to an image file or precomputed 'features'");
    }

    @Test
    void metadataKeysHaveOneSpellingWhoeverWroteThem() throws Exception {
        List<ManifestEntry> entries = read("m.jsonl", "{\"id\": \"a\", \"path\": \"a.png\", \"metadata\": "
                + "{\"Concept\": \"c1\", \"eval_category\": \"animals\", \" Sub Category \": \"sea\", \"eval_\": \"kept\"}}\n");
        assertThat(((ManifestEntry.Record) entries.get(0)).metadata())
                .containsExactly(Map.entry("concept", "c1"), Map.entry("category", "animals"), Map.entry("sub_category", "sea"),
                        Map.entry("eval_", "kept"));
        assertThat(GraphWriter.evaluationProperty("eval_Concept")).isEqualTo("eval_concept");
    }

    @Test
    void malformedLinesAreProblemsAndReadingGoesOn() throws Exception {
        List<ManifestEntry> entries = read("m.jsonl", "{\"id\": \"a\", \"path\": \"a.png\"\n"
                + "[1, 2]\n"
                + "{\"path\": \"x.png\"}\n"
                + "{\"id\": \"d\", \"path\": \"d.png\", \"features\": [1]}\n"
                + "{\"id\": \"e\", \"path\": 5}\n"
                + "{\"id\": \"f\", \"features\": [1, \"x\"]}\n"
                + "{\"id\": \"g\", \"path\": \"g.png\", \"tags\": \"red, round\"}\n"
                + "{\"id\": \"ok\", \"path\": \"ok.png\"}\n");
        assertThat(entries).hasSize(8);
        assertThat(reason(entries.get(0))).startsWith("malformed JSON: ");
        assertThat(reason(entries.get(1))).startsWith("malformed JSON: expected an object");
        assertThat(reason(entries.get(2))).isEqualTo("missing 'id' (a non-empty string or number)");
        assertThat(reason(entries.get(3))).isEqualTo("has both 'path' and 'features'; give one");
        assertThat(reason(entries.get(4))).isEqualTo("'path' must be a string, got number");
        assertThat(reason(entries.get(5))).isEqualTo("'features' must be a list of numbers; element 1 is \"x\"");
        assertThat(reason(entries.get(6))).isEqualTo("'tags' must be a list of strings, e.g. [\"red\", \"round\"]; got \"red, round\"");
        assertThat(entries.get(7)).isInstanceOf(ManifestEntry.Record.class);
    }

    @Test
    void nonUtf8LinesAreNamedNotGuessed() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("{\"id\": \"caf".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xE9);                                   // Latin-1 'é'
        bytes.writeBytes("\", \"path\": \"a.png\"}\n{\"id\": \"b\", \"path\": \"b.png\"}\n".getBytes(StandardCharsets.UTF_8));
        Path m = Files.write(dir.resolve("m.jsonl"), bytes.toByteArray());
        List<ManifestEntry> entries = readAll(m);
        assertThat(reason(entries.get(0))).isEqualTo("line is not valid UTF-8 (bad byte at offset 11); save the manifest as UTF-8");
        assertThat(((ManifestEntry.Record) entries.get(1)).id()).isEqualTo("b");
    }

    @Test
    void csvFieldCountAndQuotesAreChecked() throws Exception {
        List<ManifestEntry> entries = read("m.csv", "id,path,tags\na,a.png\nb,\"b.png,\n");
        assertThat(reason(entries.get(0))).isEqualTo("malformed CSV: 2 fields, the header has 3");
        assertThat(reason(entries.get(1))).isEqualTo("malformed CSV: unbalanced quotes");
    }

    @Test
    void unknownFormatAndHeaderWithoutId() throws Exception {
        Path txt = Files.writeString(dir.resolve("m.txt"), "x");
        assertThatThrownBy(() -> ManifestReader.open(txt))
                .hasMessage("manifest '" + txt + "' has an unknown format; accepted: .jsonl, .ndjson (JSON Lines) or .csv");
        assertThatThrownBy(() -> read("h.csv", "name,path\na,b\n"))
                .hasMessage("CSV manifest header [name, path] has no 'id' column; expected id,path,tags");
    }

    private String reason(ManifestEntry e) {
        assertThat(e).isInstanceOf(ManifestEntry.Problem.class);
        return ((ManifestEntry.Problem) e).reason();
    }

    private List<ManifestEntry> read(String name, String content) throws Exception {
        return readAll(Files.writeString(dir.resolve(name), content));
    }

    private static List<ManifestEntry> readAll(Path manifest) throws Exception {
        List<ManifestEntry> out = new ArrayList<>();
        try (ManifestReader r = ManifestReader.open(manifest)) {
            r.forEachRemaining(out::add);
        }
        return out;
    }
}
