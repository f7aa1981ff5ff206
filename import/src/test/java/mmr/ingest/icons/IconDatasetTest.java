package mmr.ingest.icons;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The icon catalog's manifest: tags from names, aliases and categories; families as evaluation metadata only. */
class IconDatasetTest {
    private static final String META = """
            [
             {"id": "H", "baseIconId": "H", "name": "heart", "aliases": ["favorite", "love"],
              "tags": ["Shape", "Medical / Hospital"], "deprecated": false},
             {"id": "HO", "baseIconId": "H", "name": "heart-outline", "aliases": ["favorite-border"],
              "tags": ["Shape"], "deprecated": false},
             {"id": "C", "baseIconId": "C", "name": "car-sports", "aliases": [],
              "tags": ["Transportation + Road"], "deprecated": false},
             {"id": "X", "baseIconId": "X", "name": "old-thing", "aliases": [], "tags": [], "deprecated": true},
             {"id": "N", "baseIconId": "N", "name": "ab-testing", "aliases": [], "tags": [], "deprecated": false}
            ]""";

    @Test
    void tagsAreTheWordsOfNameAliasesAndCategoriesAndFamiliesAreMetadata() throws Exception {
        List<IconDataset.Icon> icons = IconDataset.icons(new ObjectMapper().readTree(META));
        assertThat(icons).extracting(IconDataset.Icon::name).containsExactly("heart", "heart-outline", "car-sports", "ab-testing");
        IconDataset.Icon outline = icons.get(1);
        assertThat(outline.tags()).containsExactly("heart", "outline", "favorite", "border", "shape");
        assertThat(outline.family()).isEqualTo("H");
        assertThat(outline.category()).isEqualTo("Shape");
        assertThat(outline.subcategory()).as("first word of the family's base name").isEqualTo("heart");
        assertThat(icons.get(0).tags()).containsExactly("heart", "favorite", "love", "shape", "medical", "hospital");
        assertThat(icons.get(2).tags()).containsExactly("car", "sports", "transportation", "road");
        assertThat(icons.get(3).category()).isEqualTo("Uncategorized");
    }

    @Test
    void theManifestKeepsFamiliesOutOfTagsAndSamplesWholeFamilies(@TempDir Path dir) throws Exception {
        Path prepared = dir.resolve("prepared");
        Files.createDirectories(prepared.resolve("svg"));
        Files.writeString(prepared.resolve("meta.json"), META);
        for (String name : List.of("heart", "heart-outline", "car-sports", "ab-testing")) {
            Files.writeString(prepared.resolve("svg/" + name + ".svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        }
        Path manifest = new IconDataset(dir).build(prepared, 0, 1, dir.resolve("out"));
        List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(4);
        JsonNode outline = new ObjectMapper().readTree(lines.get(1));
        assertThat(outline.path("id").asText()).isEqualTo("mdi:heart-outline");
        assertThat(outline.path("path").asText()).isEqualTo("svg/heart-outline.svg");
        assertThat(outline.path("metadata").path("concept").asText()).isEqualTo("H");
        assertThat(outline.path("tags").toString()).doesNotContain("\"H\"");
        assertThat(dir.resolve("out/svg/heart-outline.svg")).exists();

        List<IconDataset.Icon> sample = IconDataset.sample(IconDataset.icons(new ObjectMapper().readTree(META)), 1, 1);
        assertThat(sample.stream().map(IconDataset.Icon::family).distinct()).hasSize(1);
        List<IconDataset.Icon> hearts = IconDataset.sample(IconDataset.icons(new ObjectMapper().readTree(META)), 3, 1);
        assertThat(hearts).extracting(IconDataset.Icon::name).contains("heart", "heart-outline");
    }
}
