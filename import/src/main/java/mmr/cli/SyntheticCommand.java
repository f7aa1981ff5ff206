package mmr.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import mmr.ingest.synthetic.SyntheticCatalog;

/** {@code mmr synthetic}: a seeded synthetic catalog for scale work. */
@Command(name = "synthetic", mixinStandardHelpOptions = true,
        description = {"Writes a synthetic features manifest (clustered vectors, Zipf-distributed tags) for speed and memory work.",
                "Import it with: mmr import --manifest FILE --features-encoder <the identity printed>"})
public final class SyntheticCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "N", description = "Number of images (1k ... 1M)")
    long images;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Manifest to write (.jsonl)")
    Path out;

    @Option(names = "--seed", defaultValue = "7", description = "Seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--dimension", defaultValue = "512", description = "Feature dimension (default: ${DEFAULT-VALUE})")
    int dimension;

    @Option(names = "--vocabulary", defaultValue = "5000", description = "Distinct tags (default: ${DEFAULT-VALUE})")
    int vocabulary;

    @Override
    public Integer call() throws Exception {
        SyntheticCatalog.Spec defaults = SyntheticCatalog.Spec.forImages(images, seed);
        SyntheticCatalog.Spec s = new SyntheticCatalog.Spec(images, dimension, defaults.clusters(), vocabulary,
                defaults.meanTags(), defaults.zipfExponent(), defaults.noise(), seed);
        long t0 = System.nanoTime();
        SyntheticCatalog.write(s, out);
        spec.commandLine().getOut().printf("%s: %d images in %.1f s; features encoder %s%n", out, images,
                (System.nanoTime() - t0) / 1e9, s.encoderIdentity());
        return 0;
    }
}
