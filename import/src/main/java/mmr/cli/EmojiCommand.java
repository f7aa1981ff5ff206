package mmr.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import mmr.ingest.emoji.EmojiDataset;

/** {@code mmr emoji}: fetch the emoji packages and write a manifest. */
@Command(name = "emoji", mixinStandardHelpOptions = true,
        description = {"Fetches emoji images (Google, Twitter) and emojilib keywords with npm pack into a cache,",
                "and writes a manifest: one image per vendor and emoji, tags = keywords minus the emoji's own name."})
public final class EmojiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CacheOption cache;

    @Option(names = "--out", paramLabel = "DIR", description = "Copy the chosen images and the manifest into DIR (self-contained)")
    Path out;

    @Option(names = "--vendors", split = ",", defaultValue = "google,twitter", description = "Vendors (default: ${DEFAULT-VALUE})")
    List<String> vendors;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "0", description = "Only N emoji, spread over categories (0 = all)")
    int sample;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the sample (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--skin-tones", description = "Include skin-tone variants")
    boolean skinTones;

    @Override
    public Integer call() throws Exception {
        for (String v : vendors) {
            if (!EmojiDataset.VENDORS.contains(v)) {
                throw new IllegalArgumentException("unknown vendor '" + v + "'; accepted: " + String.join(", ", EmojiDataset.VENDORS));
            }
        }
        EmojiDataset dataset = cache.emoji();
        Path prepared = dataset.prepare();
        Path manifest = dataset.build(prepared, new EmojiDataset.Options(vendors, skinTones, sample, seed), out);
        spec.commandLine().getOut().println(manifest);
        return 0;
    }
}
