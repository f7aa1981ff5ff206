package mmr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.neo4j.graphdb.GraphDatabaseService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import mmr.ingest.ImportReport;
import mmr.ingest.graph.EmbeddedCypher;
import mmr.ingest.synthetic.SyntheticCatalog;
import mmr.model.tag.TagFeatures;
import mmr.procedures.graph.Schema;
import mmr.procedures.graph.VectorIndexes;
import mmr.server.EmbeddedNeo4j;

/**
 * {@code mmr bench scale}: one synthetic catalog shaped like a real one (clusters, Zipf tags,
 * near-duplicate pairs) taken through every stage a user runs — generate, import (precomputed
 * features, the real importer), {@code mmr.knn}, {@code mmr.train}, search — each stage timed with
 * its peak heap, the store's size on disk and the page cache it used. Every finished stage is
 * recorded in {@code DIR/scale.json}, so a run that dies in training resumes from the imported and
 * kNN-linked store.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = {"A synthetic catalog of N images through generate, import, kNN, train and search, stage by stage, "
                + "resumable: wall time, peak heap, store size per file and index, page cache use, search latency and recall.",
                "Finished stages are kept in DIR/scale.json; run the same command again to resume."})
final class BenchScale implements Callable<Integer> {
    static final List<String> STAGES = List.of("generate", "import", "knn", "candidates", "train", "search");
    /** Stages no later stage needs: measurements of the store as it is. */
    static final List<String> PROBES = List.of("candidates");
    static final long MIN_IMAGES = 1_000;
    static final long MAX_IMAGES = 10_000_000;
    static final int MIN_DIMENSION = 16;
    /** Neo4j 5.26's vector indexes take at most 4,096 dimensions. */
    static final int MAX_DIMENSION = 4096;

    @Spec
    CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "N", description = "Images, 1,000 to 10,000,000")
    long images;

    @Option(names = "--dimension", defaultValue = "960",
            description = "Feature dimension, 16 to 4096 (default: ${DEFAULT-VALUE}, the default encoder's)")
    int dimension;

    @Option(names = "--dir", description = "Where the manifest, the store and scale.json live (default: a temporary "
            + "folder removed at the end; give one to keep the store and resume)")
    Path dir;

    @Option(names = "--stages", split = ",", defaultValue = "generate,import,knn,train,search",
            description = "Stages to run, in order, skipping those DIR/scale.json records as done (default: all)")
    List<String> stages;

    @Option(names = "--seed", defaultValue = "7")
    long seed;

    @Option(names = "--queries", defaultValue = "200", description = "Measured queries per kind in the search stage (default: ${DEFAULT-VALUE})")
    int queries;

    @Option(names = "--knn-write-batch", defaultValue = "0",
            description = "mmr.knn writeBatchSize (default: ${DEFAULT-VALUE}: one transaction if the heap allows it, else 100,000)")
    int knnWriteBatch;

    @Option(names = "--train-write-batch", defaultValue = "0", description = "mmr.train writeBatchSize (default: "
            + "${DEFAULT-VALUE}: one transaction if about 4 KB per image fits a third of the heap, else 100,000)")
    int trainWriteBatch;

    @Option(names = "--knn-concurrency", defaultValue = "1",
            description = "mmr.knn concurrency (default: ${DEFAULT-VALUE}; with method gds more threads drop the seed)")
    int knnConcurrency;

    @Option(names = "--knn-method", defaultValue = "vectorIndex", description = "mmr.knn method: vectorIndex (default), gds or descent")
    String knnMethod;

    @Option(names = "--ef-construction", defaultValue = "0", description = "Create the features vector index with this "
            + "vector.hnsw.ef_construction before the kNN stage (default: 0, mmr.knn creates it with Neo4j's default)")
    int efConstruction;

    @Option(names = "--knn-candidates", defaultValue = "0",
            description = "mmr.knn candidates per image (default: 0, mmr.knn's own default)")
    int knnCandidates;

    @Option(names = "--probe-candidates", split = ",", defaultValue = "24,48,96,192", paramLabel = "C", description = "Stage "
            + "candidates: the features index's recall of each image's exact top 5 when asked C nearest (default: ${DEFAULT-VALUE})")
    List<Integer> probeCandidates;

    @Option(names = "--page-cache", defaultValue = "",
            description = "server.memory.pagecache.size for every stage (default: Neo4j's own choice)")
    String pageCache;

    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private PrintWriter out;
    private int httpPort = EmbeddedNeo4j.OFF;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        validate();
        SyntheticCatalog.Spec s = SyntheticCatalog.Spec.scale(images, dimension, seed);
        boolean temporary = dir == null;
        Path root = temporary ? Files.createTempDirectory("mmr-bench-scale") : dir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        try {
            Map<String, Object> run = loadRun(root, s);
            checkDisk(root, run);
            for (String stage : stages) {
                @SuppressWarnings("unchecked")
                Map<String, Object> done = (Map<String, Object>) run.get("stages");
                if (done.containsKey(stage)) {
                    out.printf(Locale.ROOT, "%-8s done before (%s s): skipped%n", stage, ((Map<?, ?>) done.get(stage)).get("seconds"));
                    continue;
                }
                requirePrevious(stage, done);
                checkHeap(stage);
                checkMemorySplit(stage);
                out.printf(Locale.ROOT, "%-8s ...%n", stage);
                out.flush();
                Map<String, Object> result = runStage(stage, s, root);
                done.put(stage, result);
                json.writeValue(root.resolve("scale.json").toFile(), run);
                out.printf(Locale.ROOT, "%-8s %s%n", stage, summary(result));
                out.flush();
            }
            out.printf(Locale.ROOT, "results: %s%n", temporary ? "(temporary folder, removed)" : root.resolve("scale.json"));
        } finally {
            if (temporary) {
                BenchCommand.deleteTree(root);
            }
        }
        return 0;
    }

    private void validate() {
        CommandLine cl = spec.commandLine();
        if (images < MIN_IMAGES || images > MAX_IMAGES) {
            throw new ParameterException(cl, String.format(Locale.ROOT, "--images must be from %,d to %,d, got %,d",
                    MIN_IMAGES, MAX_IMAGES, images));
        }
        if (dimension < MIN_DIMENSION || dimension > MAX_DIMENSION) {
            throw new ParameterException(cl, String.format(Locale.ROOT,
                    "--dimension must be from %d to %d (Neo4j's vector index limit), got %d", MIN_DIMENSION, MAX_DIMENSION, dimension));
        }
        for (String stage : stages) {
            if (!STAGES.contains(stage)) {
                throw new ParameterException(cl, "--stages takes " + String.join(", ", STAGES) + "; got '"
                        + (stage.length() > 40 ? stage.substring(0, 40) + "…" : stage) + "'");
            }
        }
        if (knnConcurrency < 1 || knnConcurrency > 64) {
            throw new ParameterException(cl, "--knn-concurrency must be from 1 to 64, got " + knnConcurrency);
        }
        if (knnWriteBatch < 0 || trainWriteBatch < 0) {
            throw new ParameterException(cl, "--knn-write-batch and --train-write-batch must be 0 (chosen by the heap) or positive, got "
                    + knnWriteBatch + " and " + trainWriteBatch);
        }
        for (int c : probeCandidates) {
            if (c < 1 || c > 10_000) {
                throw new ParameterException(cl, "--probe-candidates takes counts from 1 to 10,000, got " + c);
            }
        }
        if (efConstruction < 0 || knnCandidates < 0) {
            throw new ParameterException(cl, "--ef-construction and --knn-candidates must be 0 (the default) or positive, got "
                    + efConstruction + " and " + knnCandidates);
        }
        if (queries < 10 || queries > 10_000) {
            throw new ParameterException(cl, "--queries must be from 10 to 10000, got " + queries);
        }
    }

    /** The run recorded in DIR (or a new one); a folder holding another catalog is refused. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> loadRun(Path root, SyntheticCatalog.Spec s) throws IOException {
        Map<String, Object> catalog = new LinkedHashMap<>();
        catalog.put("images", s.images());
        catalog.put("dimension", s.dimension());
        catalog.put("seed", s.seed());
        catalog.put("clusters", s.clusters());
        catalog.put("vocabulary", s.vocabulary());
        catalog.put("vendors", s.vendors());
        Path file = root.resolve("scale.json");
        if (Files.exists(file)) {
            Map<String, Object> run = json.readValue(file.toFile(), LinkedHashMap.class);
            Map<String, Object> was = (Map<String, Object>) run.get("catalog");
            if (!String.valueOf(was).equals(String.valueOf(json.convertValue(catalog, LinkedHashMap.class)))) {
                throw new ParameterException(spec.commandLine(), root + " holds a run of another catalog " + was
                        + "; give another --dir or remove it");
            }
            return run;
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("catalog", catalog);
        run.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "maxHeapMB", Runtime.getRuntime().maxMemory() >> 20, "java", System.getProperty("java.version"),
                "pageCache", pageCache.isEmpty() ? "neo4j default" : pageCache));
        run.put("stages", new LinkedHashMap<String, Object>());
        return run;
    }

    private void requirePrevious(String stage, Map<String, Object> done) {
        int i = STAGES.indexOf(stage);
        for (int p = 0; p < i; p++) {
            if (!done.containsKey(STAGES.get(p)) && !PROBES.contains(STAGES.get(p))) {
                throw new ParameterException(spec.commandLine(), "stage '" + stage + "' needs '" + STAGES.get(p)
                        + "' first; add it to --stages");
            }
        }
    }

    private void checkDisk(Path root, Map<String, Object> run) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> done = (Map<String, Object>) run.get("stages");
        long planned = ScaleLimits.plannedBytes(images, dimension, done);
        FileStore store = Files.getFileStore(root);
        long free = store.getUsableSpace();
        if (planned > free) {
            throw new ParameterException(spec.commandLine(), String.format(Locale.ROOT,
                    "%,d images of %d dimensions need about %.1f GB on disk (manifest, store, indexes); %s has %.1f GB free",
                    images, dimension, planned / 1e9, root, free / 1e9));
        }
        out.printf(Locale.ROOT, "disk: about %.1f GB to write, %.1f GB free%n", planned / 1e9, free / 1e9);
    }

    private void checkHeap(String stage) {
        String problem = ScaleLimits.heapProblem(stage, images, dimension, Runtime.getRuntime().maxMemory());
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), problem);
        }
    }

    private void checkMemorySplit(String stage) {
        if (pageCache.isEmpty() || stage.equals("generate")) {
            return;
        }
        long ram = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        String problem = ScaleLimits.memorySplitProblem(stage, Runtime.getRuntime().maxMemory(), ScaleLimits.parseBytes(pageCache), ram);
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), problem);
        }
    }

    private Map<String, Object> runStage(String stage, SyntheticCatalog.Spec s, Path root) throws Exception {
        Path manifest = root.resolve("synthetic.jsonl");
        Path home = root.resolve("neo4j");
        Map<String, Object> r = new LinkedHashMap<>();
        System.gc();
        HeapPeak.reset();
        long t0 = System.nanoTime();
        long excludedNanos = 0;         // measuring a stage's result is not part of its cost
        switch (stage) {
            case "generate" -> {
                SyntheticCatalog.write(s, manifest);
                r.put("manifestMB", Files.size(manifest) >> 20);
            }
            case "import" -> {
                BenchCommand.deleteTree(home);        // a half-done import is redone from scratch
                try (EmbeddedNeo4j neo4j = open(home)) {
                    EmbeddedCypher cypher = new EmbeddedCypher(neo4j.db(), "bench scale");
                    ImportReport report = BenchCommand.importSynthetic(s, manifest, cypher, false, Map.of(),
                            TagFeatures.Init.CENTROID);
                    double written = (System.nanoTime() - t0) / 1e9;
                    neo4j.db().executeTransactionally("CALL db.awaitIndexes(86400)");
                    r.put("writeSeconds", round(written));
                    r.put("indexSeconds", round((System.nanoTime() - t0) / 1e9 - written));
                    r.put("images", report.imported());
                    r.put("tags", report.tagsCreated());
                    StoreMeasures.pageCache(neo4j, r);
                }
            }
            case "knn" -> {
                try (EmbeddedNeo4j neo4j = open(home)) {
                    if (efConstruction > 0) {
                        VectorIndexes.ensure(neo4j.db(), Schema.IMAGE_FEATURES_INDEX, "Image", "features", dimension, efConstruction);
                        r.put("efConstruction", efConstruction);
                    }
                    long batch = knnWriteBatch > 0 ? knnWriteBatch
                            : ScaleLimits.neededHeapBytes("knn", images, dimension) + images * 1_500L < Runtime.getRuntime().maxMemory() ? 0 : 100_000;
                    Map<String, Object> row = neo4j.db().executeTransactionally(
                            "CALL mmr.knn($config) YIELD relationshipsWritten, meanScore, computeMillis, writeMillis RETURN *",
                            Map.of("config", knnConfig(batch)), res -> res.next());
                    r.put("method", knnMethod);
                    r.put("candidates", knnCandidates > 0 ? knnCandidates : null);
                    r.put("writeBatchSize", batch);
                    r.put("concurrency", knnConcurrency);
                    r.putAll(row);
                    long recallStart = System.nanoTime();
                    // the cutoff and k mmr.knn used: its defaults
                    r.put("similarRecall", round(SearchRecall.similarRecall(neo4j.db(), sampleIds(neo4j), new SplittableRandom(seed), 100, 5, 0.65)));
                    excludedNanos = System.nanoTime() - recallStart;
                    StoreMeasures.pageCache(neo4j, r);
                }
            }
            case "candidates" -> {
                try (EmbeddedNeo4j neo4j = open(home, true)) {
                    r.put("candidateRecall", SearchRecall.candidateRecall(neo4j.db(), sampleIds(neo4j), new SplittableRandom(seed), 100,
                            5, 0.65, probeCandidates));
                }
            }
            case "train" -> {
                try (EmbeddedNeo4j neo4j = open(home)) {
                    Map<String, Object> row = neo4j.db().executeTransactionally(
                            "CALL mmr.train($config) YIELD version, nodes, epochs, trainMillis, writeMillis RETURN *",
                            Map.of("config", Map.of("writeBatchSize", trainWriteBatch())), res -> res.next());
                    r.put("writeBatchSize", trainWriteBatch());
                    r.putAll(row);
                    StoreMeasures.pageCache(neo4j, r);
                }
            }
            case "search" -> {
                StringWriter text = new StringWriter();
                int code = new CommandLine(new BenchSearch()).setOut(new PrintWriter(text, true)).setErr(new PrintWriter(text, true))
                        .execute("--db-dir", home.toString(), "--queries", String.valueOf(queries));
                out.print(text);
                if (code != 0) {
                    throw new IllegalStateException("the search benchmark failed (exit " + code + ")");
                }
                r.put("searchBenchmark", text.toString().lines().toList());
                try (EmbeddedNeo4j neo4j = open(home, true)) {
                    r.putAll(procedures(neo4j));
                    StoreMeasures.pageCache(neo4j, r);
                }
            }
            default -> throw new IllegalArgumentException(stage);
        }
        double seconds = (System.nanoTime() - t0 - excludedNanos) / 1e9;
        r.put("seconds", round(seconds));
        r.put("imagesPerSecond", Math.round(images / seconds));
        r.put("peakHeapMB", HeapPeak.megabytes());
        r.put("maxHeapMB", HeapPeak.maxMegabytes());
        if (Files.isDirectory(home)) {
            r.put("storeMB", StoreMeasures.storeSizes(home));
        }
        r.put("finished", java.time.Instant.now().toString());
        return r;
    }

    private Map<String, Object> knnConfig(long batch) {
        Map<String, Object> config = new LinkedHashMap<>(Map.of("method", knnMethod, "writeBatchSize", batch, "concurrency", knnConcurrency));
        if (knnCandidates > 0) {
            config.put("candidates", knnCandidates);
        }
        return config;
    }

    private EmbeddedNeo4j open(Path home) throws IOException {
        return open(home, false);
    }

    private EmbeddedNeo4j open(Path home, boolean web) throws IOException {
        Map<String, String> settings = pageCache.isEmpty() ? Map.of() : Map.of("server.memory.pagecache.size", pageCache);
        httpPort = web ? BenchSearch.freePort() : EmbeddedNeo4j.OFF;
        return EmbeddedNeo4j.start(home, EmbeddedNeo4j.OFF, httpPort, false, null, null, settings);
    }

    /**
     * The write and read procedures a curator and an analyst call besides search, on 20 images
     * each: mmr.tag (re-embedding what the new edge reaches) then mmr.untag, mmr.path between two
     * random images, mmr.explain of the query's 10th result, and the explorer's search endpoint over HTTP.
     */
    private Map<String, Object> procedures(EmbeddedNeo4j neo4j) throws Exception {
        GraphDatabaseService db = neo4j.db();
        List<String> ids = db.executeTransactionally("MATCH (i:Image) WHERE i.embedding IS NOT NULL "
                + "WITH i SKIP 0 LIMIT 100000 RETURN i.id AS id", Map.of(), res -> res.stream().map(m -> (String) m.get("id")).toList());
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 20;
        long[] tag = new long[n];
        long[] path = new long[n];
        long[] explain = new long[n];
        long[] explorer = new long[n];
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String base = "http://127.0.0.1:" + httpPort + EmbeddedNeo4j.EXPLORER_PATH + "/api/search";
        for (int i = -3; i < n; i++) {
            String a = ids.get(rnd.nextInt(ids.size()));
            String b = ids.get(rnd.nextInt(ids.size()));
            // explain a result the query really returned (its 10th), as the explorer does on a click
            String result = db.executeTransactionally("CALL mmr.search({id: $a}, {k: 10}) YIELD image RETURN image.id AS id",
                    Map.of("a", a), res -> res.stream().map(m -> (String) m.get("id")).reduce((x, y) -> y).orElse(a));
            long t0 = System.nanoTime();
            db.executeTransactionally("CALL mmr.tag($id, ['bench-scale-tag']) YIELD reembedded RETURN reembedded", Map.of("id", a));
            long t1 = System.nanoTime();
            db.executeTransactionally("CALL mmr.untag($id, ['bench-scale-tag']) YIELD reembedded RETURN reembedded", Map.of("id", a));
            long t2 = System.nanoTime();
            db.executeTransactionally("CALL mmr.path($a, $b) YIELD found RETURN found", Map.of("a", a, "b", b));
            long t3 = System.nanoTime();
            db.executeTransactionally("MATCH (i:Image {id: $r}) CALL mmr.explain({id: $a}, i) YIELD rank RETURN count(*) AS n",
                    Map.of("a", a, "r", result));
            long t4 = System.nanoTime();
            HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(base))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"query\":{\"id\":\"" + a + "\"},\"config\":{\"k\":24}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            long t5 = System.nanoTime();
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("the explorer's search answered " + resp.statusCode() + ": " + resp.body());
            }
            if (i >= 0) {
                tag[i] = t1 - t0;
                path[i] = t3 - t2;
                explain[i] = t4 - t3;
                explorer[i] = t5 - t4;
            }
        }
        db.executeTransactionally("MATCH (t:Tag {name: 'bench-scale-tag'}) WHERE NOT (t)--() DELETE t");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("mmr.tag ms p50/p99", percentiles(tag));
        r.put("mmr.path ms p50/p99", percentiles(path));
        r.put("mmr.explain ms p50/p99", percentiles(explain));
        r.put("explorer search (HTTP, k 24) ms p50/p99", percentiles(explorer));
        for (var e : r.entrySet()) {
            out.printf(Locale.ROOT, "%-42s %s%n", e.getKey(), e.getValue());
        }
        return r;
    }

    private static List<Double> percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return List.of(round(s[s.length / 2] / 1e6), round(s[(int) Math.ceil(s.length * 0.99) - 1] / 1e6));
    }

    /**
     * The train stage's writeBatchSize: as given, else one transaction while its state (an embedding, a
     * first-layer state and a projected input per node: about 4 KB) fits a third of the heap — Neo4j's
     * transaction pool is 70 % of it and the trainer's arrays share it — else 100,000 nodes at a time.
     */
    private long trainWriteBatch() {
        return trainWriteBatch > 0 ? trainWriteBatch : images * 4_096L < Runtime.getRuntime().maxMemory() / 3 ? 0 : 100_000;
    }

    /** Ids to sample queries from: the first 100,000 images (the synthetic catalog's order is random). */
    private static List<String> sampleIds(EmbeddedNeo4j neo4j) {
        return neo4j.db().executeTransactionally("MATCH (i:Image) RETURN i.id AS id LIMIT 100000", Map.of(),
                res -> res.stream().map(m -> (String) m.get("id")).toList());
    }

    private static String summary(Map<String, Object> r) {
        List<String> parts = new ArrayList<>();
        for (String k : List.of("seconds", "imagesPerSecond", "writeSeconds", "indexSeconds", "relationshipsWritten", "similarRecall", "candidateRecall",
                "computeMillis",
                "writeMillis", "epochs", "trainMillis", "peakHeapMB", "pageCacheUsedMB")) {
            if (r.containsKey(k)) {
                parts.add(k + " " + r.get(k));
            }
        }
        if (r.get("storeMB") instanceof Map<?, ?> m) {
            parts.add("store " + m.get("total") + " MB");
        }
        return String.join(", ", parts);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
