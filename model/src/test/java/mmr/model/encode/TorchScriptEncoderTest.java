package mmr.model.encode;

import static mmr.model.image.TestImages.circle;
import static mmr.model.image.TestImages.square;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mmr.model.vector.Vectors;

/** The TorchScript path with a tiny traced CNN (see resources/torchscript/make_tiny_cnn.py). */
class TorchScriptEncoderTest {
    private static Path modelFile;
    private static ImageEncoder encoder;

    @BeforeAll
    static void open() throws URISyntaxException {
        modelFile = Path.of(TorchScriptEncoderTest.class.getResource("/torchscript/tiny_cnn.pt").toURI());
        encoder = Encoders.open("torchscript:" + modelFile);
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void dimensionComesFromTheModelAndVersionFromItsBytes() {
        EncoderIdentity id = encoder.identity();
        assertThat(id.name()).isEqualTo("torchscript-tiny_cnn");
        assertThat(id.dimension()).isEqualTo(32);
        assertThat(id.version()).matches("[0-9a-f]{12}");
    }

    @Test
    void batchEqualsSingleAndIsDeterministic() {
        List<BufferedImage> images = List.of(circle(64, Color.RED, 0, true), square(300, Color.BLUE),
                circle(224, Color.GREEN, 5, false));
        float[][] batch = encoder.encode(images);
        assertThat(batch).hasNumberOfRows(3);
        for (int i = 0; i < images.size(); i++) {
            float[] single = encoder.encode(images.get(i));
            assertThat(single).hasSize(32);
            assertThat(Vectors.norm(single)).isCloseTo(1.0, within(1e-5));
            assertThat(batch[i]).containsExactly(single, within(1e-5f));
        }
    }

    @Test
    void transparentPixelsAreWhite() {
        float[] onTransparent = encoder.encode(circle(64, Color.RED, 0, true));
        float[] onWhite = encoder.encode(circle(64, Color.RED, 0, false));
        assertThat(Vectors.cosine(onTransparent, onWhite)).isGreaterThan(0.999);
    }

    @Test
    void missingOrBrokenModelFilesAreRefusedClearly(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> Encoders.open("torchscript:" + dir.resolve("nope.pt")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TorchScript model file not found")
                .hasMessageContaining("nope.pt");
        Path junk = Files.writeString(dir.resolve("junk.pt"), "not a model");
        assertThatThrownBy(() -> Encoders.open("torchscript:" + junk))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load TorchScript model")
                .hasMessageContaining("junk.pt");
    }

    @Test
    void unknownEncoderSpecListsWhatIsAccepted() {
        assertThatThrownBy(() -> Encoders.open("resnet"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown encoder 'resnet'; accepted: 'descriptor', 'torchscript:<path to .pt file>', 'tfjs:<model folder or name>[/<layer>][@<side>]' or several joined by '+', each with an optional '<weight>*' (fused)");
    }
}
