package mmr.ingest.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticPhotosTest {
    @TempDir
    Path dir;

    @Test
    void writesSeededJpegsAndTheirManifest() throws Exception {
        Path manifest = SyntheticPhotos.write(dir.resolve("a"), 3, 80, 60, 7);
        List<String> lines = Files.readAllLines(manifest);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).isEqualTo("{\"id\": \"p1\", \"path\": \"p1.jpg\", \"tags\": [\"t1\", \"s1\"]}");
        BufferedImage image = ImageIO.read(dir.resolve("a/p2.jpg").toFile());
        assertThat(image.getWidth()).isEqualTo(80);
        assertThat(image.getHeight()).isEqualTo(60);
        SyntheticPhotos.write(dir.resolve("b"), 3, 80, 60, 7);
        assertThat(Files.readAllBytes(dir.resolve("b/p2.jpg"))).as("the same seed draws the same photo")
                .isEqualTo(Files.readAllBytes(dir.resolve("a/p2.jpg")));
    }
}
