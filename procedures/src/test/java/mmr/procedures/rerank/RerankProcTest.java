package mmr.procedures.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import mmr.procedures.testing.TrainedEmojiGraph;

/** mmr.rerank on the trained emoji fixture. */
@SuppressWarnings("unchecked")
class RerankProcTest extends TrainedEmojiGraph {
    @Test
    void rerankPropagatesScoresOverTheCandidatesGraph() {
        String before = checksum();
        List<Map<String, Object>> candidates = rows("CALL mmr.search({tags: ['animal']}, {k: 20}) YIELD image, rank "
                + "RETURN image.id AS image, 1.0 / rank AS score", Map.of());
        List<Map<String, Object>> r = rows("CALL mmr.rerank($c) YIELD image, score, rank, initialRank "
                + "RETURN image.id AS id, score, rank, initialRank", Map.of("c", candidates));
        assertThat(r).hasSize(20);
        assertThat(r).extracting(m -> m.get("rank")).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
        assertThat(r).extracting(m -> m.get("initialRank")).containsExactlyInAnyOrderElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
        for (Map<String, Object> m : r) {   // initialRank is the candidate's place in the input (sorted by score)
            assertThat(candidates.get(((Long) m.get("initialRank")).intValue() - 1).get("image")).isEqualTo(m.get("id"));
        }
        assertThat(rows("CALL mmr.rerank($c) YIELD image RETURN image.id AS id", Map.of("c", candidates)))
                .extracting(m -> m.get("id")).isEqualTo(r.stream().map(m -> m.get("id")).toList());   // deterministic
        List<Object> unchanged = rows("CALL mmr.rerank($c, {steps: 0}) YIELD image RETURN image.id AS id", Map.of("c", candidates))
                .stream().map(m -> m.get("id")).toList();
        assertThat(unchanged).isEqualTo(candidates.stream().map(m -> m.get("image")).toList());
        assertThat(rows("CALL mmr.rerank($c, {edges: 'similar', vectors: 'embedding'}) YIELD image RETURN image", Map.of("c", candidates)))
                .hasSize(20);
        assertThat(rows("CALL mmr.rerank($c, {edges: 'tags'}) YIELD image RETURN image", Map.of("c", candidates))).hasSize(20);
        assertThat(checksum()).isEqualTo(before);

        String s = "CALL mmr.rerank($c, $cfg)";
        Map<String, Object> ok = Map.of("image", QUERY_ID, "score", 1.0);
        assertExactError(s, Map.of("c", List.of(), "cfg", Map.of()), "mmr.rerank: 'candidates' is empty; give 1 to 1000 maps {image: node or id, score: number}");
        assertExactError(s, Map.of("c", java.util.Collections.nCopies(1001, ok), "cfg", Map.of()), "mmr.rerank: 'candidates' holds 1001; one call takes at most 1000");
        assertExactError(s, Map.of("c", List.of(ok, ok), "cfg", Map.of()), "mmr.rerank: candidates 1 and 2 are the same image 'google:1fabd'; give each image once");
        assertExactError(s, Map.of("c", List.of(Map.of("image", "nope:0", "score", 1.0)), "cfg", Map.of()), "mmr.rerank: candidate 1 names no Image with id 'nope:0'");
        assertExactError(s, Map.of("c", List.of(Map.of("image", QUERY_ID, "score", Double.NaN)), "cfg", Map.of()), "mmr.rerank: candidate 1's 'score' must be a finite number, got NaN");
        assertExactError(s, Map.of("c", List.of(Map.of("image", QUERY_ID)), "cfg", Map.of()), "mmr.rerank: candidate 1's 'score' must be a finite number, got null");
        assertExactError(s, Map.of("c", List.of("x"), "cfg", Map.of()), "mmr.rerank: candidate 1 must be a map {image, score}, got 'x'");
        assertExactError(s, Map.of("c", List.of(ok), "cfg", Map.of("alpha", 1.0)), "mmr.rerank: 'alpha' must be a number from 0.0 to 0.99, got 1.0");
        assertExactError(s, Map.of("c", List.of(ok), "cfg", Map.of("edges", "all")), "mmr.rerank: 'edges' must be one of 'knn', 'similar', 'both', 'tags', got 'all'");
        assertExactError("MATCH (t:Tag {name: 'sea'}) CALL mmr.rerank([{image: t, score: 1}]) YIELD rank RETURN rank", Map.of(),
                "mmr.rerank: candidate 1's 'image' is not an Image node (labels ['Tag'])");
    }

    /** It lifts no input in mmr eval (docs/evaluation.md): it says so where users meet it, and the explorer leaves it out. */
    @Test
    void rerankIsMarkedExperimentalAndTheExplorerDoesNotOfferIt() throws Exception {
        assertThat((String) rows("SHOW PROCEDURES YIELD name, description WHERE name = 'mmr.rerank' RETURN description", Map.of())
                .get(0).get("description")).startsWith("Experimental");
        for (String file : List.of("index.html", "app.js")) {
            try (var page = getClass().getResourceAsStream("/mmr/web/" + file)) {
                assertThat(new String(page.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).as(file)
                        .doesNotContainIgnoringCase("rerank");
            }
        }
    }
}
