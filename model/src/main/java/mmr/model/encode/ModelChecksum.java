package mmr.model.encode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * An encoder's version: the first 12 hex digits of a SHA-256 of its model — one file's bytes, or a
 * folder's files (names and bytes, in name order) — so other weights are another encoder.
 */
public final class ModelChecksum {
    private ModelChecksum() {}

    static String of(Path file) throws IOException {
        return sha256(file).substring(0, 12);
    }

    /** SHA-256 of one file's bytes, every hex digit (a model's checksum is its first 12). */
    public static String sha256(Path file) throws IOException {
        return digest(List.of(file), false);
    }

    static String ofFolder(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return digest(files.filter(Files::isRegularFile).sorted().toList(), true).substring(0, 12);
        }
    }

    private static String digest(List<Path> files, boolean withNames) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        for (Path f : files) {
            if (withNames) {
                sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            }
            try (InputStream in = Files.newInputStream(f)) {
                int r;
                while ((r = in.read(buf)) > 0) {
                    sha.update(buf, 0, r);
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
