package mmr.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import mmr.ingest.graph.GraphWriter;

/** {@code mmr knn}: rebuild the visual kNN edges of an existing graph. */
@Command(name = "knn", mixinStandardHelpOptions = true,
        description = "Rebuilds the (:Image)-[:SIMILAR]->(:Image) edges from the features vector index, GDS kNN or "
                + "random-projection trees, refined by their own neighbourhoods (CALL mmr.knn).")
public final class KnnCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Option(names = "--method", defaultValue = "vectorIndex",
            description = "vectorIndex (Neo4j's HNSW index, default), gds (GDS kNN) or descent (random-projection trees, no index)")
    String method;

    @Option(names = "--concurrency", defaultValue = "1", description = "Threads (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--top-k", defaultValue = "5", description = "Neighbours per image (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--cutoff", defaultValue = "0.65", description = "Minimum cosine (default: ${DEFAULT-VALUE})")
    double cutoff;

    @Option(names = "--write-batch", defaultValue = "0",
            description = "Rewrite N images per transaction (bounded memory, not atomic); 0 (default): one transaction")
    int writeBatch;

    @Option(names = "--refine", paramLabel = "N",
            description = "Rounds of refinement by the lists' own neighbourhoods, 0 to 10 (default: 2; 6 with --method descent)")
    Integer refine;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("method", method);
        config.put("topK", (long) topK);
        config.put("concurrency", (long) concurrency);
        config.put("similarityCutoff", cutoff);
        config.put("writeBatchSize", (long) writeBatch);
        if (refine != null) {
            config.put("refine", (long) refine);
        }
        try (TargetOptions.Opened opened = target.open()) {
            Map<String, Object> row = new GraphWriter(opened.cypher()).rebuildKnn(config);
            spec.commandLine().getOut().println(row);
        }
        return 0;
    }
}
