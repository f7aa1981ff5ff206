package mmr.ingest.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mmr.ingest.manifest.ManifestEntry;
import mmr.ingest.manifest.ManifestReader;
import mmr.model.vector.Vectors;

class SyntheticCatalogTest {
    @Test
    void isSeededAndReadableByTheImporter(@TempDir Path dir) throws Exception {
        SyntheticCatalog.Spec spec = new SyntheticCatalog.Spec(300, 32, 6, 100, 4, 1.1, 0.6, 5);
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        SyntheticCatalog.write(spec, a);
        SyntheticCatalog.write(spec, b);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));

        List<ManifestEntry.Record> records = new ArrayList<>();
        try (ManifestReader r = ManifestReader.open(a)) {
            r.forEachRemaining(e -> records.add((ManifestEntry.Record) e));
        }
        assertThat(records).hasSize(300);
        for (ManifestEntry.Record r : records) {
            assertThat(r.features()).hasSize(32);
            assertThat(Vectors.norm(r.features())).isBetween(0.999, 1.001);
        }
        // Same-cluster images are closer than different-cluster ones.
        double same = 0;
        double other = 0;
        int ns = 0;
        int no = 0;
        for (int i = 0; i < 60; i++) {
            for (int j = i + 1; j < 60; j++) {
                double c = Vectors.cosine(records.get(i).features(), records.get(j).features());
                if (records.get(i).metadata().get("cluster").equals(records.get(j).metadata().get("cluster"))) {
                    same += c;
                    ns++;
                } else {
                    other += c;
                    no++;
                }
            }
        }
        assertThat(same / ns).isGreaterThan(other / no + 0.3);
    }

    @Test
    void vendorsOfOneConceptAreNearDuplicatesSharingMostTags(@TempDir Path dir) throws Exception {
        SyntheticCatalog.Spec spec = SyntheticCatalog.Spec.scale(2000, 64, 3);
        Path a = dir.resolve("a.jsonl");
        SyntheticCatalog.write(spec, a);
        List<ManifestEntry.Record> records = new ArrayList<>();
        try (ManifestReader r = ManifestReader.open(a)) {
            r.forEachRemaining(e -> records.add((ManifestEntry.Record) e));
        }
        double pair = 0;
        double next = 0;
        double tags = 0;
        int n = 0;
        for (int i = 0; i + 2 < records.size(); i += 2) {
            ManifestEntry.Record x = records.get(i);
            ManifestEntry.Record y = records.get(i + 1);
            assertThat(x.metadata().get("concept")).isEqualTo(y.metadata().get("concept"));
            assertThat(x.metadata().get("concept")).isNotEqualTo(records.get(i + 2).metadata().get("concept"));
            pair += Vectors.cosine(x.features(), y.features());
            next += Vectors.cosine(x.features(), records.get(i + 2).features());
            List<String> shared = new ArrayList<>(x.tags());
            shared.retainAll(y.tags());
            tags += x.tags().isEmpty() ? 0 : shared.size() / (double) x.tags().size();
            n++;
        }
        assertThat(pair / n).isGreaterThan(0.9);
        assertThat(next / n).isLessThan(0.5);
        assertThat(tags / n).isBetween(0.6, 0.95);
        assertThat(records.stream().mapToInt(r -> r.tags().size()).average().orElseThrow()).isBetween(6.0, 8.0);
    }

    @Test
    void fixedPointFormatting() {
        StringBuilder sb = new StringBuilder();
        SyntheticCatalog.appendFloat(sb, -0.0123456f);
        sb.append(' ');
        SyntheticCatalog.appendFloat(sb, 1f);
        sb.append(' ');
        SyntheticCatalog.appendFloat(sb, 0f);
        assertThat(sb.toString()).isEqualTo("-0.012346 1.000000 0");
    }
}
