package mmr.ingest.npm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Packages fetched with {@code npm pack} into the download cache (never into git) and extracted there. */
public final class NpmPackages {
    private NpmPackages() {}

    /** {@code npm pack name@version} into {@code dir} unless the tarball is already there. */
    public static Path pack(Path dir, String name, String version) throws IOException {
        // npm names a scoped package's tarball without the @ and with - for the slash (@mdi/svg → mdi-svg-…).
        Path tgz = dir.resolve(name.replaceFirst("^@", "").replace('/', '-') + "-" + version + ".tgz");
        if (Files.isRegularFile(tgz) && Files.size(tgz) > 0) {
            return tgz;
        }
        ProcessBuilder pb = new ProcessBuilder("npm", "pack", name + "@" + version, "--silent",
                "--pack-destination", dir.toAbsolutePath().toString())
                .redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run npm to fetch " + name + "@" + version
                    + " (is Node.js/npm installed?): " + e.getMessage(), e);
        }
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isRegularFile(tgz)) {
                throw new IOException("npm pack " + name + "@" + version + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + name, e);
        }
        return tgz;
    }

    /** Which entries of a package to extract, by their path in the tarball. */
    public interface EntryFilter {
        boolean accept(String name);
    }

    /** Extracts the accepted files of {@code tgz} into {@code out}, without the tarball's leading "package/". */
    public static void extract(Path tgz, Path out, EntryFilter filter) throws IOException {
        try (InputStream file = Files.newInputStream(tgz);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                if (!entry.isFile() || !filter.accept(name) || name.contains("..")) {
                    continue;
                }
                Path dest = out.resolve(name.substring("package/".length()));
                Files.createDirectories(dest.getParent());
                Files.copy(tar, dest, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
