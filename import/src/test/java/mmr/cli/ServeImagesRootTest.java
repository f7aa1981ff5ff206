package mmr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where `mmr serve --manifest` serves thumbnails from, by how the manifest names its images. */
class ServeImagesRootTest {

    @TempDir
    Path dir;

    @Test
    void relativePathsAreServedFromTheManifestsFolder() throws Exception {
        Path manifest = manifest("{\"id\":\"a\",\"path\":\"img/a.png\",\"tags\":[\"x\"]}",
                "{\"id\":\"b\",\"path\":\"" + dir.resolve("elsewhere/b.png") + "\",\"tags\":[\"x\"]}");
        assertThat(ServeCommand.imagesRoot(manifest)).isEqualTo(dir.resolve("catalog").toAbsolutePath().normalize());
    }

    @Test
    void absolutePathsAreServedFromTheClosestFolderHoldingThemAll() throws Exception {
        Path manifest = manifest("{\"id\":\"a\",\"path\":\"" + dir.resolve("photos/2024/a.jpg") + "\",\"tags\":[\"x\"]}",
                "{\"id\":\"b\",\"path\":\"" + dir.resolve("photos/2025/summer/b.jpg") + "\",\"tags\":[\"x\"]}",
                "{\"id\":\"c\",\"features\":[1.0,0.0],\"tags\":[\"x\"]}");
        assertThat(ServeCommand.imagesRoot(manifest)).isEqualTo(dir.resolve("photos").toAbsolutePath().normalize());
    }

    private Path manifest(String... lines) throws Exception {
        Path manifest = dir.resolve("catalog/manifest.jsonl");
        Files.createDirectories(manifest.getParent());
        Files.write(manifest, java.util.List.of(lines));
        return manifest;
    }
}
