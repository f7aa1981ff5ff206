package mmr.ingest.manifest;

import java.util.List;
import java.util.Map;

/** One line of a manifest: a usable record or a problem with that line. */
public sealed interface ManifestEntry permits ManifestEntry.Record, ManifestEntry.Problem {

    /** 1-based line number in the manifest. */
    long line();

    /**
     * A catalog image: an image file ({@code path}, resolved against the manifest's folder) or
     * precomputed {@code features}; tags as written (normalised later); evaluation-only metadata.
     */
    record Record(long line, String id, String path, List<String> tags, float[] features,
                  Map<String, String> metadata) implements ManifestEntry {}

    /** A line that cannot be imported, with the reason. */
    record Problem(long line, String id, String reason) implements ManifestEntry {}
}
