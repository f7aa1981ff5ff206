package mmr.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import mmr.progress.TrainProgress;

/** {@code mmr train}: GraphSAGE embeddings for an imported catalog (CALL mmr.train). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains GraphSAGE (mmr's djl trainer by default, or GDS) on the catalog graph, writes embeddings and stores a new model version (CALL mmr.train).")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target;

    @Option(names = "--model", defaultValue = "default", description = "Model name (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--embedding-dimension", defaultValue = "128", description = "Embedding dimension (default: ${DEFAULT-VALUE})")
    int embeddingDimension;

    @Option(names = "--trainer", paramLabel = "djl|gds", description = "djl (mmr's trainer, the default) or gds (GDS's unsupervised GraphSAGE)")
    String trainer;

    @Option(names = "--epochs", description = "Epochs (default: the trainer's; djl 20, gds 5)")
    Integer epochs;

    @Option(names = "--max-iterations", description = "Iterations per epoch (gds only; default 10)")
    Integer maxIterations;

    @Option(names = "--concurrency", description = "GDS threads (gds only; default 1)")
    Integer concurrency;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("modelName", model);
        config.put("embeddingDimension", (long) embeddingDimension);
        if (trainer != null) {
            config.put("trainer", trainer);
        }
        if (epochs != null) {
            config.put("epochs", (long) epochs);
        }
        if (maxIterations != null) {
            config.put("maxIterations", (long) maxIterations);
        }
        if (concurrency != null) {
            config.put("concurrency", (long) concurrency);
        }
        try (TargetOptions.Opened opened = target.open()) {
            long t0 = System.nanoTime();
            Map<String, Object> row;
            try (TrainProgress progress = new TrainProgress(opened.cypher(), spec.commandLine().getOut())) {
                row = opened.cypher().write("CALL mmr.train($config)", Map.of("config", config)).get(0);
            }
            print(row, (System.nanoTime() - t0) / 1e9, spec.commandLine().getOut());
        }
        return 0;
    }

    static void print(Map<String, Object> row, double seconds, PrintWriter out) {
        out.printf(Locale.ROOT, "Trained model %s version %s on %s nodes / %s relationships in %.1f s (training %.1f s)%n",
                row.get("modelName"), row.get("version"), row.get("nodes"), row.get("relationships"), seconds,
                ((Number) row.get("trainMillis")).doubleValue() / 1000);
        StringBuilder losses = new StringBuilder();
        for (Object l : (List<?>) row.get("epochLosses")) {
            losses.append(losses.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", ((Number) l).doubleValue()));
        }
        out.printf(Locale.ROOT, "  epochs %s (converged: %s), loss per epoch: %s%n", row.get("epochs"), row.get("didConverge"), losses);
    }
}
