package mmr.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mmr.eval.Holdout.HeldOutQuery;
import mmr.eval.Holdout.Item;
import mmr.eval.Holdout.Split;
import mmr.model.eval.Baselines;

/** How the evaluation picks its held-out queries from catalogs shaped unlike the emoji. */
class HoldoutTest {

    @TempDir
    Path dir;

    @Test
    void sharedConceptsLoseOneImageEachAndKeepTheRest() throws Exception {
        List<Item> all = items(40, i -> "concept-" + (i / 2));
        Split split = Holdout.split(all, 0.1, 1, 0);

        assertThat(split.byConcept()).isTrue();
        assertThat(split.queries()).hasSize(2);
        Set<String> catalogConcepts = new HashSet<>();
        split.catalog().forEach(i -> catalogConcepts.add(i.concept()));
        for (HeldOutQuery q : split.queries()) {
            assertThat(catalogConcepts).as("the held-out image's concept keeps an image in the catalog").contains(q.item().concept());
        }
    }

    @Test
    void aCatalogOfSingleImageConceptsIsSplitByImages() throws Exception {
        // An icon set without variants: every concept is one image, so no concept can be held out and still be found.
        List<Item> all = items(40, i -> "icon-" + i);
        Split split = Holdout.split(all, 0.1, 1, 0);

        assertThat(split.byConcept()).isFalse();
        assertThat(split.queries()).hasSize(4);
        assertThat(split.catalog()).hasSize(36);
        Set<String> catalogIds = new HashSet<>();
        split.catalog().forEach(i -> catalogIds.add(i.id()));
        split.queries().forEach(q -> assertThat(catalogIds).doesNotContain(q.item().id()));
        assertThat(Holdout.split(all, 0.1, 1, 0).queries()).extracting(q -> q.item().id())
                .as("seeded").containsExactlyElementsOf(split.queries().stream().map(q -> q.item().id()).toList());
    }

    @Test
    void aQueryWhoseConceptTheCatalogLacksHasNoTwinToFind() throws Exception {
        List<Item> catalog = withFeatures(items(6, i -> "concept-" + (i / 2)));
        Baselines baselines = new Baselines(catalog.stream().map(Item::features).toArray(float[][]::new),
                catalog.stream().map(i -> (Set<String>) new HashSet<>(i.tags())).toList());
        Item shared = withFeatures(items(1, i -> "concept-1")).get(0);
        Item alone = withFeatures(items(1, i -> "concept-9")).get(0);

        assertThat(Judgement.of(new HeldOutQuery(shared, null, null), catalog, baselines).twin())
                .containsExactly(false, false, true, true, false, false);
        assertThat(Judgement.of(new HeldOutQuery(alone, null, null), catalog, baselines).twin())
                .as("twin@10 is not scored for it, rather than scored 0").isNull();
    }

    private static List<Item> withFeatures(List<Item> items) {
        return items.stream().map(i -> new Item(i.id(), i.file(), i.tags(), i.metadata(),
                new float[] {1, i.id().length(), i.tags().get(0).hashCode() % 7})).toList();
    }

    private List<Item> items(int n, java.util.function.IntFunction<String> concept) throws Exception {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path file = Files.write(dir.resolve("img-" + i + ".png"), new byte[] {(byte) i});
            items.add(new Item("img-" + i, file, List.of("tag-" + (i % 3)), Map.of("concept", concept.apply(i), "category", "c"), null));
        }
        return items;
    }
}
