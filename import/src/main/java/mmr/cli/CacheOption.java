package mmr.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

import mmr.ingest.emoji.EmojiDataset;

/** The download cache (the emoji catalog, the TF.js models), shared by every command that uses it. */
final class CacheOption {
    @Option(names = "--cache", paramLabel = "DIR", description = "Download cache (default: $MMR_CACHE or ~/.cache/mmr)")
    Path cache;

    EmojiDataset emoji() {
        return new EmojiDataset(root());
    }

    Path root() {
        return cache == null ? EmojiDataset.defaultCache() : cache;
    }

    /** An image encoder by spec; TF.js model names (tfjs:inception_v3/mixed5) are the nsfwjs package's, fetched into the cache. */
    mmr.model.encode.ImageEncoder encoder(String spec) {
        return mmr.model.encode.Encoders.open(spec, this::tfjsModel);
    }

    /**
     * Where a server finds an encoder's model to encode query images (server.mmr.models_root): the
     * folder holding the TorchScript file or the TF.js model's folder; null for the descriptor.
     */
    Path modelsRoot(String spec) {
        Path model = mmr.model.encode.Encoders.model(spec, this::tfjsModel);
        return model == null ? null : model.toAbsolutePath().getParent();
    }

    /** A known TF.js model's folder (nsfwjs's, fetched into the cache), or null for another name. */
    private Path tfjsModel(String name) {
        if (!mmr.ingest.npm.NsfwjsModels.MODELS.contains(name)) {
            return null;
        }
        try {
            return new mmr.ingest.npm.NsfwjsModels(root()).prepare().resolve(name);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot fetch the TF.js model '" + name + "': " + e.getMessage(), e);
        }
    }
}
