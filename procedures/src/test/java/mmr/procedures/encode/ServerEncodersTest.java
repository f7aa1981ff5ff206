package mmr.procedures.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mmr.model.encode.DescriptorEncoder;
import mmr.model.encode.EncoderIdentity;
import mmr.model.encode.ImageEncoder;
import mmr.model.encode.TorchScriptEncoder;
import mmr.model.vector.Vectors;

/** The server finds, checks and keeps the catalog's encoder; each way it cannot is a named error. */
class ServerEncodersTest {
    /** The tiny traced CNN of the model module's tests (model/src/test/resources/torchscript/make_tiny_cnn.py). */
    private static final Path TINY = Path.of("../model/src/test/resources/torchscript/tiny_cnn.pt");

    @TempDir
    Path root;

    @BeforeEach
    @AfterEach
    void close() {
        ServerEncoders.closeAll();   // other tests' databases may have loaded (or warmed) encoders in this JVM
    }

    private static EncoderIdentity tinyIdentity() {
        return new EncoderIdentity("torchscript-tiny_cnn", 32, TorchScriptEncoder.fileDigest(TINY));
    }

    private static BufferedImage picture() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 64, 64);
        g.setColor(Color.RED);
        g.fillOval(8, 8, 40, 40);
        g.dispose();
        return image;
    }

    @Test
    void theCatalogsTorchScriptModelIsFoundCheckedLoadedOnceAndEncodesAsTheImporter() throws Exception {
        Files.copy(TINY, root.resolve("Tiny_CNN.pt"));   // the importer lower-cased the stem; the file keeps its name
        ImageEncoder a = ServerEncoders.forCatalog("t", tinyIdentity(), root);
        ImageEncoder b = ServerEncoders.forCatalog("t", tinyIdentity(), root);
        assertThat(a).isSameAs(b);
        assertThat(ServerEncoders.loaded()).hasSize(1);
        try (TorchScriptEncoder importer = new TorchScriptEncoder(TINY)) {
            assertThat(importer.identity()).isEqualTo(tinyIdentity());
            assertThat(Vectors.cosine(a.encode(picture()), importer.encode(picture()))).isCloseTo(1.0, within(1e-4));
        }
        ServerEncoders.closeAll();
        assertThat(ServerEncoders.loaded()).isEmpty();
    }

    @Test
    void eachWayTheServerCannotRunTheEncoderIsNamed() throws Exception {
        EncoderIdentity tiny = tinyIdentity();
        assertThatThrownBy(() -> ServerEncoders.forCatalog("mmr.search", tiny, null))
                .hasMessage("mmr.search: the catalog's features come from the TorchScript model 'tiny_cnn.pt' (" + tiny + "); to "
                        + "search with images, set server.mmr.models_root to the folder holding that file, or pass the query's 'features'");
        assertThatThrownBy(() -> ServerEncoders.forCatalog("mmr.search", tiny, root))
                .hasMessageStartingWith("mmr.search: the catalog's TorchScript model 'tiny_cnn.pt' is not in server.mmr.models_root '"
                        + root + "'; put the file the catalog was imported with there (checksum " + tiny.version() + ")");
        Path changed = root.resolve("tiny_cnn.pt");
        Files.copy(TINY, changed);
        Files.write(changed, new byte[] {0}, StandardOpenOption.APPEND);
        assertThatThrownBy(() -> ServerEncoders.forCatalog("mmr.search", tiny, root))
                .hasMessageContaining("has changed since the catalog was imported (checksum " + TorchScriptEncoder.fileDigest(changed)
                        + ", the catalog's " + tiny.version() + "); put back the file it was imported with, or re-import the catalog");
        assertThatThrownBy(() -> ServerEncoders.forCatalog("mmr.search", EncoderIdentity.parse("clip-vit-b32/512/1"), root)).hasMessageStartingWith("mmr.search: the catalog's features come from encoder "
                        + "clip-vit-b32/512/1, which the server cannot run; pass the query's 'features'");
        assertThatThrownBy(() -> ServerEncoders.forCatalog("mmr.search", new EncoderIdentity("fused:descriptor:512", 512, "1"), root))
                .hasMessageContaining("is not of the form fused:<name>:<dimension>:<weight>:");
        EncoderIdentity otherDescriptor = new EncoderIdentity(DescriptorEncoder.NAME, 7, "0");
        assertThatThrownBy(() -> ServerEncoders.forCatalog("mmr.search", otherDescriptor, root))
                .hasMessageContaining("but this server's encoder is");
        assertThat(ServerEncoders.loaded()).hasSize(1);   // the descriptor, loaded to compare; no TorchScript model
    }
}
