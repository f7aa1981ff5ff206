package mmr.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import mmr.ingest.icons.IconDataset;

/** {@code mmr icons}: fetch Material Design Icons and write a manifest. */
@Command(name = "icons", mixinStandardHelpOptions = true,
        description = {"Fetches Material Design Icons (@mdi/svg, SVG) with npm pack into a cache and writes a manifest:",
                "one image per icon, tags = the words of its name and aliases and its categories."})
public final class IconsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CacheOption cache;

    @Option(names = "--out", paramLabel = "DIR", description = "Copy the chosen SVGs and the manifest into DIR (self-contained)")
    Path out;

    @Option(names = "--families", paramLabel = "N", defaultValue = "0",
            description = "Only the icons of N families, spread over categories (0 = all)")
    int families;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the sample (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (families < 0) {
            throw new IllegalArgumentException("--families must be 0 (all) or positive, got " + families);
        }
        IconDataset dataset = new IconDataset(cache.root());
        Path manifest = dataset.build(dataset.prepare(), families, seed, out);
        spec.commandLine().getOut().println(manifest);
        return 0;
    }
}
