package mmr.cli;

import static mmr.procedures.search.Searcher.RANK_CANDIDATES;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import mmr.model.rank.IndexCandidates;
import mmr.model.vector.Vectors;
import mmr.procedures.encode.ServerEncoders;
import mmr.procedures.graph.DenseSamples;
import mmr.procedures.graph.Schema;
import mmr.procedures.search.QueryNode;
import mmr.procedures.search.SearchConfig;
import mmr.server.EmbeddedNeo4j;

/**
 * {@code mmr bench search}: latency and throughput of mmr.search by query kind, side by side in the
 * same run with a plain {@code db.index.vector.queryNodes} on the image embedding index; in-process
 * and over Bolt; recall of the index-backed lookups against exact brute force.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "mmr.search latency (p50/p95/p99) and throughput, 1 and 2 threads, in-process and over Bolt, side by side "
                + "with a plain vector index query; recall@10 of the indexed lookups against exact search.")
final class BenchSearch implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--db-dir", required = true, description = "Neo4j home of a built and trained catalog (opened read-only in intent; nothing is written)")
    Path home;

    @Mixin
    CacheOption cache;

    @Option(names = "--queries", defaultValue = "300", description = "Measured queries per kind and thread count (default: ${DEFAULT-VALUE})")
    int queries;

    @Option(names = "--images-dir", description = "Where the images' 'source' paths resolve, for the bytes kind (default: none, kind skipped)")
    Path imagesDir;

    @Option(names = "--recall-queries", defaultValue = "100", description = "Queries scored for recall (default: ${DEFAULT-VALUE})")
    int recallQueries;

    @Option(names = "--soak", defaultValue = "0", paramLabel = "SECONDS",
            description = "Instead of the latency table: 8 concurrent Bolt clients issuing mixed searches for SECONDS; "
                    + "reports errors, latency and heap before/after")
    int soakSeconds;

    @Option(names = "--faults", description = "With --soak: run it twice in one go, clean and then with 2 more clients sending "
            + "decoder bombs and oversized or blank inputs; reports the normal queries' latency side by side")
    boolean faults;

    @Option(names = "--geodesic", description = "Instead of the latency table: mmr.search with distance 'geodesic' (through "
            + "Tag nodes, and through images only) side by side with the cosine ranking, per query kind, in-process; "
            + "latency p50/p99 and the share of queries with all k results reached along the graph")
    boolean geodesic;

    /** mmr.search's default config: the attachment the recall and lookup measurements follow. */
    static final SearchConfig DEFAULTS = SearchConfig.parse("bench", Map.of());

    private PrintWriter out;

    /** One kind of query: mmr.search parameters plus the vector a plain index query uses, and that query's index. */
    record Sample(Map<String, Object> query, float[] vector, String plainIndex) {
        Sample(Map<String, Object> query, float[] vector) {
            this(query, vector, Schema.IMAGE_EMBEDDING_INDEX);
        }
    }

    /**
     * The {@code features} kind's queries measured against a plain query of the features index with the
     * same 960-d vector — what plain vector search on the features costs, the input shipped included —
     * beside the reference (the embedding index with the image's 128-d embedding).
     */
    static final String FEATURES_SAME_INPUT = "features*";

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        int bolt = freePort();
        try (EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(home, bolt, EmbeddedNeo4j.OFF, false, null, cache.fetchedModelsRoot());
             Driver driver = GraphDatabase.driver("bolt://127.0.0.1:" + bolt, AuthTokens.none())) {
            GraphDatabaseService db = neo4j.db();
            db.executeTransactionally("CALL db.awaitIndexes(600)");
            long images = db.executeTransactionally("MATCH (i:Image) RETURN count(i) AS n", Map.of(), r -> (Long) r.next().get("n"));
            out.printf(Locale.ROOT, "graph: %d images; %d measured queries per kind; 2 cores%n", images, queries);
            List<String> ids = db.executeTransactionally("MATCH (i:Image) WHERE i.embedding IS NOT NULL RETURN i.id AS id",
                    Map.of(), r -> r.stream().map(m -> (String) m.get("id")).toList());
            SplittableRandom rnd = new SplittableRandom(11);
            Map<String, List<Sample>> kinds = new LinkedHashMap<>();
            kinds.put("id", samples(db, ids, rnd, "id"));
            kinds.put("tags", samples(db, ids, rnd, "tags"));
            kinds.put("features", samples(db, ids, rnd, "features"));
            if (imagesDir != null) {
                kinds.put("bytes", samples(db, ids, rnd, "bytes"));
            }
            if (soakSeconds > 0) {
                if (!faults) {
                    soak(kinds, driver, null, soakSeconds);
                    return 0;
                }
                Map<String, Map<String, Object>> hostile = HostileInputs.queries();
                out.print("warm-up ");                             // so that neither measured phase pays for it
                soak(kinds, driver, null, Math.min(15, soakSeconds));
                long[] clean = soak(kinds, driver, null, soakSeconds);
                long[] faulty = soak(kinds, driver, hostile, soakSeconds);
                out.printf(Locale.ROOT, "normal queries, same run: p50 %.2f -> %.2f ms (%.2fx), p99 %.2f -> %.2f ms (%.2fx)%n",
                        pct(clean, 50), pct(faulty, 50), pct(faulty, 50) / pct(clean, 50), pct(clean, 99), pct(faulty, 99),
                        pct(faulty, 99) / pct(clean, 99));
                return 0;
            }
            warmUp(db, kinds);
            if (geodesic) {
                geodesic(db, kinds);
                return 0;
            }
            out.printf(Locale.ROOT, "%-9s %-8s %3s | %-34s | %-34s | %6s%n", "kind", "via", "thr", "mmr.search p50/p95/p99 ms, q/s",
                    "vector query p50/p95/p99 ms, q/s", "p50 x");
            Map<String, List<Sample>> table = new LinkedHashMap<>(kinds);
            table.put(FEATURES_SAME_INPUT, kinds.get("features").stream().map(f -> new Sample(f.query(),
                    Vectors.toFloats(f.query().get("features")), Schema.IMAGE_FEATURES_INDEX)).toList());
            for (var kind : table.entrySet()) {
                for (String via : List.of("embedded", "bolt")) {
                    for (int threads : new int[] {1, 2}) {
                        measure(kind.getKey(), kind.getValue(), via, threads, db, driver);
                    }
                }
            }
            out.printf(Locale.ROOT, "%s: the features queries again, the plain query on the features index with the same 960-d "
                    + "vector (the other kinds: the embedding index with the image's or tag's embedding)%n", FEATURES_SAME_INPUT);
            if (kinds.containsKey("bytes")) {
                EncodeShare.measure(out, db, kinds.get("bytes"), queries, cache.fetchedModelsRoot());
            }
            lookups(db, kinds.get("features"), images);
            KeywordSideLatency.measure(out, db, ids, rnd, queries);
            SearchRecall.measure(out, db, ids, rnd, recallQueries);
            TailLatency.measure(out, db, kinds);
            long[] dense = DenseSamples.size(db);
            out.printf(Locale.ROOT, "serving memory: decoded model weights %.2f MB per model version; dense nodes' neighbour samples "
                    + "%d nodes, %d ids; the last %d query images' features%n", modelBytes(db) / 1e6, dense[0], dense[1],
                    ServerEncoders.RECENT);
        }
        return 0;
    }

    private List<Sample> samples(GraphDatabaseService db, List<String> ids, SplittableRandom rnd, String kind) throws Exception {
        List<Sample> out = new ArrayList<>();
        while (out.size() < 200) {
            String id = ids.get(rnd.nextInt(ids.size()));
            Map<String, Object> row = db.executeTransactionally("MATCH (i:Image {id: $id}) OPTIONAL MATCH (i)-[:TAGGED]->(t:Tag) "
                    + "WITH i, collect(t) AS ts RETURN i.features AS f, i.embedding AS e, i.source AS source, "
                    + "[t IN ts | t.name][0..3] AS tags, [t IN ts | t.embedding][0] AS te", Map.of("id", id), r -> r.next());
            float[] embedding = Vectors.toFloats(row.get("e"));
            switch (kind) {
                case "id" -> out.add(new Sample(Map.of("id", id), embedding));
                case "features" -> out.add(new Sample(Map.of("features", toList(Vectors.toFloats(row.get("f")))), embedding));
                case "tags" -> {
                    List<?> tags = (List<?>) row.get("tags");
                    if (!tags.isEmpty()) {
                        out.add(new Sample(Map.of("tags", tags), Vectors.toFloats(row.get("te"))));
                    }
                }
                case "bytes" -> {
                    Path file = imagesDir.resolve(String.valueOf(row.get("source")));
                    if (Files.isRegularFile(file)) {
                        out.add(new Sample(Map.of("bytes", Files.readAllBytes(file)), embedding));
                    }
                }
                default -> throw new IllegalArgumentException(kind);
            }
            if (out.isEmpty() && ids.size() > 0 && kind.equals("bytes") && rnd.nextInt(1000) == 0) {
                throw new IllegalStateException("no image file found under " + imagesDir);
            }
        }
        return out;
    }

    private void measure(String kind, List<Sample> samples, String via, int threads, GraphDatabaseService db, Driver driver)
            throws Exception {
        String search = "CALL mmr.search($q, {k: 10}) YIELD image RETURN count(image) AS n";
        String plain = "CALL db.index.vector.queryNodes('" + samples.get(0).plainIndex() + "', 10, $v) YIELD node RETURN count(node) AS n";
        Function<Integer, long[][]> work = thread -> {
            long[][] nanos = new long[2][queries];
            Session session = via.equals("bolt") ? driver.session() : null;
            try {
                for (int i = -30; i < queries; i++) {
                    Sample s = samples.get(Math.floorMod(i * 7 + thread * 13, samples.size()));
                    long t0 = System.nanoTime();
                    run(db, session, search, Map.of("q", s.query()));
                    long t1 = System.nanoTime();
                    run(db, session, plain, Map.of("v", s.vector()));
                    long t2 = System.nanoTime();
                    if (i >= 0) {
                        nanos[0][i] = t1 - t0;
                        nanos[1][i] = t2 - t1;
                    }
                }
            } finally {
                if (session != null) {
                    session.close();
                }
            }
            return nanos;
        };
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<long[][]>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> work.apply(thread)));
        }
        List<long[]> searchTimes = new ArrayList<>();
        List<long[]> plainTimes = new ArrayList<>();
        for (Future<long[][]> f : futures) {
            long[][] r = f.get();
            searchTimes.add(r[0]);
            plainTimes.add(r[1]);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long[] s = concat(searchTimes);
        long[] p = concat(plainTimes);
        double searchShare = Arrays.stream(s).sum() / (double) (Arrays.stream(s).sum() + Arrays.stream(p).sum());
        out.printf(Locale.ROOT, "%-9s %-8s %3d | %6.2f %6.2f %6.2f  %8.0f q/s | %6.2f %6.2f %6.2f  %8.0f q/s | %5.1fx%n",
                kind, via, threads, pct(s, 50), pct(s, 95), pct(s, 99), s.length / (wall * searchShare),
                pct(p, 50), pct(p, 95), pct(p, 99), p.length / (wall * (1 - searchShare)), pct(s, 50) / pct(p, 50));
        out.flush();
    }

    /**
     * Geodesic against cosine mmr.search, in one loop per kind (the three variants of one sample run
     * back to back, so machine noise hits them alike): latency percentiles, the p50 ratio to cosine
     * and the share of queries whose k = 10 results were all reached within the bounds (paper 004's
     * "retrievable").
     */
    private void geodesic(GraphDatabaseService db, Map<String, List<Sample>> kinds) {
        List<Map<String, Object>> configs = List.of(Map.of("k", 10L, "distance", "cosine"), Map.of("k", 10L, "distance", "geodesic"),
                Map.of("k", 10L, "distance", "geodesic", "imagesOnly", true));
        List<String> names = List.of("cosine", "geodesic", "geodesic imagesOnly");
        String cypher = "CALL mmr.search($q, $c) YIELD rankedBy RETURN count(*) AS n, sum(CASE rankedBy WHEN 'geodesic' "
                + "THEN 1 ELSE 0 END) AS g";
        out.printf(Locale.ROOT, "%-9s %-20s | %8s %8s %8s | %7s | %s%n", "kind", "ranking", "p50 ms", "p95 ms", "p99 ms", "p50 x",
                "all 10 reached");
        for (var kind : kinds.entrySet()) {
            long[][] nanos = new long[configs.size()][queries];
            int[] retrievable = new int[configs.size()];
            for (int i = -30; i < queries; i++) {
                Sample sample = kind.getValue().get(Math.floorMod(i * 7, kind.getValue().size()));
                for (int c = 0; c < configs.size(); c++) {
                    long t0 = System.nanoTime();
                    Map<String, Object> row = db.executeTransactionally(cypher, Map.of("q", sample.query(), "c", configs.get(c)),
                            r -> r.next());
                    long t = System.nanoTime() - t0;
                    if (i >= 0) {
                        nanos[c][i] = t;
                        retrievable[c] += ((Number) row.get("g")).longValue() >= 10 ? 1 : 0;
                    }
                }
            }
            for (int c = 0; c < configs.size(); c++) {
                out.printf(Locale.ROOT, "%-9s %-20s | %8.2f %8.2f %8.2f | %6.2fx | %s%n", kind.getKey(), names.get(c),
                        pct(nanos[c], 50), pct(nanos[c], 95), pct(nanos[c], 99), pct(nanos[c], 50) / pct(nanos[0], 50),
                        c == 0 ? "-" : String.format(Locale.ROOT, "%.1f %%", 100.0 * retrievable[c] / queries));
            }
            out.flush();
        }
    }

    /**
     * Every sample of every kind once, in-process, before anything is measured: the vector indexes'
     * files are then in the page cache for all kinds alike (without it the first kind measured paid
     * for loading them).
     */
    private void warmUp(GraphDatabaseService db, Map<String, List<Sample>> kinds) {
        long t0 = System.nanoTime();
        int n = 0;
        for (List<Sample> samples : kinds.values()) {
            for (Sample s : samples) {
                run(db, null, "CALL mmr.search($q, {k: 10}) YIELD image RETURN count(image) AS n", Map.of("q", s.query()));
                n++;
            }
        }
        out.printf(Locale.ROOT, "warm-up: %d queries, %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
    }

    private static void run(GraphDatabaseService db, Session session, String cypher, Map<String, Object> params) {
        if (session != null) {
            session.run(cypher, params).consume();
        } else {
            db.executeTransactionally(cypher, params, r -> r.next());
        }
    }

    /**
     * 8 Bolt clients, mixed kinds, modes and sliders, for a while: errors, latency, and the heap after GC
     * before and after; with {@code hostile}, 2 more clients send those queries in turn all the while
     * (each must fail), reported apart. Returns the normal queries' latencies.
     */
    private long[] soak(Map<String, List<Sample>> kinds, Driver driver, Map<String, Map<String, Object>> hostile,
                        int seconds) throws Exception {
        List<List<Sample>> all = new ArrayList<>(kinds.values());
        String[] connect = {"both", "images", "tags"};
        long heapBefore = usedHeapAfterGc();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(hostile == null ? 8 : 10);
        List<Future<long[]>> futures = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        AtomicLong hostileSent = new AtomicLong();
        AtomicLong hostileAccepted = new AtomicLong();
        List<Future<long[]>> attackers = new ArrayList<>();
        if (hostile != null) {
            List<Map<String, Object>> bad = new ArrayList<>(hostile.values());
            for (int t = 0; t < 2; t++) {
                int thread = t;
                attackers.add(pool.submit(() -> {
                    List<Long> times = new ArrayList<>();
                    try (Session session = driver.session()) {
                        for (int i = thread; System.nanoTime() < deadline; i++) {
                            long t0 = System.nanoTime();
                            try {
                                session.run("CALL mmr.search($q)", Map.of("q", bad.get(i % bad.size()))).consume();
                                hostileAccepted.incrementAndGet();
                            } catch (RuntimeException expected) {
                                // each hostile query must be refused
                            }
                            hostileSent.incrementAndGet();
                            times.add(System.nanoTime() - t0);
                        }
                    }
                    return times.stream().mapToLong(Long::longValue).toArray();
                }));
            }
        }
        for (int t = 0; t < 8; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                List<Long> times = new ArrayList<>();
                try (Session session = driver.session()) {
                    for (int i = 0; System.nanoTime() < deadline; i++) {
                        List<Sample> kind = all.get((i + thread) % all.size());
                        Sample s = kind.get(Math.floorMod(i * 31 + thread, kind.size()));
                        Map<String, Object> c = Map.of("k", 1 + (i % 20), "visualWeight", (i % 11) / 10.0, "connect", connect[i % 3]);
                        long t0 = System.nanoTime();
                        try {
                            session.run(i % 9 == 0 && !s.query().containsKey("tags") ? "CALL mmr.predictTags($q, $c)" : "CALL mmr.search($q, $c)",
                                    Map.of("q", s.query(), "c", c)).consume();
                        } catch (RuntimeException e) {
                            if (errors.incrementAndGet() <= 3) {
                                out.println("error: " + e.getMessage());
                            }
                        }
                        times.add(System.nanoTime() - t0);
                    }
                }
                return times.stream().mapToLong(Long::longValue).toArray();
            }));
        }
        List<long[]> parts = new ArrayList<>();
        for (Future<long[]> f : futures) {
            parts.add(f.get());
        }
        List<long[]> bad = new ArrayList<>();
        for (Future<long[]> f : attackers) {
            bad.add(f.get());
        }
        pool.shutdown();
        long[] all8 = concat(parts);
        long heapAfter = usedHeapAfterGc();
        out.printf(Locale.ROOT, "soak%s: 8 Bolt clients, %d s, %d queries (%.0f q/s), %d errors; latency p50 %.2f ms, p95 %.2f ms, "
                        + "p99 %.2f ms, max %.2f ms%n", hostile == null ? "" : " with faults", seconds, all8.length,
                all8.length / (double) seconds, errors.get(), pct(all8, 50), pct(all8, 95), pct(all8, 99), pct(all8, 100));
        if (hostile != null) {
            long[] b = concat(bad);
            out.printf(Locale.ROOT, "  2 hostile clients: %d queries (%s), %d accepted (should be 0); their latency p50 %.2f ms, "
                    + "p99 %.2f ms, max %.2f ms%n", hostileSent.get(), String.join("; ", hostile.keySet()), hostileAccepted.get(),
                    pct(b, 50), pct(b, 99), pct(b, 100));
        }
        out.printf(Locale.ROOT, "heap used after GC: before %.0f MB, after %.0f MB%n", heapBefore / 1e6, heapAfter / 1e6);
        return all8;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /**
     * The index lookups an image query makes, alone, side by side with the plain query (in-process,
     * 1 thread): the visual-neighbour lookup on the features index and the ranking lookup on the
     * embedding index, with the candidate counts mmr.search asks for in a catalog of this size.
     */
    private void lookups(GraphDatabaseService db, List<Sample> features, long images) {
        int ranking = IndexCandidates.of(images, 10, RANK_CANDIDATES);
        int attachment = QueryNode.attachCandidates(DEFAULTS.neighbors());
        String[] names = {"plain: embedding index, 10", "ranking: embedding index, " + ranking,
                "attachment: features index, " + attachment};
        String[] cypher = {
                "CALL db.index.vector.queryNodes('mmr_image_embedding', 10, $e) YIELD node RETURN count(node) AS n",
                "CALL db.index.vector.queryNodes('mmr_image_embedding', " + ranking + ", $e) YIELD node "
                        + "WITH node LIMIT 10 RETURN count(node) AS n",
                "CALL db.index.vector.queryNodes('mmr_image_features', " + attachment + ", $f) YIELD node, score "
                        + "WHERE score >= " + (1 + DEFAULTS.similarityCutoff()) / 2 + " RETURN count(node) AS n"};
        long[][] t = new long[3][queries];
        for (int i = -30; i < queries; i++) {
            Sample s = features.get(Math.floorMod(i * 7, features.size()));
            for (int c = 0; c < 3; c++) {
                long t0 = System.nanoTime();
                db.executeTransactionally(cypher[c], Map.of("e", s.vector(), "f", s.query().get("features")), r -> r.next());
                if (i >= 0) {
                    t[c][i] = System.nanoTime() - t0;
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            out.printf(Locale.ROOT, "index lookup alone, in-process, 1 thread — %-34s p50 %6.2f ms, p99 %6.2f ms (%.1fx plain)%n",
                    names[c] + ":", pct(t[c], 50), pct(t[c], 99), pct(t[c], 50) / pct(t[0], 50));
        }
    }

    private static long modelBytes(GraphDatabaseService db) {
        return db.executeTransactionally("MATCH (m:MmrModel {current: true}) RETURN m", Map.of(), r -> {
            long bytes = 0;
            if (r.hasNext()) {
                for (Object v : ((Node) r.next().get("m")).getAllProperties().values()) {
                    if (v instanceof double[] d) {
                        bytes += 2L * 8 * d.length;   // the weights and their transposed copy
                    }
                }
            }
            return bytes;
        });
    }

    static double pct(long[] nanos, int p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1e6;
    }

    private static long[] concat(List<long[]> parts) {
        return parts.stream().flatMapToLong(Arrays::stream).toArray();
    }

    private static List<Double> toList(float[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (float x : v) {
            l.add((double) x);
        }
        return l;
    }

    private static float[] toFloats(List<?> l) {
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) l.get(i)).floatValue();
        }
        return f;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
