package mmr.procedures.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.Node;

import mmr.model.vector.Vectors;
import mmr.procedures.graph.SageStates;
import mmr.procedures.testing.TrainedEmojiGraph;

/** mmr.search, mmr.predictTags and mmr.attach on the trained emoji fixture: ranking, sources, the slider, steering, read-only. */
@SuppressWarnings("unchecked")
class SearchProcTest extends TrainedEmojiGraph {
    @Test
    void searchReturnsKRankedImagesWithBothScores() {
        List<Map<String, Object>> r = rows("CALL mmr.search({id: $id}, {k: 7}) YIELD image, score, rank, visualScore, conceptScore "
                + "RETURN image.id AS id, score, rank, visualScore, conceptScore", Map.of("id", QUERY_ID));
        assertThat(r).hasSize(7);
        assertThat(r).extracting(m -> m.get("rank")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(r).extracting(m -> m.get("id")).doesNotContain(QUERY_ID).doesNotHaveDuplicates();
        for (int i = 1; i < r.size(); i++) {
            assertThat((Double) r.get(i).get("score")).isLessThanOrEqualTo((Double) r.get(i - 1).get("score"));
        }
        assertThat(r).allSatisfy(m -> {
            assertThat(m.get("visualScore")).isNotNull();
            assertThat(m.get("conceptScore")).isNotNull();
        });
        assertThat(ids(Map.of("id", QUERY_ID), Map.of("excludeQuery", false, "k", 3))).hasSize(3);
    }

    @Test
    void everyImageSourceOfTheSameImageGivesTheSameResults() throws Exception {
        byte[] png = queryPng();
        List<String> byId = ids(Map.of("id", QUERY_ID, "tags", List.of("nature")), Map.of("excludeQuery", false));
        Node node = db.executeTransactionally("MATCH (i:Image {id: $id}) RETURN i", Map.of("id", QUERY_ID), r -> (Node) r.next().get("i"));
        float[] features = db.executeTransactionally("MATCH (i:Image {id: $id}) RETURN i.features AS f", Map.of("id", QUERY_ID),
                r -> (float[]) r.next().get("f"));
        List<Double> featureList = new ArrayList<>();
        for (float f : features) {
            featureList.add((double) f);
        }
        Map<String, Object> config = Map.of("excludeQuery", false);
        List<String> tags = List.of("nature");
        assertThat(rows("MATCH (i:Image {id: $id}) CALL mmr.search({node: i, tags: ['nature']}, {excludeQuery: false}) "
                + "YIELD image RETURN image.id AS id", Map.of("id", QUERY_ID)).stream().map(m -> m.get("id")).toList())
                .isEqualTo(byId);
        assertThat(node).isNotNull();
        // An image from outside the catalog is a new image: it attaches to its catalog copy, too (cosine 1).
        List<String> unseen = ids(Map.of("features", featureList, "tags", tags), config);
        assertThat(unseen).hasSize(10);
        assertThat(ids(Map.of("bytes", png, "tags", tags), config)).isEqualTo(unseen);
        assertThat(ids(Map.of("base64", Base64.getEncoder().encodeToString(png), "tags", tags), config)).isEqualTo(unseen);
        assertThat(ids(Map.of("base64", "data:image/png;base64," + Base64.getEncoder().encodeToString(png), "tags", tags), config))
                .isEqualTo(unseen);
        assertThat(ids(Map.of("file", "query.png", "tags", tags), config)).isEqualTo(unseen);
        Object attachedToCopy = rows("CALL mmr.attach({bytes: $png}) YIELD images RETURN [l IN images | l.id] AS ids",
                Map.of("png", png)).get(0).get("ids");
        assertThat(attachedToCopy).asList().contains(QUERY_ID);
    }

    @Test
    void theSliderMovesBetweenTheVisualAndTheConceptualRanking() {
        Map<String, Object> q = Map.of("id", QUERY_ID, "tags", List.of("flag", "animal"));
        List<Map<String, Object>> visual = rows("CALL mmr.search($q, {visualWeight: 1.0}) YIELD image, score, visualScore "
                + "RETURN image.id AS id, score, visualScore", Map.of("q", q));
        assertThat(visual).allSatisfy(m -> assertThat((Double) m.get("score")).isCloseTo((Double) m.get("visualScore"), within(1e-5)));
        List<Map<String, Object>> concept = rows("CALL mmr.search($q, {visualWeight: 0.0}) YIELD image, score, conceptScore "
                + "RETURN image.id AS id, score, conceptScore", Map.of("q", q));
        assertThat(concept).allSatisfy(m -> assertThat((Double) m.get("score")).isCloseTo((Double) m.get("conceptScore"), within(1e-5)));
        assertThat(visual.stream().map(m -> m.get("id")).toList()).isNotEqualTo(concept.stream().map(m -> m.get("id")).toList());
    }

    /**
     * An image with a keyword: each result scores w·visual + (1 − w)·proximity, the proximity 1 for a carrier
     * of the keyword and, for any other image, its SIMILAR neighbours' share of similarity that carries it.
     */
    @Test
    void imageAndKeywordRankByTheKeywordsProximityAlongTheGraph() {
        String before = checksum();
        Map<String, Object> q = Map.of("id", QUERY_ID, "tags", List.of("animal"));
        List<Map<String, Object>> r = rows("CALL mmr.search($q, {k: 60, visualWeight: 0.8}) YIELD image, score, visualScore, conceptScore "
                + "WITH image, score, visualScore, conceptScore, EXISTS { (image)-[:TAGGED]->(:Tag {name: 'animal'}) } AS carries "
                + "OPTIONAL MATCH (image)-[s:SIMILAR]-(o:Image) "
                + "WITH image, score, visualScore, conceptScore, carries, sum(s.score) AS all, "
                + "sum(CASE WHEN EXISTS { (o)-[:TAGGED]->(:Tag {name: 'animal'}) } THEN s.score ELSE 0 END) AS carrying "
                + "RETURN image.id AS id, score, visualScore, conceptScore, carries, "
                + "CASE WHEN carries THEN 1.0 WHEN all > 0 THEN carrying / all ELSE 0.0 END AS expected", Map.of("q", q));
        assertThat(r).hasSize(60);
        assertThat(r).allSatisfy(m -> {
            assertThat((Double) m.get("conceptScore")).as((String) m.get("id")).isCloseTo((Double) m.get("expected"), within(1e-5));
            assertThat((Double) m.get("score")).isCloseTo(0.8 * (Double) m.get("visualScore") + 0.2 * (Double) m.get("conceptScore"),
                    within(1e-6));
        });
        assertThat(r).anySatisfy(m -> assertThat(m.get("carries")).isEqualTo(true));
        assertThat(r).anySatisfy(m -> assertThat((Double) m.get("conceptScore")).isStrictlyBetween(0.0, 1.0));
        for (int i = 1; i < r.size(); i++) {
            assertThat((Double) r.get(i).get("score")).isLessThanOrEqualTo((Double) r.get(i - 1).get("score"));
        }
        // at w 1 both conceptual sides leave the image side alone: the same ranking
        assertThat(ids(q, Map.of("visualWeight", 1.0))).isEqualTo(ids(q, Map.of("visualWeight", 1.0, "concept", "embedding")));
        assertThat(ids(q, Map.of())).isNotEqualTo(ids(q, Map.of("concept", "embedding")));
        assertExactError("CALL mmr.search({id: $id, tags: ['animal']}, {concept: 'words'})", Map.of("id", QUERY_ID),
                "mmr.search: 'concept' must be one of 'graph', 'embedding', got 'words' (String)");
        assertThat(checksum()).isEqualTo(before);
    }

    /**
     * The bounded ranking (candidates not read once they cannot reach the top k) returns the top k of
     * every image scored by brute force in Cypher, at every slider position.
     */
    @Test
    void imageAndKeywordRankingIsTheTopKOfEveryImageScored() {
        Map<String, Object> q = Map.of("id", QUERY_ID, "tags", List.of("animal"));
        Object ei = rows("CALL mmr.attach($q) YIELD imageEmbedding RETURN imageEmbedding", Map.of("q", q)).get(0).get("imageEmbedding");
        for (double w : new double[] {0.0, 0.2, 0.5, 0.8, 1.0}) {
            List<Object> brute = rows("MATCH (image:Image) WHERE image.id <> $id AND image.embedding IS NOT NULL "
                    + "WITH image, 2 * vector.similarity.cosine(image.embedding, $ei) - 1 AS visual, "
                    + "EXISTS { (image)-[:TAGGED]->(:Tag {name: 'animal'}) } AS carries "
                    + "OPTIONAL MATCH (image)-[s:SIMILAR]-(o:Image) "
                    + "WITH image, visual, carries, sum(s.score) AS all, "
                    + "sum(CASE WHEN EXISTS { (o)-[:TAGGED]->(:Tag {name: 'animal'}) } THEN s.score ELSE 0 END) AS carrying "
                    + "WITH image, visual, CASE WHEN carries THEN 1.0 WHEN all > 0 THEN carrying / all ELSE 0.0 END AS proximity "
                    + "RETURN image.id AS id ORDER BY $w * visual + (1 - $w) * proximity DESC, visual DESC, id(image) LIMIT 10",
                    Map.of("id", QUERY_ID, "ei", ei, "w", w)).stream().map(m -> m.get("id")).toList();
            assertThat(ids(q, Map.of("visualWeight", w))).as("w " + w).isEqualTo(brute);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void keywordQueriesRankByTheTagsAlone() {
        List<Map<String, Object>> r = rows("CALL mmr.search({tags: ['Animal', '  FLAG ', 'no-such-tag-xyz']}, {k: 5}) "
                + "YIELD image, score, visualScore, conceptScore RETURN image.id AS id, score, visualScore, conceptScore", Map.of());
        assertThat(r).hasSize(5).allSatisfy(m -> {
            assertThat(m.get("visualScore")).isNull();
            assertThat((Double) m.get("score")).isCloseTo((Double) m.get("conceptScore"), within(1e-6));
        });
        Map<String, Object> a = rows("CALL mmr.attach({tags: ['Animal', '  FLAG ', 'no-such-tag-xyz']}) YIELD tags, ignoredTags, "
                + "imageEmbedding RETURN [t IN tags | t.name] AS names, ignoredTags, imageEmbedding", Map.of()).get(0);
        assertThat((List<Object>) a.get("names")).containsExactlyInAnyOrder("animal", "flag");
        assertThat((List<Object>) a.get("ignoredTags")).containsExactly("no-such-tag-xyz");
        assertThat(a.get("imageEmbedding")).isNull();
    }

    @Test
    void attachExplainsTheThreeConnectModes() {
        String q = "CALL mmr.attach({id: $id, tags: ['nature']}, {connect: $connect}) YIELD images, tags, imageEmbedding, "
                + "tagEmbedding, embedding RETURN size(images) AS images, size(tags) AS tags, imageEmbedding, embedding";
        Map<String, Object> both = rows(q, Map.of("id", QUERY_ID, "connect", "both")).get(0);
        Map<String, Object> images = rows(q, Map.of("id", QUERY_ID, "connect", "images")).get(0);
        Map<String, Object> tags = rows(q, Map.of("id", QUERY_ID, "connect", "tags")).get(0);
        assertThat((Long) both.get("images")).isBetween(1L, 5L);
        assertThat(both.get("tags")).isEqualTo(1L);
        assertThat(images.get("images")).isEqualTo(both.get("images"));
        assertThat(tags.get("images")).isEqualTo(0L);
        assertThat(both.get("imageEmbedding")).isNotEqualTo(images.get("imageEmbedding")).isNotEqualTo(tags.get("imageEmbedding"));
        assertThat((List<?>) both.get("embedding")).hasSize(128);
        List<Map<String, Object>> links = rows("CALL mmr.attach({id: $id}, {neighbors: 3, similarityCutoff: 0.9}) YIELD images "
                + "UNWIND images AS l RETURN l.id AS id, l.similarity AS s", Map.of("id", QUERY_ID));
        assertThat(links).hasSizeLessThanOrEqualTo(3).allSatisfy(m -> {
            assertThat((Double) m.get("s")).isGreaterThanOrEqualTo(0.9);
            assertThat(m.get("id")).isNotEqualTo(QUERY_ID);
        });
    }

    @Test
    void predictTagsReturnsRankedTags() {
        List<Map<String, Object>> r = rows("CALL mmr.predictTags({id: $id}, {k: 8}) YIELD tag, name, score, rank "
                + "RETURN name, score, rank, tag:Tag AS isTag", Map.of("id", QUERY_ID));
        assertThat(r).hasSize(8).allSatisfy(m -> assertThat(m.get("isTag")).isEqualTo(true));
        assertThat(r).extracting(m -> m.get("rank")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        // An existing image's own tags are what is predicted: they are not attached (without them, the same answer).
        try (org.neo4j.graphdb.Transaction tx = db.beginTx()) {
            tx.execute("MATCH (:Image {id: $id})-[t:TAGGED]->() DELETE t", Map.of("id", QUERY_ID)).resultAsString();
            List<Object> untagged = tx.execute("CALL mmr.predictTags({id: $id}, {k: 8}) YIELD name, score "
                    + "RETURN name, score", Map.of("id", QUERY_ID)).stream().map(m -> (Object) m).toList();
            assertThat(untagged).isEqualTo(r.stream().map(m -> (Object) Map.of("name", m.get("name"), "score", m.get("score"))).toList());
            tx.rollback();
        }
    }

    @Test
    void predictTagsPollsTheModelsOwnCountOfVoters() {
        long voters = (Long) rows("MATCH (m:MmrModel {current: true}) RETURN m.predictVoters AS v", Map.of()).get(0).get("v");
        assertThat(voters).as("chosen by mmr.train among the counts tried").isIn(3L, 5L, 7L, 10L);
        String q = "CALL mmr.predictTags({id: $id}, $c) YIELD name, score RETURN name, score";
        List<Map<String, Object>> byDefault = rows(q, Map.of("id", QUERY_ID, "c", Map.of("k", 8)));
        assertThat(rows(q, Map.of("id", QUERY_ID, "c", Map.of("k", 8, "neighbors", voters)))).isEqualTo(byDefault);
        assertThat(rows(q, Map.of("id", QUERY_ID, "c", Map.of("k", 8, "neighbors", 1)))).as("the count matters")
                .isNotEqualTo(byDefault);
    }

    @Test
    void predictTagsPollsTheImagesNearestTheEmbedding() {
        // The query node's E_i (connect 'images': an existing image's own tags, never attached to predict them, are not
        // attached by mmr.attach either), then its 3 nearest catalog images in the embedding index (itself excluded), each
        // voting its tags with its cosine: at voteWeight 1 a voted tag's score is its share of the votes.
        List<Double> ei = (List<Double>) rows("CALL mmr.attach({id: $id}, {neighbors: 3, connect: 'images'}) YIELD imageEmbedding "
                + "RETURN imageEmbedding",
                Map.of("id", QUERY_ID)).get(0).get("imageEmbedding");
        List<Map<String, Object>> near = rows("CALL db.index.vector.queryNodes('mmr_image_embedding', 20, $e) YIELD node, score "
                + "WHERE node.id <> $id RETURN node.id AS id, score ORDER BY score DESC LIMIT 3", Map.of("e", ei, "id", QUERY_ID));
        assertThat(near).hasSize(3);
        Map<String, Double> share = new java.util.HashMap<>();
        double total = 0;
        for (Map<String, Object> v : near) {
            double cos = (2 * (Double) v.get("score")) - 1;   // the index's similarity score is (1 + cos) / 2
            total += cos;
            for (Object t : (List<Object>) rows("MATCH (:Image {id: $id})-[:TAGGED]->(t) RETURN collect(t.name) AS t",
                    Map.of("id", v.get("id"))).get(0).get("t")) {
                share.merge((String) t, cos, Double::sum);
            }
        }
        double sum = total;
        share.replaceAll((t, c) -> c / sum);
        List<Map<String, Object>> predicted = rows("CALL mmr.predictTags({id: $id}, {k: 5, voters: 'embedding', neighbors: 3, "
                + "connect: 'images', voteWeight: 1.0}) YIELD name, score RETURN name, score", Map.of("id", QUERY_ID));
        assertThat(predicted).hasSize(5);
        double best = share.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertThat((Double) predicted.get(0).get("score")).isCloseTo(best, within(1e-4));
        for (Map<String, Object> m : predicted) {
            assertThat((Double) m.get("score")).as((String) m.get("name"))
                    .isCloseTo(share.getOrDefault((String) m.get("name"), 0.0), within(1e-4));
        }
        assertThat(predicted).as("other voters than the attached").isNotEqualTo(rows("CALL mmr.predictTags({id: $id}, "
                + "{k: 5, neighbors: 3, connect: 'images', voteWeight: 1.0, voters: 'attached'}) YIELD name, score RETURN name, score",
                Map.of("id", QUERY_ID)));
        assertThat(rows("CALL mmr.predictTags({id: $id}, {k: 5, neighbors: 3, connect: 'images', voteWeight: 1.0}) YIELD name, score "
                + "RETURN name, score", Map.of("id", QUERY_ID))).as("the default voters").isEqualTo(predicted);
    }

    @Test
    void predictTagsWeighsTheVotesAsTheModelChose() {
        Object stored = rows("MATCH (m:MmrModel {current: true}) RETURN m.predictVoteWeight AS w", Map.of()).get(0).get("w");
        assertThat(stored).as("chosen by mmr.train among the weights tried").isIn(0.0, 0.25, 0.5, 0.75, 1.0);
        double weight = (Double) stored;
        String q = "CALL mmr.predictTags({id: $id}, $c) YIELD name, score RETURN name, score";
        List<Map<String, Object>> byDefault = rows(q, Map.of("id", QUERY_ID, "c", Map.of("k", 8)));
        assertThat(rows(q, Map.of("id", QUERY_ID, "c", Map.of("k", 8, "voteWeight", weight)))).isEqualTo(byDefault);
        double other = weight == 1.0 ? 0.0 : 1.0;
        assertThat(rows(q, Map.of("id", QUERY_ID, "c", Map.of("k", 8, "voteWeight", other)))).as("the weight matters")
                .isNotEqualTo(byDefault);
        assertThat(rows("CALL mmr.model.info() YIELD current, predictVoteWeight WHERE current RETURN predictVoteWeight", Map.of())
                .get(0).get("predictVoteWeight")).isEqualTo(weight);
    }

    @Test
    void sameQuerySameRanking() {
        Map<String, Object> q = Map.of("id", QUERY_ID, "tags", List.of("symbol"));
        List<String> first = ids(q, Map.of("k", 20));
        for (int i = 0; i < 5; i++) {
            assertThat(ids(q, Map.of("k", 20))).isEqualTo(first);
        }
    }

    @Test
    void searchRunsInReadTransactionsAndThousandsOfQueriesChangeNothing() throws Exception {
        String before = checksum();
        byte[] png = queryPng();
        List<String> ids = rows("MATCH (i:Image) RETURN i.id AS id ORDER BY id LIMIT 40", Map.of()).stream()
                .map(m -> (String) m.get("id")).toList();
        String[] connect = {"both", "images", "tags"};
        int n = 0;
        try (org.neo4j.driver.Driver driver = org.neo4j.driver.GraphDatabase.driver(neo4j.boltURI(), org.neo4j.driver.AuthTokens.none());
             org.neo4j.driver.Session session = driver.session()) {
            for (int i = 0; i < 1000; i++) {
                Map<String, Object> q = switch (i % 4) {
                    case 0 -> Map.of("id", ids.get(i % ids.size()));
                    case 1 -> Map.of("tags", List.of("flag", "country"));
                    case 2 -> Map.of("bytes", png, "tags", List.of("symbol"));
                    default -> Map.of("id", ids.get(i % ids.size()), "tags", List.of("food"));
                };
                Map<String, Object> c = Map.of("k", 1 + i % 15, "visualWeight", (i % 11) / 10.0, "connect", connect[i % 3]);
                String proc = i % 5 == 0 ? "mmr.predictTags" : i % 7 == 0 ? "mmr.attach" : "mmr.search";
                if (proc.equals("mmr.predictTags") && i % 4 == 1) {
                    proc = "mmr.search";
                }
                String cypher = "CALL " + proc + "($q, $c)";
                n += session.executeRead(tx -> tx.run(cypher, Map.of("q", q, "c", c)).list().size());
            }
        }
        assertThat(n).isGreaterThan(1000);
        assertThat(checksum()).isEqualTo(before);
    }

    @Test
    void concurrentClientsGetConsistentAnswers() throws Exception {
        List<String> expected = ids(Map.of("id", QUERY_ID), Map.of());
        List<String> keyword = ids(Map.of("tags", List.of("flag")), Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                runs.add(pool.submit(() -> {
                    int done = 0;
                    for (int i = 0; i < 40; i++) {
                        boolean image = (i + thread) % 2 == 0;
                        List<String> got = image ? ids(Map.of("id", QUERY_ID), Map.of()) : ids(Map.of("tags", List.of("flag")), Map.of());
                        assertThat(got).isEqualTo(image ? expected : keyword);
                        done++;
                    }
                    return done;
                }));
            }
            for (Future<Integer> f : runs) {
                assertThat(f.get(5, TimeUnit.MINUTES)).isEqualTo(40);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Search embeds the query node from the first-layer states stored with the embeddings: the same
     * E_image as a pass that computes every state from the graph (in a rolled-back transaction with
     * the stored states removed). States are as of the last mmr.train / mmr.embed, like embeddings:
     * after a change to a neighbour's neighbourhood the query embeds as before, and mmr.embed on the
     * changed nodes brings it in line with the graph again.
     */
    @Test
    void storedStatesMatchTheGraphAsOfTheirEmbedding() {
        String attach = "CALL mmr.attach({id: $id}) YIELD images, imageEmbedding RETURN images, imageEmbedding";
        String fresh = "MATCH (n) WHERE n.sageState IS NOT NULL REMOVE n.sageState, n.sageInput WITH count(*) AS removed "
                + "CALL mmr.attach({id: $id}) YIELD imageEmbedding RETURN imageEmbedding";
        Map<String, Object> p = Map.of("id", QUERY_ID);
        Map<String, Object> before = rows(attach, p).get(0);
        assertVeryClose(before.get("imageEmbedding"), freshEmbedding(fresh, p));
        // The tag-space model's projected inputs are stored with the states, for every node, and read
        // instead of the features: the same embedding as projecting the features again.
        List<Object> inputs = rows("MATCH (n) WHERE n:Image OR n:Tag RETURN n.sageInput AS x", Map.of()).stream().map(m -> m.get("x")).toList();
        assertThat(inputs).allSatisfy(x -> assertThat(SageStates.floats(x)).hasSize(128));
        assertVeryClose(before.get("imageEmbedding"), freshEmbedding("MATCH (n) WHERE n.sageInput IS NOT NULL REMOVE n.sageInput "
                + "WITH count(*) AS removed CALL mmr.attach({id: $id}) YIELD imageEmbedding RETURN imageEmbedding", p));
        // States another model version wrote are not used (here: zeros stamped by an unknown version).
        // States an earlier release stored as float[] are read as well: the same embedding.
        try (org.neo4j.graphdb.Transaction tx = db.beginTx()) {
            tx.findNodes(org.neo4j.graphdb.Label.label("Image")).forEachRemaining(n -> {
                for (String key : List.of(SageStates.PROPERTY, SageStates.INPUT_PROPERTY)) {
                    assertThat(n.getProperty(key)).isInstanceOf(byte[].class);
                    n.setProperty(key, SageStates.floats(n.getProperty(key)));
                }
            });
            assertVeryClose(before.get("imageEmbedding"), tx.execute(attach, p).next().get("imageEmbedding"));
            tx.rollback();
        }
        int stateLength = SageStates.floats(rows("MATCH (n:Image) RETURN n.sageState AS s LIMIT 1", Map.of()).get(0).get("s")).length;
        assertVeryClose(before.get("imageEmbedding"), freshEmbedding("MATCH (n) WHERE n.sageState IS NOT NULL "
                + "SET n.sageState = $zeros, n.sageStateModel = 'another version' "
                + "WITH count(*) AS changed CALL mmr.attach({id: $id}) YIELD imageEmbedding RETURN imageEmbedding",
                Map.of("id", QUERY_ID, "zeros", Vectors.toBytes(new float[stateLength]))));
        // Change a neighbour's neighbourhood: the first attached image loses its TAGGED edges.
        String neighbour = (String) ((Map<?, ?>) ((List<?>) before.get("images")).get(0)).get("id");
        List<Object> names = rows("MATCH (i:Image {id: $id})-[r:TAGGED]->(t) WITH r, t.name AS name DELETE r RETURN name",
                Map.of("id", neighbour)).stream().map(m -> m.get("name")).toList();
        assertThat(names).isNotEmpty();
        String embedChanged = "MATCH (n) WHERE (n:Image AND n.id = $id) OR (n:Tag AND n.name IN $names) "
                + "WITH collect(n) AS ns CALL mmr.embed(ns) YIELD nodes RETURN nodes";
        Map<String, Object> changed = Map.of("id", neighbour, "names", names);
        try {
            assertVeryClose(rows(attach, p).get(0).get("imageEmbedding"), before.get("imageEmbedding"));
            Object graphNow = freshEmbedding(fresh, p);
            assertThat(maxDifference(graphNow, before.get("imageEmbedding"))).isGreaterThan(2e-5);   // the default model weighs the second hop lightly
            assertThat(rows(embedChanged, changed).get(0).get("nodes")).isEqualTo((long) names.size() + 1);
            assertVeryClose(rows(attach, p).get(0).get("imageEmbedding"), graphNow);
        } finally {
            rows("MATCH (i:Image {id: $id}) UNWIND $names AS name MATCH (t:Tag {name: name}) CREATE (i)-[:TAGGED]->(t)",
                    changed);
            rows(embedChanged, changed);
        }
        assertVeryClose(rows(attach, p).get(0).get("imageEmbedding"), before.get("imageEmbedding"));
    }

    private static double maxDifference(Object a, Object b) {
        List<?> x = (List<?>) a;
        List<?> y = (List<?>) b;
        double max = 0;
        for (int i = 0; i < x.size(); i++) {
            max = Math.max(max, Math.abs(((Number) x.get(i)).doubleValue() - ((Number) y.get(i)).doubleValue()));
        }
        return max;
    }

    private Object freshEmbedding(String cypher, Map<String, Object> params) {
        try (org.neo4j.graphdb.Transaction tx = db.beginTx()) {
            Object e = tx.execute(cypher, params).next().get("imageEmbedding");
            tx.rollback();
            return e;
        }
    }

    /** Stored states are the computed ones rounded to float: a tolerance far below a neighbourhood change's effect. */
    private static void assertVeryClose(Object a, Object b) {
        List<?> x = (List<?>) a;
        List<?> y = (List<?>) b;
        assertThat(x).hasSameSizeAs(y);
        for (int i = 0; i < x.size(); i++) {
            assertThat(((Number) x.get(i)).doubleValue()).isCloseTo(((Number) y.get(i)).doubleValue(), within(2e-6));
        }
    }

    private static void assertClose(Object a, Object b) {
        List<?> x = (List<?>) a;
        List<?> y = (List<?>) b;
        assertThat(x).hasSameSizeAs(y);
        for (int i = 0; i < x.size(); i++) {
            assertThat(((Number) x.get(i)).doubleValue()).isCloseTo(((Number) y.get(i)).doubleValue(), within(1e-5));
        }
    }

    /** The tutorial users read (cypher/examples.cypher) runs on the fixture, every statement with results. */
    @Test
    void tutorialQueriesRun() throws Exception {
        String text;
        try (var in = Files.newInputStream(Path.of("..", "cypher", "examples.cypher"))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder code = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.strip().startsWith("//")) {
                code.append(line).append('\n');
            }
        }
        List<String> statements = Arrays.stream(code.toString().split(";\\s*\n")).map(String::strip).filter(x -> !x.isEmpty()).toList();
        assertThat(statements).hasSizeGreaterThanOrEqualTo(10);
        String before = checksum();
        for (String statement : statements) {
            List<Map<String, Object>> r = rows(statement, Map.of());
            assertThat(r).as(statement).isNotEmpty();
        }
        assertThat(checksum()).isEqualTo(before);
    }

    // ---- interactive queries (issue 12): without, liked, disliked, text, explain

    private static double share(List<Map<String, Object>> rows, String tag) {
        return rows.stream().filter(r -> ((List<?>) r.get("tags")).contains(tag)).count() / (double) rows.size();
    }

    @Test
    void withoutSteersAwayFromATag() {
        Map<String, Object> conceptual = Map.of("k", 10, "visualWeight", 0.0);
        List<Map<String, Object>> plain = search(Map.of("tags", List.of("animal")), conceptual);
        List<Map<String, Object>> without = search(Map.of("tags", List.of("animal"), "without", List.of("face")), conceptual);
        assertThat(share(plain, "face")).isGreaterThan(0);
        assertThat(share(without, "face")).isLessThan(share(plain, "face"));
        assertThat(share(without, "animal")).isGreaterThanOrEqualTo(0.5);
        Map<String, Object> a = rows("CALL mmr.attach({id: $id, without: ['sea', 'no-such-tag']}) YIELD tags, withoutTags, ignoredTags "
                + "RETURN [t IN tags | t.name] AS tags, withoutTags, ignoredTags", Map.of("id", "google:1f42c")).get(0);
        assertThat((List<String>) a.get("tags")).contains("fish").doesNotContain("sea");
        assertThat((List<String>) a.get("withoutTags")).containsExactly("sea");
        assertThat((List<String>) a.get("ignoredTags")).containsExactly("no-such-tag");
    }

    @Test
    void likedImagesAreAttachedAndDislikedOnesPushedAwayAndHidden() {
        Map<String, Object> config = Map.of("k", 20);
        List<Object> plain = search(Map.of("id", QUERY_ID), config).stream().map(r -> r.get("id")).toList();
        Object top = plain.get(0);
        Object far = plain.get(plain.size() - 1);
        List<Object> liked = search(Map.of("id", QUERY_ID, "liked", List.of(far)), config).stream().map(r -> r.get("id")).toList();
        assertThat(liked.indexOf(far)).as("a liked image moves up").isLessThan(plain.indexOf(far));
        List<Object> disliked = search(Map.of("id", QUERY_ID, "disliked", List.of(top)), config).stream().map(r -> r.get("id")).toList();
        assertThat(disliked).hasSize(20).doesNotContain(top);
        Map<String, Object> a = rows("CALL mmr.attach({id: $id, liked: [$l], disliked: [$d]}) YIELD images, liked, disliked "
                + "RETURN [i IN images | i.id] AS images, liked, disliked", Map.of("id", QUERY_ID, "l", far, "d", top)).get(0);
        assertThat((List<Object>) a.get("images")).contains(far);
        assertThat((List<Object>) a.get("liked")).containsExactly(far);
        assertThat((List<Object>) a.get("disliked")).containsExactly(top);
        // liked images alone are a query: more like these
        assertThat(search(Map.of("liked", List.of(QUERY_ID, "twitter:1f42c")), Map.of("k", 5))).hasSize(5);
    }

    @Test
    void textBecomesTagsAndUnmatchedWordsAreReported() {
        Map<String, Object> a = rows("CALL mmr.attach({text: 'the Animals with fins and sparkles'}) "
                + "YIELD tags, textTags, unmatchedWords RETURN [t IN tags | t.name] AS tags, textTags, unmatchedWords", Map.of()).get(0);
        assertThat((List<String>) a.get("textTags")).containsExactly("animal", "fins");
        assertThat((List<String>) a.get("unmatchedWords")).containsExactly("sparkles");
        assertThat((List<String>) a.get("tags")).containsExactly("animal", "fins");
        assertThat(ids(Map.of("text", "animal fins"), Map.of("k", 5))).isEqualTo(ids(Map.of("tags", List.of("animal", "fins")), Map.of("k", 5)));
    }

    @Test
    void badInteractiveInputsAreNamed() {
        String s = "CALL mmr.search($q, $c)";
        Map<String, Object> none = Map.of();
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID, "liked", List.of("nope")), "c", none),
                "mmr.search: 'liked' names no Image with id 'nope'");
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID, "disliked", "google:1f42c"), "c", none),
                "mmr.search: 'disliked' must be a list of Image nodes or ids, got 'google:1f42c'");
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID, "liked", List.of(1L)), "c", none),
                "mmr.search: 'liked' must be a list of Image nodes or ids, but it holds 1");
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID, "liked", java.util.Collections.nCopies(101, QUERY_ID)), "c", none),
                "mmr.search: 'liked' holds 101 images; a query takes at most 100");
        assertExactError(s, Map.of("q", Map.of("text", 42L), "c", none), "mmr.search: 'text' must be a string, got 42");
        assertExactError(s, Map.of("q", Map.of("text", "x".repeat(1001)), "c", none),
                "mmr.search: 'text' has 1001 characters ('xxx");
        assertExactError(s, Map.of("q", Map.of("text", "sparkles glitter"), "c", none),
                "mmr.search: none of the query's tags [] or words of its text 'sparkles glitter' is in the graph");
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID, "without", List.of("y".repeat(201))), "c", none),
                "mmr.search: 'without' holds a tag of 201 characters");
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID), "c", Map.of("withoutWeight", -1)),
                "mmr.search: 'withoutWeight' must be a number from 0.0 to 10.0, got -1");
        assertExactError(s, Map.of("q", Map.of("id", QUERY_ID), "c", Map.of("dislikeWeight", "lots")),
                "mmr.search: 'dislikeWeight' must be a number from 0.0 to 10.0, got 'lots'");
    }

    @Test
    void geodesicSearchRanksAlongTheGraphAndFallsBackToCosineBeyondItsBounds() {
        String before = checksum();
        List<Map<String, Object>> r = rows("CALL mmr.search({id: $id}, {distance: 'geodesic', k: 10}) "
                + "YIELD image, rank, rankedBy, geodesic, hops RETURN image.id AS id, rank, rankedBy, geodesic, hops",
                Map.of("id", QUERY_ID));
        assertThat(r).hasSize(10);
        assertThat(r).extracting(m -> m.get("id")).doesNotContain(QUERY_ID).doesNotHaveDuplicates();
        double last = 0;
        for (Map<String, Object> m : r) {
            assertThat(m.get("rankedBy")).isEqualTo("geodesic");
            double d = (Double) m.get("geodesic");
            assertThat(d).isGreaterThanOrEqualTo(last);
            assertThat((Long) m.get("hops")).isBetween(1L, 4L);
            last = d;
        }
        // one hop: only the attachments are reached; the rest come by cosine, after them, and say so
        List<Map<String, Object>> near = rows("CALL mmr.search({id: $id}, {distance: 'geodesic', k: 20, maxHops: 1, connect: 'images'}) "
                + "YIELD image, rankedBy, geodesic, hops RETURN image.id AS id, rankedBy, geodesic, hops", Map.of("id", QUERY_ID));
        assertThat(near).hasSize(20).extracting(m -> m.get("id")).doesNotHaveDuplicates();
        List<Object> attached = rows("CALL mmr.attach({id: $id}, {connect: 'images'}) YIELD images "
                + "UNWIND images AS i RETURN i.id AS id", Map.of("id", QUERY_ID)).stream().map(m -> m.get("id")).toList();
        List<Map<String, Object>> geo = near.stream().filter(m -> m.get("rankedBy").equals("geodesic")).toList();
        assertThat(geo).extracting(m -> m.get("id")).containsExactlyInAnyOrderElementsOf(attached);
        assertThat(near.subList(0, geo.size())).isEqualTo(geo);
        assertThat(near.subList(geo.size(), 20)).allSatisfy(m -> {
            assertThat(m.get("rankedBy")).isEqualTo("cosine");
            assertThat(m.get("geodesic")).isNull();
            assertThat(m.get("hops")).isNull();
        });
        // a keyword query walks from the tag: its first results carry it (two hops: query → tag → image)
        Map<String, Object> first = rows("CALL mmr.search({tags: ['animal']}, {distance: 'geodesic', k: 3}) YIELD image, hops "
                + "RETURN image, hops, exists((image)-[:TAGGED]->(:Tag {name: 'animal'})) AS carries LIMIT 1", Map.of()).get(0);
        assertThat(first).containsEntry("hops", 2L).containsEntry("carries", true);
        // by default ('auto') a query with an image ranks by cosine, and says so; one without, along the graph
        assertThat(rows("CALL mmr.search({id: $id}) YIELD rankedBy RETURN DISTINCT rankedBy", Map.of("id", QUERY_ID)))
                .containsExactly(Map.of("rankedBy", "cosine"));
        assertThat(rows("CALL mmr.search({tags: ['animal']}) YIELD rankedBy RETURN DISTINCT rankedBy", Map.of()))
                .containsExactly(Map.of("rankedBy", "geodesic"));
        assertThat(rows("CALL mmr.search({tags: ['animal']}, {distance: 'cosine'}) YIELD rankedBy RETURN DISTINCT rankedBy", Map.of()))
                .containsExactly(Map.of("rankedBy", "cosine"));
        assertThat(rows("CALL mmr.search({id: $id}, {distance: 'geodesic', imagesOnly: true}) YIELD hops RETURN hops",
                Map.of("id", QUERY_ID))).hasSize(10);
        assertThat(checksum()).isEqualTo(before);
        String s = "CALL mmr.search({id: $id}, $c)";
        assertExactError(s, Map.of("id", QUERY_ID, "c", Map.of("distance", "euclid")),
                "mmr.search: 'distance' must be one of 'auto', 'cosine', 'geodesic', got 'euclid'");
        assertExactError(s, Map.of("id", QUERY_ID, "c", Map.of("maxHops", 3L, "distance", "cosine")),
                "mmr.search: 'maxHops' applies to distance 'geodesic' or 'auto' only");
        assertExactError(s, Map.of("id", QUERY_ID, "c", Map.of("distance", "geodesic", "maxExpanded", 100_001L)),
                "mmr.search: 'maxExpanded' must be an integer from 1 to 100000, got 100001");
    }
}
