package mmr.ingest.npm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The pretrained image models the {@code nsfwjs} package (MIT) bundles as TF.js models —
 * {@code mobilenet_v2}, {@code mobilenet_v2_mid}, {@code inception_v3} — fetched with
 * {@code npm pack} into the cache and extracted there; nothing is downloaded at run time after that.
 */
public final class NsfwjsModels {
    public static final String PACKAGE = "nsfwjs";
    public static final String VERSION = "4.3.0";
    public static final List<String> MODELS = List.of("mobilenet_v2", "mobilenet_v2_mid", "inception_v3");

    private static final String COMPLETE = ".complete";
    private static final String MODELS_FOLDER = "dist/models";
    private final Path cache;

    public NsfwjsModels(Path cache) {
        this.cache = cache;
    }

    /** The folder holding one folder per model when it has been fetched already, else null (nothing is fetched). */
    public Path fetched() {
        Path out = cache.resolve(PACKAGE + "-" + VERSION);
        return Files.exists(out.resolve(COMPLETE)) ? out.resolve(MODELS_FOLDER) : null;
    }

    /** The folder holding one folder per model (fetched and extracted on first use). */
    public Path prepare() throws IOException {
        Path models = fetched();
        if (models != null) {
            return models;
        }
        Path out = cache.resolve(PACKAGE + "-" + VERSION);
        Path npm = cache.resolve("npm");
        Files.createDirectories(npm);
        Path tgz = NpmPackages.pack(npm, PACKAGE, VERSION);
        NpmPackages.extract(tgz, out, e -> e.startsWith("package/dist/models/") || e.equals("package/LICENSE")
                || e.equals("package/package.json"));
        Files.writeString(out.resolve(COMPLETE), "ok\n");
        return out.resolve(MODELS_FOLDER);
    }
}
