package mmr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import mmr.eval.RetrievalMetrics;
import mmr.eval.TrainConfigText;
import mmr.ingest.graph.EmbeddedCypher;
import mmr.model.vector.Vectors;
import mmr.server.EmbeddedNeo4j;

/** Retrieval quality of training choices on a built catalog (a copy of it), against evaluation-only metadata. */
@Command(name = "quality", mixinStandardHelpOptions = true,
        description = "Trains GraphSAGE variants on a copy of a built catalog (default: the emoji graph of mmr serve) and "
                + "scores each by exact top-10 retrieval: the same emoji from the other vendor, and the same subcategory.")
final class BenchQuality implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--db-dir", defaultValue = ".mmr/neo4j", description = "Neo4j home to copy (default: ${DEFAULT-VALUE})")
    Path source;

    @Option(names = "--k", defaultValue = "10", description = "Results scored per query (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--variant", paramLabel = "CONFIG", description = "An mmr.train config map to score instead of the "
            + "built-in variants, e.g. \"{epochs: 10}\" (repeatable)")
    List<String> variants;

    @Option(names = "--search", description = "Instead of training variants: score mmr.search itself (the query node and "
            + "the slider) with the catalog's current model, for each image as the query")
    boolean search;

    static final LinkedHashMap<String, String> VARIANTS = new LinkedHashMap<>();

    static {
        VARIANTS.put("defaults (epochs 5, relu)", "{}");
        VARIANTS.put("activation: sigmoid", "{activation: 'sigmoid'}");
        VARIANTS.put("searchDepth: 2", "{searchDepth: 2}");
        VARIANTS.put("epochs: 10", "{epochs: 10}");
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isDirectory(source.resolve("data"))) {
            throw new IllegalArgumentException("--db-dir " + source + " holds no database; run ./mmr serve once to build the emoji graph");
        }
        Path dir = Files.createTempDirectory("mmr-bench-quality");
        try {
            copyTree(source, dir.resolve("neo4j"));
            try (EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(dir.resolve("neo4j"), EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF)) {
                EmbeddedCypher cypher = new EmbeddedCypher(neo4j.db(), "bench");
                out.printf(Locale.ROOT, "%-42s %8s %10s %10s %12s %9s%n", "variant", "train s", "final loss", "twin@" + k,
                        "subcat P@" + k, "mean cos");
                score(out, "visual features only (no graph)", cypher, "features", Double.NaN, Double.NaN);
                if (search) {
                    score(out, "stored embeddings (no query node)", cypher, "embedding", Double.NaN, Double.NaN);
                    for (String config : List.of("{visualWeight: 1.0, connect: 'images'}", "{visualWeight: 1.0}",
                            "{visualWeight: 0.5}", "{visualWeight: 0.0}", "{visualWeight: 0.5, connect: 'tags'}")) {
                        searchScore(out, cypher, config);
                    }
                    tagScore(out, cypher);
                    return 0;
                }
                LinkedHashMap<String, String> chosen = new LinkedHashMap<>();
                if (variants == null) {
                    chosen.putAll(VARIANTS);
                } else {
                    variants.forEach(v -> chosen.put(v, v));
                }
                for (var v : chosen.entrySet()) {
                    long t0 = System.nanoTime();
                    Map<String, Object> row = cypher.write("CALL mmr.train($config)", Map.of("config", TrainConfigText.parse(v.getValue()))).get(0);
                    List<?> losses = (List<?>) row.get("epochLosses");
                    double loss = ((Number) losses.get(losses.size() - 1)).doubleValue();
                    score(out, v.getKey(), cypher, "embedding", (System.nanoTime() - t0) / 1e9, loss);
                }
            }
        } finally {
            BenchCommand.deleteTree(dir);
        }
        return 0;
    }

    private void score(PrintWriter out, String name, EmbeddedCypher cypher, String property, double seconds, double loss) {
        List<RetrievalMetrics.Item> items = new ArrayList<>();
        cypher.read("MATCH (i:Image) RETURN i." + property + " AS v, i.eval_concept AS c, i.eval_vendor AS vendor, "
                + "i.eval_subcategory AS s", Map.of(), row -> items.add(new RetrievalMetrics.Item(
                Vectors.toFloats(row.get("v")), (String) row.get("c"), (String) row.get("vendor"),
                (String) row.get("s"))));
        RetrievalMetrics.Scores s = RetrievalMetrics.evaluate(items, k);
        out.printf(Locale.ROOT, "%-42s %8s %10s %10.3f %12.3f %9.3f%n", name, Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.1f", seconds),
                Double.isNaN(loss) ? "-" : String.format(Locale.ROOT, "%.3f", loss), s.twinRecall(), s.subcategoryP(), s.meanCosine());
        out.flush();
    }

    /** Every image queries mmr.search with itself ({node}, its own tags) and the top k are scored. */
    private void searchScore(PrintWriter out, EmbeddedCypher cypher, String config) {
        List<RetrievalMetrics.Item> items = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        cypher.read("MATCH (i:Image) RETURN i.id AS id, i.eval_concept AS c, i.eval_vendor AS v, i.eval_subcategory AS s",
                Map.of(), row -> {
                    ids.add((String) row.get("id"));
                    items.add(new RetrievalMetrics.Item(null, (String) row.get("c"), (String) row.get("v"),
                            (String) row.get("s")));
                });
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            index.put(ids.get(i), i);
        }
        long t0 = System.nanoTime();
        List<int[]> rankings = new ArrayList<>();
        for (String id : ids) {
            List<Integer> hits = new ArrayList<>();
            cypher.read("MATCH (i:Image {id: $id}) CALL mmr.search({node: i}, " + config.replace("{", "{k: " + k + ", ")
                    + ") YIELD image RETURN image.id AS id", Map.of("id", id), row -> hits.add(index.get((String) row.get("id"))));
            rankings.add(hits.stream().mapToInt(Integer::intValue).toArray());
        }
        double ms = (System.nanoTime() - t0) / 1e6 / ids.size();
        RetrievalMetrics.Scores s = RetrievalMetrics.score(items, rankings, k, Double.NaN);
        out.printf(Locale.ROOT, "%-42s %8s %10s %10.3f %12.3f %9s  (%.1f ms/query)%n", "mmr.search " + config, "-", "-",
                s.twinRecall(), s.subcategoryP(), "-", ms);
        out.flush();
    }

    /**
     * Tag prediction: every image's top 5 of mmr.predictTags (its own tags are not attached) scored
     * against its own tags, side by side with two baselines — the tags its visual neighbours (the
     * same attachment) carry most often, and the catalog's most frequent tags.
     */
    private void tagScore(PrintWriter out, EmbeddedCypher cypher) {
        int top = 5;
        Map<String, Long> frequency = new HashMap<>();
        cypher.read("MATCH (t:Tag) RETURN t.name AS name, COUNT { (t)<-[:TAGGED]-(:Image) } AS n", Map.of(),
                row -> frequency.put((String) row.get("name"), (Long) row.get("n")));
        List<String> popular = frequency.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(top).map(Map.Entry::getKey).toList();
        Map<String, Set<String>> truth = new LinkedHashMap<>();
        cypher.read("MATCH (i:Image)-[:TAGGED]->(t:Tag) RETURN i.id AS id, collect(t.name) AS tags", Map.of(),
                row -> truth.put((String) row.get("id"), new HashSet<>(castStrings(row.get("tags")))));
        double[] precision = new double[3];
        double[] recall = new double[3];
        long t0 = System.nanoTime();
        for (var e : truth.entrySet()) {
            Map<String, Object> p = Map.of("id", e.getKey(), "k", (long) top);
            List<String> predicted = new ArrayList<>();
            cypher.read("CALL mmr.predictTags({id: $id}, {k: $k}) YIELD name RETURN name", p,
                    row -> predicted.add((String) row.get("name")));
            List<String> voted = new ArrayList<>();
            cypher.read("CALL mmr.attach({id: $id}, {connect: 'images'}) YIELD images UNWIND images AS l "
                    + "WITH l.image AS image MATCH (image)-[:TAGGED]->(t:Tag) WITH t.name AS name, count(*) AS votes "
                    + "RETURN name ORDER BY votes DESC, name LIMIT $k", p, row -> voted.add((String) row.get("name")));
            List<List<String>> answers = List.of(predicted, voted, popular);
            for (int a = 0; a < 3; a++) {
                long hits = answers.get(a).stream().filter(e.getValue()::contains).count();
                precision[a] += hits / (double) top;
                recall[a] += hits / (double) e.getValue().size();
            }
        }
        int n = truth.size();
        out.printf(Locale.ROOT, "%ntag prediction over %d tagged images (%.1f ms/image), top %d against each image's own tags:%n",
                n, (System.nanoTime() - t0) / 1e6 / n, top);
        String[] names = {"mmr.predictTags (query node, tag embeddings)", "tags of the same visual neighbours, by votes",
                "the catalog's " + top + " most frequent tags"};
        for (int a = 0; a < 3; a++) {
            out.printf(Locale.ROOT, "  %-46s precision@%d %.3f  recall@%d %.3f%n", names[a], top, precision[a] / n, top,
                    recall[a] / n);
        }
        out.flush();
    }

    private static List<String> castStrings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }

    /** Copies a folder (a store: its lock files left behind). */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().endsWith(".lock")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
