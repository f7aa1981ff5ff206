package mmr.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import picocli.CommandLine.Option;

import mmr.ingest.emoji.EmojiDataset;
import mmr.ingest.npm.NsfwjsModels;
import mmr.model.encode.Encoders;
import mmr.model.encode.ImageEncoder;

/** The download cache (the emoji catalog, the TF.js models), shared by every command that uses it. */
final class CacheOption {
    /**
     * The encoder of mmr import, serve and eval when none is named, chosen by mmr eval (quality and
     * encode throughput; docs/encoders.md): the descriptor beside MobileNetV2's last bottleneck at 128 px.
     */
    static final String DEFAULT_ENCODER = "descriptor+tfjs:mobilenet_v2_mid/expanded_conv_16/project@128";

    @Option(names = "--cache", paramLabel = "DIR", description = "Download cache (default: $MMR_CACHE or ~/.cache/mmr)")
    Path cache;

    EmojiDataset emoji() {
        return new EmojiDataset(root());
    }

    Path root() {
        return cache == null ? EmojiDataset.defaultCache() : cache;
    }

    /** An image encoder by spec; TF.js model names (tfjs:inception_v3/mixed5, tfjs:mobilenet_v2_mid) are the nsfwjs package's, fetched into the cache. */
    ImageEncoder encoder(String spec) {
        return Encoders.open(spec, this::tfjsModel);
    }

    /**
     * Where a server finds an encoder's model to encode query images (server.mmr.models_root): the
     * folder holding the TorchScript file or the TF.js model's folder; null for the descriptor.
     */
    Path modelsRoot(String spec) {
        List<Path> folders = Encoders.models(spec, this::tfjsModel).stream()
                .map(m -> m.toAbsolutePath().normalize().getParent()).distinct().toList();
        if (folders.size() > 1) {
            throw new IllegalArgumentException("encoder '" + spec + "' runs models in " + folders.size() + " folders " + folders
                    + "; a server finds them in one (server.mmr.models_root): put them side by side");
        }
        return folders.isEmpty() ? null : folders.get(0);
    }

    /**
     * server.mmr.models_root for a store opened by a command that does not import (its catalog's encoder is
     * whatever it was built with): the cache's TF.js models when they have been fetched, which is where
     * import, serve and eval found the default encoder's; null otherwise. The server checks each model
     * against the checksum recorded at import, so pointing at a folder is never a wrong answer.
     */
    Path fetchedModelsRoot() {
        return new NsfwjsModels(root()).fetched();
    }

    /** A known TF.js model's folder (nsfwjs's, fetched into the cache), or null for another name. */
    private Path tfjsModel(String name) {
        if (!NsfwjsModels.MODELS.contains(name)) {
            return null;
        }
        try {
            return new NsfwjsModels(root()).prepare().resolve(name);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot fetch the TF.js model '" + name + "': " + e.getMessage(), e);
        }
    }
}
