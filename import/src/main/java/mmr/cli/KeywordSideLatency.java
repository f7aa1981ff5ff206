package mmr.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.neo4j.graphdb.GraphDatabaseService;

/**
 * {@code mmr bench search}'s image + keyword line: a catalog image's features (a new image) with one of
 * its tags, searched with the keyword's side read from the graph (search's default) and with the
 * paper's embedding side, side by side with the plain vector query — in-process, one thread, each
 * query's three calls interleaved so that a noisy machine weighs on all three alike.
 */
final class KeywordSideLatency {
    private KeywordSideLatency() {}

    static void measure(PrintWriter out, GraphDatabaseService db, List<String> ids, SplittableRandom rnd, int queries) {
        List<Map<String, Object>> samples = new ArrayList<>();
        List<Object> vectors = new ArrayList<>();
        for (int tries = 0; samples.size() < 200 && tries < 20_000; tries++) {
            Map<String, Object> row = db.executeTransactionally("MATCH (i:Image {id: $id})-[:TAGGED]->(t:Tag) "
                    + "RETURN i.features AS f, i.embedding AS e, t.name AS tag LIMIT 1",
                    Map.of("id", ids.get(rnd.nextInt(ids.size()))), r -> r.hasNext() ? r.next() : null);
            if (row != null) {
                samples.add(Map.of("features", row.get("f"), "tags", List.of(row.get("tag"))));
                vectors.add(row.get("e"));
            }
        }
        if (samples.isEmpty()) {
            out.println("image + keyword: no tagged image to query with");
            return;
        }
        String search = "CALL mmr.search($q, {k: 10, concept: $concept}) YIELD image RETURN count(image) AS n";
        String plain = "CALL db.index.vector.queryNodes('mmr_image_embedding', 10, $v) YIELD node RETURN count(node) AS n";
        long[][] nanos = new long[3][queries];
        for (int i = -30; i < queries; i++) {
            int s = Math.floorMod(i * 7, samples.size());
            long t0 = System.nanoTime();
            db.executeTransactionally(search, Map.of("q", samples.get(s), "concept", "graph"), r -> r.next());
            long t1 = System.nanoTime();
            db.executeTransactionally(search, Map.of("q", samples.get(s), "concept", "embedding"), r -> r.next());
            long t2 = System.nanoTime();
            db.executeTransactionally(plain, Map.of("v", vectors.get(s)), r -> r.next());
            long t3 = System.nanoTime();
            if (i >= 0) {
                nanos[0][i] = t1 - t0;
                nanos[1][i] = t2 - t1;
                nanos[2][i] = t3 - t2;
            }
        }
        String[] names = {"keyword side from the graph (default)", "keyword side as mean(E_tags)", "plain vector query"};
        double[][] p = new double[3][];
        for (int k = 0; k < 3; k++) {
            long[] sorted = nanos[k].clone();
            Arrays.sort(sorted);
            p[k] = new double[] {sorted[queries / 2] / 1e6, sorted[(int) Math.ceil(queries * 0.99) - 1] / 1e6};
            out.printf(Locale.ROOT, "image + keyword, in-process, 1 thread — %-38s p50 %6.2f ms, p99 %6.2f ms%n", names[k] + ":",
                    p[k][0], p[k][1]);
        }
        out.printf(Locale.ROOT, "image + keyword: the graph side costs %.2fx the embedding side at p50, %.2fx at p99%n",
                p[0][0] / p[1][0], p[0][1] / p[1][1]);
    }
}
