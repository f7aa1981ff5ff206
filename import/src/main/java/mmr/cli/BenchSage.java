package mmr.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import mmr.ingest.graph.EmbeddedCypher;
import mmr.ingest.synthetic.SyntheticCatalog;
import mmr.model.sage.GraphSage;
import mmr.model.sage.SageGraph;
import mmr.model.sage.SageWeights;
import mmr.model.tag.TagFeatures;
import mmr.server.EmbeddedNeo4j;

/** GraphSAGE inference per node: mmr's native pass (pure and over Neo4j) against GDS's stream. */
@Command(name = "sage", mixinStandardHelpOptions = true,
        description = "Per-node GraphSAGE inference time (25x10 samples, 512-d features): native forward pass in memory, "
                + "mmr.embed over Neo4j, and gds.beta.graphSage.stream, on one synthetic graph.")
final class BenchSage implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--images", defaultValue = "20000", description = "Synthetic images (default: ${DEFAULT-VALUE})")
    long images;

    @Option(names = "--rounds", defaultValue = "5", description = "Rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--native-only", description = "Only the in-memory forward pass (no database)")
    boolean nativeOnly;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        nativeInMemory(out);
        if (nativeOnly) {
            return 0;
        }
        Path dir = Files.createTempDirectory("mmr-bench-sage");
        try {
            SyntheticCatalog.Spec s = SyntheticCatalog.Spec.forImages(images, 7);
            Path manifest = dir.resolve("synthetic.jsonl");
            SyntheticCatalog.write(s, manifest);
            try (EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(dir.resolve("neo4j"), EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF)) {
                EmbeddedCypher cypher = new EmbeddedCypher(neo4j.db(), "bench");
                BenchCommand.importSynthetic(s, manifest, cypher, true, Map.of(), TagFeatures.Init.RANDOM);
                cypher.write("CALL mmr.train({trainer: 'gds', epochs: 1, maxIterations: 3})", Map.of());
                long nodes = (Long) cypher.write("MATCH (n) WHERE n:Image OR n:Tag RETURN count(n) AS n", Map.of())
                        .get(0).get("n");
                out.printf(Locale.ROOT, "graph: %d images, %d nodes with tags; model 128-d, samples 25/10, 512-d features%n", images, nodes);

                // GDS: a model of the same shape, streamed for every node (projection excluded).
                cypher.write("CALL gds.graph.project('bench', {Image: {properties: 'features'}, Tag: {properties: 'features'}}, "
                        + "{SIMILAR: {orientation: 'UNDIRECTED'}, TAGGED: {orientation: 'UNDIRECTED'}}) YIELD graphName RETURN graphName",
                        Map.of());
                cypher.write("CALL gds.beta.graphSage.train('bench', {modelName: 'bench', featureProperties: ['features'], "
                        + "aggregator: 'mean', sampleSizes: [25, 10], embeddingDimension: 128, epochs: 1, maxIterations: 3, "
                        + "randomSeed: 42, concurrency: 1}) YIELD modelInfo RETURN modelInfo", Map.of());
                double[] gdsPerNode = new double[rounds];
                double[] embedPerNode = new double[rounds];
                for (int r = -1; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    cypher.write("CALL gds.beta.graphSage.stream('bench', {modelName: 'bench', concurrency: 1}) "
                            + "YIELD nodeId RETURN count(nodeId) AS n", Map.of());
                    long t1 = System.nanoTime();
                    cypher.write("MATCH (n:Image) WITH n LIMIT 2000 WITH collect(n) AS ns CALL mmr.embed(ns) YIELD nodes RETURN nodes",
                            Map.of());
                    long t2 = System.nanoTime();
                    if (r >= 0) {
                        gdsPerNode[r] = (t1 - t0) / 1e6 / nodes;
                        embedPerNode[r] = (t2 - t1) / 1e6 / 2000;
                    }
                }
                long t0 = System.nanoTime();
                Object read = cypher.write("MATCH (n:Image) WITH n LIMIT 2000 RETURN sum(size(n.features)) AS n", Map.of())
                        .get(0).get("n");
                out.printf(Locale.ROOT, "reading 'features' of 2000 images (%s floats): %.3f ms per node%n", read,
                        (System.nanoTime() - t0) / 1e6 / 2000);
                Arrays.sort(gdsPerNode);
                Arrays.sort(embedPerNode);
                out.printf(Locale.ROOT, "gds.beta.graphSage.stream (all %d nodes, concurrency 1): median %.3f ms per node%n",
                        nodes, gdsPerNode[rounds / 2]);
                out.printf(Locale.ROOT, "mmr.embed over Neo4j (2000 images, writes included):   median %.3f ms per node "
                        + "(%.1fx GDS)%n", embedPerNode[rounds / 2], embedPerNode[rounds / 2] / gdsPerNode[rounds / 2]);
            }
        } finally {
            BenchCommand.deleteTree(dir);
        }
        return 0;
    }

    /**
     * The forward pass alone: random 128x512 and 128x128 weights, 20,000 nodes with 512-d features
     * and 30 neighbours each in memory, so every layer samples fully (25 then 10).
     */
    private static void nativeInMemory(PrintWriter out) {
        int n = 20_000;
        int dim = 512;
        int emb = 128;
        SplittableRandom r = new SplittableRandom(1);
        float[][] features = new float[n][dim];
        for (float[] v : features) {
            for (int i = 0; i < dim; i++) {
                v[i] = (float) (r.nextDouble() * 2 - 1);
            }
        }
        long[][] adjacency = new long[n][30];
        for (long[] list : adjacency) {
            for (int i = 0; i < list.length; i++) {
                list[i] = r.nextInt(n);
            }
        }
        double[] w1 = new double[emb * dim];
        double[] w2 = new double[emb * emb];
        Arrays.setAll(w1, i -> (r.nextDouble() - 0.5) * 0.1);
        Arrays.setAll(w2, i -> (r.nextDouble() - 0.5) * 0.1);
        SageWeights weights = new SageWeights(List.of(
                new SageWeights.Layer(25, new SageWeights.Matrix(emb, dim, w1)),
                new SageWeights.Layer(10, new SageWeights.Matrix(emb, emb, w2))),
                SageWeights.Activation.SIGMOID, Map.of());
        SageGraph graph = new SageGraph() {
            @Override
            public long[] neighbours(long node, int sampleSize) {
                return Arrays.copyOf(adjacency[(int) node], sampleSize);
            }

            @Override
            public float[] features(long node) {
                return features[(int) node];
            }

            @Override
            public String label(long node) {
                return "Image";
            }
        };
        GraphSage sage = new GraphSage(weights);
        double[] perNode = new double[5];
        for (int round = -1; round < perNode.length; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                sage.embed(graph, i);
            }
            if (round >= 0) {
                perNode[round] = (System.nanoTime() - t0) / 1e6 / 2000;
            }
        }
        Arrays.sort(perNode);
        out.printf(Locale.ROOT, "native forward pass in memory (25x10 samples, 512-d, 2000 nodes): median %.3f ms per node "
                + "(min %.3f, max %.3f)%n", perNode[2], perNode[0], perNode[4]);
        out.flush();
    }
}
