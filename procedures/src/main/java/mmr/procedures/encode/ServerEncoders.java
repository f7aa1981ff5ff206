package mmr.procedures.encode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import mmr.model.encode.DescriptorEncoder;
import mmr.model.encode.EncoderGrammar;
import mmr.model.encode.EncoderGrammar.Stored;
import mmr.model.encode.EncoderGrammar.StoredDescriptor;
import mmr.model.encode.EncoderGrammar.StoredFused;
import mmr.model.encode.EncoderGrammar.StoredTfjs;
import mmr.model.encode.EncoderGrammar.StoredTorchScript;
import mmr.model.encode.EncoderIdentity;
import mmr.model.encode.FusedEncoder;
import mmr.model.encode.ImageEncoder;
import mmr.model.encode.TfjsEncoder;
import mmr.model.encode.TorchScriptEncoder;
import mmr.model.text.Bounded;
import mmr.model.tfjs.TfjsNet;

/**
 * The image encoders the server runs for query images: the catalog's own, as recorded at import
 * (its identity parsed once, by {@link EncoderGrammar}); this class only finds and checks the files.
 * The built-in descriptor needs nothing; a TorchScript catalog ({@code torchscript-<stem>}) is
 * encoded with {@code <stem>.pt} from the folder {@code server.mmr.models_root} names — never a
 * path a client sends — after its checksum is compared with the one the catalog recorded; a TF.js
 * catalog with its model's folder there; a fused one with each of its parts. Each
 * model is loaded once per server and kept (its predictors pooled, one per concurrent caller)
 * until {@link #closeAll()} at shutdown.
 */
public final class ServerEncoders {
    /** Stored identities as parsed, by identity: each catalog's is parsed once. */
    private static final Map<String, Stored> PARSED = new ConcurrentHashMap<>();
    /** Loaded encoders by identity and file. */
    private static final Map<String, ImageEncoder> LOADED = new ConcurrentHashMap<>();
    /** Checksums by file, with the size and modification time they were computed at. */
    private static final Map<Path, Stamp> DIGESTS = new ConcurrentHashMap<>();

    private record Stamp(long size, long modified, String digest) {}

    /** Images encoded lately, by encoder and SHA-256 of their bytes: at most this many vectors are kept. */
    public static final int RECENT = 256;
    private static final Map<String, float[]> RECENT_FEATURES = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                    return size() > RECENT;
                }
            });

    /** The key of an image's features: the encoder's identity and the SHA-256 of the bytes. */
    public static String key(EncoderIdentity encoder, byte[] bytes) {
        try {
            return encoder + "#" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Features of these bytes encoded lately by this encoder, or null. */
    public static float[] recent(String key) {
        return RECENT_FEATURES.get(key);
    }

    public static void remember(String key, float[] features) {
        RECENT_FEATURES.put(key, features);
    }

    private ServerEncoders() {}

    /**
     * The encoder of a catalog, loaded on first use; a clear error (naming the setting, the file and
     * the checksums) when the server cannot run it.
     *
     * @param modelsRoot {@code server.mmr.models_root}, or null when unset
     */
    public static ImageEncoder forCatalog(String procedure, EncoderIdentity catalog, Path modelsRoot) {
        Stored stored;
        try {
            stored = PARSED.computeIfAbsent(catalog.toString(), k -> EncoderGrammar.ofIdentity(catalog));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(procedure + ": the catalog's " + e.getMessage());
        }
        return forCatalog(procedure, stored, modelsRoot);
    }

    private static ImageEncoder forCatalog(String procedure, Stored stored, Path modelsRoot) {
        EncoderIdentity catalog = stored.identity();
        if (stored instanceof StoredDescriptor) {
            return checked(procedure, catalog, LOADED.computeIfAbsent(catalog.toString(), k -> withPluginClassLoader(DescriptorEncoder::new)));
        }
        if (stored instanceof StoredTfjs tfjs) {
            return tfjs(procedure, tfjs, modelsRoot);
        }
        if (stored instanceof StoredFused fused) {
            List<ImageEncoder> parts = new ArrayList<>();
            double[] weights = new double[fused.parts().size()];
            for (int i = 0; i < weights.length; i++) {
                parts.add(forCatalog(procedure, fused.parts().get(i).part(), modelsRoot));   // each part found and checked as on its own
                weights[i] = fused.parts().get(i).weight();
            }
            return checked(procedure, catalog, LOADED.computeIfAbsent(catalog + "@" + modelsRoot, k -> new FusedEncoder(parts, weights, false)));
        }
        if (!(stored instanceof StoredTorchScript torchScript)) {
            throw new IllegalArgumentException(procedure + ": the catalog's features come from encoder " + catalog + ", which the "
                    + "server cannot run; pass the query's 'features' computed with it (the server runs the built-in '"
                    + DescriptorEncoder.NAME + "' encoder, and TorchScript and TF.js models — alone or fused — from "
                    + "server.mmr.models_root)");
        }
        String stem = torchScript.stem();
        String fileName = stem + ".pt";
        if (modelsRoot == null) {
            throw new IllegalArgumentException(procedure + ": the catalog's features come from the TorchScript model "
                    + Bounded.quote(fileName) + " (" + catalog + "); to search with images, set server.mmr.models_root to the "
                    + "folder holding that file, or pass the query's 'features'");
        }
        Path file = find(modelsRoot, stem);
        if (file == null) {
            throw new IllegalArgumentException(procedure + ": the catalog's TorchScript model " + Bounded.quote(fileName)
                    + " is not in server.mmr.models_root " + Bounded.quote(modelsRoot.toString()) + "; put the file the catalog was "
                    + "imported with there (checksum " + catalog.version() + "), or pass the query's 'features'");
        }
        String digest = digest(procedure, file);
        if (!digest.equals(catalog.version())) {
            throw new IllegalArgumentException(procedure + ": the TorchScript model " + Bounded.quote(file.toString())
                    + " has changed since the catalog was imported (checksum " + digest + ", the catalog's " + catalog.version()
                    + "); put back the file it was imported with, or re-import the catalog");
        }
        ImageEncoder encoder = LOADED.computeIfAbsent(catalog + "@" + file, k -> withPluginClassLoader(() -> new TorchScriptEncoder(file)));
        return checked(procedure, catalog, encoder);
    }

    /** A TF.js catalog: the model's folder in models_root (matched as the importer named it), checked against the catalog's checksum of its files. */
    private static ImageEncoder tfjs(String procedure, StoredTfjs stored, Path modelsRoot) {
        EncoderIdentity catalog = stored.identity();
        String model = stored.model();
        if (modelsRoot == null) {
            throw new IllegalArgumentException(procedure + ": the catalog's features come from the TF.js model " + Bounded.quote(model)
                    + " (" + catalog + "); to search with images, set server.mmr.models_root to the folder holding that model's "
                    + "folder, or pass the query's 'features'");
        }
        Path folder = null;
        try (var dirs = Files.list(modelsRoot)) {
            folder = dirs.filter(d -> Files.isDirectory(d) && TfjsNet.clean(d.getFileName().toString()).equals(model))
                    .sorted().findFirst().orElse(null);
        } catch (IOException e) {
            // reported below as missing
        }
        if (folder == null) {
            throw new IllegalArgumentException(procedure + ": the catalog's TF.js model " + Bounded.quote(model)
                    + " is not a folder in server.mmr.models_root " + Bounded.quote(modelsRoot.toString()) + "; put the model the "
                    + "catalog was imported with there (checksum " + catalog.version() + "), or pass the query's 'features'");
        }
        Path dir = folder.toAbsolutePath().normalize();
        String digest = digest(procedure, dir);
        if (!digest.equals(catalog.version())) {
            throw new IllegalArgumentException(procedure + ": the TF.js model " + Bounded.quote(dir.toString()) + " has changed since "
                    + "the catalog was imported (checksum " + digest + ", the catalog's " + catalog.version() + "); put back the "
                    + "model it was imported with, or re-import the catalog");
        }
        ImageEncoder encoder = LOADED.computeIfAbsent(catalog + "@" + dir,
                k -> withPluginClassLoader(() -> new TfjsEncoder(dir, stored.layer(), stored.side())));
        return checked(procedure, catalog, encoder);
    }

    /** The .pt file in {@code root} whose stem names the encoder (as the importer named it: lower case, '_' for others). */
    private static Path find(Path root, String stem) {
        Path exact = root.resolve(stem + ".pt");
        if (Files.isRegularFile(exact)) {
            return exact.toAbsolutePath().normalize();
        }
        try (var files = Files.list(root)) {
            return files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".pt")
                    && TorchScriptEncoder.stem(f).equals(stem)).sorted().findFirst().map(f -> f.toAbsolutePath().normalize()).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static ImageEncoder checked(String procedure, EncoderIdentity catalog, ImageEncoder encoder) {
        if (!encoder.identity().equals(catalog)) {
            throw new IllegalArgumentException(procedure + ": the catalog was encoded with " + catalog + " but this server's "
                    + "encoder is " + encoder.identity() + "; re-import the catalog or pass 'features'");
        }
        return encoder;
    }

    /**
     * The checksum of a model file (TorchScript) or folder (TF.js: its files), recomputed only when
     * the total size or the latest modification time changed.
     */
    private static String digest(String procedure, Path path) {
        try {
            long size = 0;
            long modified = 0;
            List<Path> files = Files.isDirectory(path) ? listFiles(path) : List.of(path);
            for (Path f : files) {
                size += Files.size(f);
                modified = Math.max(modified, Files.getLastModifiedTime(f).toMillis());
            }
            Stamp s = DIGESTS.get(path);
            if (s == null || s.size() != size || s.modified() != modified) {
                s = new Stamp(size, modified, Files.isDirectory(path) ? TfjsEncoder.digest(path)
                        : TorchScriptEncoder.fileDigest(path));
                DIGESTS.put(path, s);
            }
            return s.digest();
        } catch (IOException e) {
            throw new IllegalArgumentException(procedure + ": cannot read the model " + Bounded.quote(path.toString())
                    + ": " + Bounded.cut(e.getMessage()));
        }
    }

    private static List<Path> listFiles(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /**
     * DJL finds its engine through the thread's context class loader; inside Neo4j that loader does
     * not see the plugin's jar, so loading and encoding run with the plugin's loader.
     */
    public static <T> T withPluginClassLoader(Supplier<T> work) {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(ServerEncoders.class.getClassLoader());
        try {
            return work.get();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    /** Models loaded now (for tests and diagnostics). */
    public static List<String> loaded() {
        return new ArrayList<>(LOADED.keySet());
    }

    /** Closes every loaded encoder (their native models and predictors); the next query loads again. */
    public static void closeAll() {
        RECENT_FEATURES.clear();
        for (String key : new ArrayList<>(LOADED.keySet())) {
            ImageEncoder e = LOADED.remove(key);
            if (e != null) {
                e.close();
            }
        }
    }
}
