package mmr.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.neo4j.graphdb.GraphDatabaseService;

/**
 * {@code mmr bench search}'s tail lines: is a slow query slow every time (the query's own work) or only
 * now and then (the machine, a collection pause)? The first 100 queries of a kind run {@value #ROUNDS}
 * times round-robin, each beside the plain vector query for the same vector, in-process, one thread;
 * printed: p99 / p50 over all runs, and over each query's median run — the spread a query's own work
 * makes, with the noise of single runs taken out.
 */
final class TailLatency {
    static final int ROUNDS = 7;
    private static final int QUERIES = 100;

    private TailLatency() {}

    static void measure(PrintWriter out, GraphDatabaseService db, Map<String, List<BenchSearch.Sample>> kinds) {
        String search = "CALL mmr.search($q, {k: 10}) YIELD image RETURN count(image) AS n";
        String plain = "CALL db.index.vector.queryNodes('mmr_image_embedding', 10, $v) YIELD node RETURN count(node) AS n";
        for (String kind : List.of("id", "tags", "features")) {
            List<BenchSearch.Sample> samples = kinds.get(kind);
            int n = Math.min(QUERIES, samples.size());
            long[][][] t = new long[2][n][ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                for (int i = 0; i < n; i++) {
                    BenchSearch.Sample s = samples.get(i);
                    long t0 = System.nanoTime();
                    db.executeTransactionally(search, Map.of("q", s.query()), res -> res.next());
                    long t1 = System.nanoTime();
                    db.executeTransactionally(plain, Map.of("v", s.vector()), res -> res.next());
                    t[0][i][r] = t1 - t0;
                    t[1][i][r] = System.nanoTime() - t1;
                }
            }
            out.printf(Locale.ROOT, "tail, %-8s in-process, 1 thread, %d queries x %d runs — p99/p50: mmr.search all runs %.2f, "
                    + "each query's median run %.2f; plain vector query %.2f, %.2f%n", kind, n, ROUNDS, allRuns(t[0]), medians(t[0]),
                    allRuns(t[1]), medians(t[1]));
        }
    }

    private static double allRuns(long[][] nanos) {
        return ratio(Arrays.stream(nanos).flatMapToLong(Arrays::stream).toArray());
    }

    private static double medians(long[][] nanos) {
        return ratio(Arrays.stream(nanos).mapToLong(runs -> {
            long[] c = runs.clone();
            Arrays.sort(c);
            return c[c.length / 2];
        }).toArray());
    }

    private static double ratio(long[] nanos) {
        return BenchSearch.pct(nanos, 99) / BenchSearch.pct(nanos, 50);
    }
}
