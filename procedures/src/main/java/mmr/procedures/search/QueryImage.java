package mmr.procedures.search;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

import mmr.model.encode.EncoderIdentity;
import mmr.model.encode.ImageEncoder;
import mmr.model.image.BlankImages;
import mmr.model.image.ImageDecoder;
import mmr.model.image.ImageRejectedException;
import mmr.model.text.Bounded;
import mmr.model.vector.Vectors;
import mmr.procedures.config.ConfigMap;
import mmr.procedures.encode.ServerEncoders;
import mmr.procedures.graph.Schema;

/**
 * Turns a query's image source into visual features of the catalog's encoder. Bytes, base64 and
 * files are decoded (the pixel cap is checked from the header, before any pixel is decoded) and
 * encoded in the server; files are read only from inside Neo4j's import directory; nothing is
 * fetched from the network.
 */
public final class QueryImage {
    /** Largest encoded image accepted as a query. */
    public static final int MAX_BYTES = 32 * 1024 * 1024;

    /** Resolved visual side of a query: its features, and the catalog image it is, if any. */
    public record Resolved(float[] features, Node node, String describe) {}

    private final String procedure;
    private final Transaction tx;
    private final EncoderIdentity catalogEncoder;
    private final Path modelsRoot;
    private final Path importDirectory;

    public QueryImage(String procedure, Transaction tx, EncoderIdentity catalogEncoder, Path importDirectory, Path modelsRoot) {
        this.modelsRoot = modelsRoot;
        this.procedure = procedure;
        this.tx = tx;
        this.catalogEncoder = catalogEncoder;
        this.importDirectory = importDirectory;
    }

    public Resolved resolve(Query.Source source, Object value) {
        return switch (source) {
            case NODE -> fromNode(value);
            case ID -> fromId(value);
            case FEATURES -> new Resolved(features(value), null, "the given features");
            case BYTES -> {
                if (!(value instanceof byte[] bytes)) {
                    throw new IllegalArgumentException(procedure + ": 'bytes' must be a byte array (Bolt bytes), got "
                            + ConfigMap.describe(value));
                }
                yield new Resolved(encode(bytes, "the query bytes"), null, "the query bytes");
            }
            case BASE64 -> new Resolved(encode(base64(value), "the base64 image"), null, "the base64 image");
            case FILE -> {
                Path file = file(value);
                byte[] bytes;
                try {
                    if (Files.size(file) > MAX_BYTES) {
                        throw new IllegalArgumentException(procedure + ": file " + Bounded.quote((String) value) + " is larger than "
                                + MAX_BYTES / (1024 * 1024) + " MB");
                    }
                    bytes = Files.readAllBytes(file);
                } catch (IOException e) {
                    throw new IllegalArgumentException(procedure + ": cannot read file " + Bounded.quote((String) value) + ": "
                            + Bounded.cut(e.getMessage()));
                }
                String label = "file " + Bounded.quote((String) value);
                yield new Resolved(encode(bytes, label), null, label);
            }
        };
    }

    private Resolved fromNode(Object value) {
        if (value instanceof Node n) {
            try {
                n.getLabels();
            } catch (RuntimeException deleted) {     // NotFoundException, or the kernel's entity-not-found
                throw new IllegalArgumentException(procedure + ": 'node' is a node that has been deleted; pass an Image node "
                        + "that exists (or its 'id')");
            }
        }
        if (!(value instanceof Node n) || !n.hasLabel(Schema.IMAGE_LABEL)) {
            throw new IllegalArgumentException(procedure + ": 'node' must be an Image node, got "
                    + (value instanceof Node n ? "a node labelled " + labels(n) : ConfigMap.describe(value)));
        }
        return fromCatalog(n);
    }

    private Resolved fromId(Object value) {
        if (!(value instanceof String id) || id.isBlank()) {
            throw new IllegalArgumentException(procedure + ": 'id' must be an Image id (a non-empty string), got "
                    + ConfigMap.describe(value));
        }
        Node n = tx.findNode(Schema.IMAGE_LABEL, "id", id);
        if (n == null) {
            throw new IllegalArgumentException(procedure + ": there is no Image with id " + Bounded.quote(id));
        }
        return fromCatalog(n);
    }

    private Resolved fromCatalog(Node n) {
        String name = "Image " + Bounded.quote(String.valueOf(n.getProperty("id", n.getElementId())));
        float[] f = Vectors.toFloats(n.getProperty("features", null));
        if (f == null) {
            throw new IllegalArgumentException(procedure + ": " + name + " has no 'features'");
        }
        return new Resolved(f, n, name);
    }

    private float[] features(Object value) {
        if (!(value instanceof List<?>) && !(value instanceof float[]) && !(value instanceof double[])) {
            throw new IllegalArgumentException(procedure + ": 'features' must be a list of " + catalogEncoder.dimension()
                    + " numbers, got " + ConfigMap.describe(value));
        }
        float[] f;
        try {
            f = Vectors.toFloats(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(procedure + ": 'features' must be a list of numbers: " + e.getMessage());
        }
        if (f.length != catalogEncoder.dimension()) {
            throw new IllegalArgumentException(procedure + ": 'features' has " + f.length + " values; the catalog's encoder "
                    + catalogEncoder + " produces " + catalogEncoder.dimension());
        }
        int bad = Vectors.firstNonFinite(f);
        if (bad >= 0) {
            throw new IllegalArgumentException(procedure + ": 'features' has " + f[bad] + " at index " + bad
                    + "; only finite numbers are accepted");
        }
        if (Vectors.norm(f) == 0) {
            throw new IllegalArgumentException(procedure + ": 'features' are all zeros, which point in no direction; "
                    + "a query needs features with at least one non-zero value");
        }
        return f;
    }

    private byte[] base64(Object value) {
        if (!(value instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(procedure + ": 'base64' must be a base64 string or a data:image/...;base64, URI, got "
                    + ConfigMap.describe(value));
        }
        String text = s.strip();
        if (text.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = text.indexOf(',');
            String header = comma < 0 ? text : text.substring(0, comma);
            String media = header.substring(5).toLowerCase(Locale.ROOT);
            if (!media.isEmpty() && !media.startsWith("image/") && !media.startsWith(";")) {
                throw new IllegalArgumentException(procedure + ": 'base64' is a data URI of media type "
                        + Bounded.quote(abbreviate(media.split(";")[0])) + "; only image/* data URIs are accepted");
            }
            if (comma < 0 || !header.toLowerCase(Locale.ROOT).endsWith(";base64")) {
                throw new IllegalArgumentException(procedure + ": 'base64' is a data URI without ';base64,' ("
                        + abbreviate(header) + "); only base64 data URIs are accepted");
            }
            text = text.substring(comma + 1);
        } else if (text.matches("(?i)^(https?|ftp)://.*")) {
            throw new IllegalArgumentException(procedure + ": 'base64' is a URL (" + abbreviate(text)
                    + "); mmr never fetches from the network: pass the image's bytes");
        }
        if (!text.isEmpty() && text.chars().noneMatch(Character::isLetterOrDigit)) {
            throw new IllegalArgumentException(procedure + ": 'base64' holds no base64 characters ("
                    + Bounded.quote(abbreviate(text)) + "); expected A-Z, a-z, 0-9, '+', '/' and '=' padding");
        }
        if ((long) text.length() * 3 / 4 > MAX_BYTES) {
            throw new IllegalArgumentException(procedure + ": 'base64' decodes to more than " + MAX_BYTES / (1024 * 1024) + " MB");
        }
        try {
            return Base64.getMimeDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(procedure + ": 'base64' is not valid base64 (" + Bounded.cut(e.getMessage()) + ")");
        }
    }

    private Path file(Object value) {
        if (!(value instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(procedure + ": 'file' must be a path relative to the import directory, got "
                    + ConfigMap.describe(value));
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(procedure + ": 'file' " + Bounded.quote(s) + " contains a NUL character, "
                    + "which no file name can hold");
        }
        if (s.matches("(?i)^[a-z][a-z0-9+.-]*://.*")) {
            throw new IllegalArgumentException(procedure + ": 'file' is a URL ('" + abbreviate(s)
                    + "'); mmr never fetches from the network: put the image in the import directory or pass its bytes");
        }
        if (importDirectory == null) {
            throw new IllegalArgumentException(procedure + ": 'file' sources need Neo4j's import directory "
                    + "(server.directories.import), which is not set; pass the image's bytes instead");
        }
        Path relative = Path.of(s);
        if (relative.isAbsolute()) {
            throw new IllegalArgumentException(procedure + ": 'file' must be relative to the import directory, got the absolute path "
                    + Bounded.quote(s));
        }
        for (Path part : relative) {
            if (part.toString().equals("..")) {
                throw new IllegalArgumentException(procedure + ": 'file' must stay inside the import directory; '" + s
                        + "' climbs out with '..'");
            }
        }
        try {
            Path root = importDirectory.toRealPath();
            Path target = root.resolve(relative);
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException(procedure + ": file " + Bounded.quote(s) + " does not exist in the import directory");
            }
            Path real = target.toRealPath();
            if (!real.startsWith(root)) {
                throw new IllegalArgumentException(procedure + ": file " + Bounded.quote(s) + " links outside the import directory; refused");
            }
            if (!Files.isRegularFile(real)) {
                throw new IllegalArgumentException(procedure + ": " + Bounded.quote(s) + " is not a regular file");
            }
            Object links = Files.getAttribute(real, "unix:nlink");
            if (links instanceof Integer count && count > 1) {
                throw new IllegalArgumentException(procedure + ": file " + Bounded.quote(s) + " has " + count + " hard links; "
                        + "refused, since a hard link can reach a file outside the import directory (copy the image in)");
            }
            return real;
        } catch (IOException e) {
            throw new IllegalArgumentException(procedure + ": cannot read file " + Bounded.quote(s) + ": " + Bounded.cut(e.getMessage()));
        }
    }

    private float[] encode(byte[] bytes, String label) {
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException(procedure + ": " + label + " is larger than " + MAX_BYTES / (1024 * 1024) + " MB");
        }
        ImageEncoder encoder = encoder();
        String key = ServerEncoders.key(encoder.identity(), bytes);
        float[] known = ServerEncoders.recent(key);
        if (known != null) {   // the same image again (a slider move, the next page): encoded once
            return known.clone();
        }
        BufferedImage image;
        try {
            image = new ImageDecoder().decode(bytes, label);
        } catch (ImageRejectedException e) {
            throw new IllegalArgumentException(procedure + ": " + e.getMessage());
        }
        // Decided from the pixels, whatever the encoder makes of them; a zero vector is refused alike.
        float[] features = BlankImages.isBlank(image) ? null : ServerEncoders.withPluginClassLoader(() -> encoder.encode(image));
        if (features == null || Vectors.norm(features) == 0) {
            throw new IllegalArgumentException(procedure + ": " + label + " is blank: fully transparent or one flat colour "
                    + "leaves no visual features to search with");
        }
        ServerEncoders.remember(key, features.clone());
        return features;
    }

    private ImageEncoder encoder() {
        return ServerEncoders.forCatalog(procedure, catalogEncoder, modelsRoot);
    }

    private static String labels(Node n) {
        StringBuilder sb = new StringBuilder();
        n.getLabels().forEach(l -> sb.append(':').append(l.name()));
        return sb.length() == 0 ? "(no label)" : sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
