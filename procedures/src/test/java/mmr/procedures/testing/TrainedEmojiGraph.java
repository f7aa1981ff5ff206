package mmr.procedures.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.harness.Neo4j;

/**
 * The read-only procedure families' tests (search, explain, rerank, path) share one in-process
 * database: the emoji fixture, trained once per test JVM with the default trainer. Their tests
 * only read, and assert that the store is unchanged ({@link #checksum}), so sharing is safe and
 * saves a harness start and a training per class.
 */
public abstract class TrainedEmojiGraph {
    /** The query image of most tests: the wing emoji. */
    public static final String QUERY_ID = "google:1fabd";

    protected static Neo4j neo4j;
    protected static GraphDatabaseService db;
    /** The server's import folder: where {@code file} queries resolve; holds {@code query.png}, the query image. */
    protected static Path importDir;

    protected TrainedEmojiGraph() {
        start();
    }

    private static synchronized void start() {
        if (neo4j != null) {
            return;
        }
        try {
            importDir = Files.createTempDirectory("mmr-search-import");
            Files.copy(EmojiFixture.image(QUERY_ID), importDir.resolve("query.png"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        neo4j = TestDatabases.builder(true).withConfig(GraphDatabaseSettings.load_csv_file_url_root, importDir).build();
        db = neo4j.defaultDatabaseService();
        EmojiFixture.load(db);
        db.executeTransactionally("CALL mmr.train({epochs: 3})", Map.of(), r -> r.resultAsString());   // the default trainer: djl, tag space
        db.executeTransactionally("CALL db.awaitIndexes(300)");
        Runtime.getRuntime().addShutdownHook(new Thread(neo4j::close));
    }

    protected static List<Map<String, Object>> rows(String cypher, Map<String, Object> params) {
        return db.executeTransactionally(cypher, params, r -> {
            List<Map<String, Object>> out = new ArrayList<>();
            r.forEachRemaining(out::add);
            return out;
        });
    }

    protected static List<String> ids(Map<String, Object> query, Map<String, Object> config) {
        return rows("CALL mmr.search($q, $c) YIELD image RETURN image.id AS id", Map.of("q", query, "c", config))
                .stream().map(m -> (String) m.get("id")).toList();
    }

    /** mmr.search's results with their rank, why and tags. */
    protected static List<Map<String, Object>> search(Map<String, Object> query, Map<String, Object> config) {
        return rows("CALL mmr.search($q, $c) YIELD image, rank, why RETURN image.id AS id, rank, why, "
                + "[(image)-[:TAGGED]->(t) | t.name] AS tags", Map.of("q", query, "c", config));
    }

    /** The query image's bytes. */
    protected static byte[] queryPng() {
        try {
            return Files.readAllBytes(EmojiFixture.image(QUERY_ID));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The statement fails with a message holding every fragment, and the store is unchanged. */
    protected static void assertError(String cypher, Map<String, Object> params, String... fragments) {
        String before = checksum();
        assertThatThrownBy(() -> rows(cypher, params)).isInstanceOf(QueryExecutionException.class)
                .satisfies(e -> {
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
        assertThat(checksum()).isEqualTo(before);
    }

    /**
     * The procedure's message, whole (Neo4j prefixes "Failed to invoke procedure …: Caused by: …"), the
     * whole error short, and the store unchanged.
     */
    protected static void assertExactError(String cypher, Map<String, Object> params, String message) {
        String before = checksum();
        String got = assertThrows(QueryExecutionException.class, () -> rows(cypher, params)).getMessage();
        assertThat(got).contains(message);
        assertThat(got.length()).as("message length").isLessThan(1500);
        assertThat(checksum()).isEqualTo(before);
    }

    /** Counts and a digest of every node's and relationship's labels/type and properties. */
    protected static String checksum() {
        return db.executeTransactionally("MATCH (n) OPTIONAL MATCH (n)-[r]->(m) "
                + "RETURN count(DISTINCT n) AS nodes, count(r) AS rels, "
                + "collect(DISTINCT [elementId(n), labels(n), properties(n)]) AS ns, collect([elementId(r), type(r), properties(r)]) AS rs",
                Map.of(), r -> {
                    Map<String, Object> row = r.next();
                    try {
                        MessageDigest md = MessageDigest.getInstance("SHA-256");
                        md.update(deep(row.get("ns")).getBytes(StandardCharsets.UTF_8));
                        md.update(deep(row.get("rs")).getBytes(StandardCharsets.UTF_8));
                        return row.get("nodes") + "/" + row.get("rels") + "/" + HexFormat.of().formatHex(md.digest());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    private static String deep(Object o) {
        if (o instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach(x -> parts.add(deep(x)));
            Collections.sort(parts);
            return parts.toString();
        }
        if (o instanceof Map<?, ?> m) {
            TreeMap<String, String> sorted = new TreeMap<>();
            m.forEach((k, v) -> sorted.put(String.valueOf(k), deep(v)));
            return sorted.toString();
        }
        if (o instanceof float[] f) {
            return Arrays.toString(f);
        }
        if (o instanceof double[] d) {
            return Arrays.toString(d);
        }
        if (o instanceof byte[] b) {
            return Arrays.toString(b);
        }
        if (o instanceof long[] l) {
            return Arrays.toString(l);
        }
        if (o instanceof String[] s) {
            return Arrays.toString(s);
        }
        return String.valueOf(o);
    }
}
