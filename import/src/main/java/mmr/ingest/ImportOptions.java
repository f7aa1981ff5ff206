package mmr.ingest;

import java.nio.file.Path;
import java.util.Map;

import mmr.model.encode.EncoderIdentity;
import mmr.model.image.ImageDecoder;
import mmr.model.tag.TagFeatures;

/**
 * How one import runs.
 *
 * @param manifest         the catalog manifest (JSON Lines or CSV)
 * @param batchSize        images per encode batch and per write transaction
 * @param maxPixels        images whose header declares more pixels are refused before decoding
 * @param tagInit          how Tag features are initialised
 * @param featuresEncoder  identity of precomputed {@code features} in the manifest; null when images are encoded here
 * @param knn              whether to rebuild the SIMILAR edges at the end
 * @param knnConfig        configuration passed to {@code mmr.knn}
 * @param progress         whether to draw a progress bar on stderr
 */
public record ImportOptions(Path manifest, int batchSize, long maxPixels, TagFeatures.Init tagInit,
                            EncoderIdentity featuresEncoder, boolean knn, Map<String, Object> knnConfig,
                            boolean progress) {
    public ImportOptions {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batch size must be from 1 to 10000, got " + batchSize);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("max pixels must be positive, got " + maxPixels);
        }
    }

    public static ImportOptions defaults(Path manifest) {
        return new ImportOptions(manifest, 64, ImageDecoder.DEFAULT_MAX_PIXELS, TagFeatures.Init.DEFAULT, null,
                true, Map.of(), false);
    }

    public ImportOptions withKnn(boolean run) {
        return new ImportOptions(manifest, batchSize, maxPixels, tagInit, featuresEncoder, run, knnConfig, progress);
    }

    public ImportOptions withProgress(boolean show) {
        return new ImportOptions(manifest, batchSize, maxPixels, tagInit, featuresEncoder, knn, knnConfig, show);
    }
}
