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
        return mmr.model.encode.Encoders.open(spec, name -> {
            if (!mmr.ingest.npm.NsfwjsModels.MODELS.contains(name)) {
                return null;
            }
            try {
                return new mmr.ingest.npm.NsfwjsModels(root()).prepare().resolve(name);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot fetch the TF.js model '" + name + "': " + e.getMessage(), e);
            }
        });
    }

    /**
     * Where a server finds an encoder's model to encode query images (server.mmr.models_root): a
     * TorchScript file's folder; for tfjs:<model>/<layer>, the folder holding the model's folder (a
     * known model's: the cache's); null for the descriptor.
     */
    Path modelsRoot(String spec) throws java.io.IOException {
        String s = spec == null ? "" : spec.strip();
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("torchscript:") && s.length() > "torchscript:".length()) {
            return Path.of(s.substring("torchscript:".length())).toAbsolutePath().getParent();
        }
        if (lower.startsWith("tfjs:") && s.lastIndexOf('/') > "tfjs:".length()) {
            String model = s.substring("tfjs:".length(), s.lastIndexOf('/'));
            if (java.nio.file.Files.isDirectory(Path.of(model))) {
                return Path.of(model).toAbsolutePath().getParent();
            }
            if (mmr.ingest.npm.NsfwjsModels.MODELS.contains(model)) {
                return new mmr.ingest.npm.NsfwjsModels(root()).prepare();
            }
        }
        return null;
    }
}
