package mmr.procedures.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thumbnails: small web images as they are, others scaled, nothing outside the root. */
class ThumbnailsTest {
    @TempDir
    Path dir;

    private static BufferedImage picture(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 0x40);
            }
        }
        return image;
    }

    @Test
    void smallPngIsSentAsItIs() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("img"));
        ImageIO.write(picture(64, 48), "png", root.resolve("img/a.png").toFile());
        Thumbnails.Thumbnail t = new Thumbnails(root).read("a", "img/a.png");
        assertThat(t.contentType()).isEqualTo("image/png");
        assertThat(t.bytes()).isEqualTo(Files.readAllBytes(root.resolve("img/a.png")));
    }

    @Test
    void otherFormatsAndLargeFilesAreScaledTo320Pixels() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        ImageIO.write(picture(1600, 900), "bmp", root.resolve("big.bmp").toFile());
        Thumbnails.Thumbnail t = new Thumbnails(root).read("big", "big.bmp");
        assertThat(t.contentType()).as("an opaque image").isEqualTo("image/jpeg");
        BufferedImage out = ImageIO.read(new ByteArrayInputStream(t.bytes()));
        assertThat(out.getWidth()).isEqualTo(320);
        assertThat(out.getHeight()).isEqualTo(180);
        java.awt.Color corner = new java.awt.Color(out.getRGB(319, 179));
        assertThat(corner.getRed()).as("the picture's colours: " + corner).isGreaterThan(230);
        assertThat(corner.getGreen()).isGreaterThan(230);
        assertThat(corner.getBlue()).isBetween(40, 90);

        // a large PNG with transparency keeps it: a PNG thumbnail
        BufferedImage noisy = new BufferedImage(900, 700, BufferedImage.TYPE_INT_ARGB);
        java.util.Random random = new java.util.Random(3);
        for (int y = 0; y < 700; y++) {
            for (int x = 0; x < 900; x++) {
                noisy.setRGB(x, y, x < 450 ? 0 : 0xFF000000 | random.nextInt(0x1000000));
            }
        }
        ImageIO.write(noisy, "png", root.resolve("noisy.png").toFile());
        assertThat(Files.size(root.resolve("noisy.png"))).isGreaterThan(Thumbnails.DIRECT_BYTES);
        Thumbnails.Thumbnail p = new Thumbnails(root).read("noisy", "noisy.png");
        assertThat(p.contentType()).isEqualTo("image/png");
        BufferedImage scaled = ImageIO.read(new ByteArrayInputStream(p.bytes()));
        assertThat(scaled.getWidth()).isEqualTo(320);
        assertThat(scaled.getRGB(10, 100) >>> 24).as("the transparent half").isZero();
    }

    @Test
    void nothingOutsideTheRootAndNoRootNoThumbnails() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path outside = dir.resolve("secret.png");
        ImageIO.write(picture(8, 8), "png", outside.toFile());
        Files.createSymbolicLink(root.resolve("link.png"), outside);
        Thumbnails thumbnails = new Thumbnails(root);
        assertThatThrownBy(() -> thumbnails.read("x", "../secret.png")).isInstanceOf(Thumbnails.Missing.class)
                .hasMessage("image 'x' has no file under the image root");
        assertThatThrownBy(() -> thumbnails.read("x", "link.png")).isInstanceOf(Thumbnails.Missing.class)
                .hasMessage("image 'x' has no file under the image root");
        assertThatThrownBy(() -> thumbnails.read("x", outside.toString())).isInstanceOf(Thumbnails.Missing.class)
                .hasMessage("image 'x' has no file under the image root");
        assertThatThrownBy(() -> thumbnails.read("x", "features")).isInstanceOf(Thumbnails.Missing.class)
                .hasMessage("image 'x' has no file under the image root");
        assertThatThrownBy(() -> new Thumbnails(null).read("x", "a.png")).isInstanceOf(Thumbnails.Missing.class)
                .hasMessage("thumbnails are off: the server has no image root; set server.mmr.images_root in neo4j.conf");
    }
}
