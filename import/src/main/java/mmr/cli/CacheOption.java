package mmr.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

import mmr.ingest.emoji.EmojiDataset;

/** The download cache of the emoji catalog, shared by every command that uses it. */
final class CacheOption {
    @Option(names = "--cache", paramLabel = "DIR", description = "Download cache (default: $MMR_CACHE or ~/.cache/mmr)")
    Path cache;

    EmojiDataset emoji() {
        return new EmojiDataset(cache == null ? EmojiDataset.defaultCache() : cache);
    }
}
