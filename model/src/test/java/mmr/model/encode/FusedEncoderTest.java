package mmr.model.encode;

import static mmr.model.image.TestImages.circle;
import static mmr.model.image.TestImages.square;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import mmr.model.vector.Vectors;

/** Fused encoders: the descriptor beside the tiny TF.js model (resources/tfjs/tiny). */
class FusedEncoderTest {
    private static final Path TINY = Path.of("src/test/resources/tfjs/tiny");
    private static final String TFJS = "tfjs:" + TINY + "/gap";
    private static final List<BufferedImage> IMAGES = List.of(circle(64, Color.RED, 0, true), square(64, Color.BLUE));

    /** The fused cosine of the two images against the parts' cosines, weighted. */
    private static void assertWeightedMean(String spec, double descriptorWeight) {
        try (ImageEncoder fused = Encoders.open(spec); ImageEncoder d = Encoders.open("descriptor"); ImageEncoder t = Encoders.open(TFJS)) {
            float[][] f = fused.encode(IMAGES);
            float[][] dv = d.encode(IMAGES);
            float[][] tv = t.encode(IMAGES);
            for (float[] row : f) {
                assertThat(Vectors.norm(row)).isCloseTo(1.0, within(1e-5));
            }
            double want = descriptorWeight * Vectors.cosine(dv[0], dv[1]) + (1 - descriptorWeight) * Vectors.cosine(tv[0], tv[1]);
            assertThat(Vectors.cosine(f[0], f[1])).isCloseTo(want, within(1e-5));
        }
    }

    @Test
    void theFusedCosineIsTheWeightedMeanOfThePartsCosines() {
        assertWeightedMean("descriptor+" + TFJS, 0.5);
        assertWeightedMean("0.2*descriptor + 0.8*" + TFJS, 0.2);
        assertWeightedMean("1*descriptor+3*" + TFJS, 0.25);
    }

    @Test
    void theIdentityNamesEveryPartSoAServerCanRebuildIt() {
        try (ImageEncoder fused = Encoders.open("1*descriptor+2*" + TFJS); ImageEncoder t = Encoders.open(TFJS)) {
            EncoderIdentity id = fused.identity();
            EncoderIdentity d = new EncoderIdentity(DescriptorEncoder.NAME, DescriptorEncoder.DIMENSION, DescriptorEncoder.VERSION);
            assertThat(id.name()).isEqualTo("fused:descriptor:" + d.dimension() + ":0.3333:" + t.identity().name() + ":"
                    + t.identity().dimension() + ":0.6667");
            assertThat(id.dimension()).isEqualTo(d.dimension() + t.identity().dimension());
            assertThat(id.version()).isEqualTo("1-" + t.identity().version());
            assertThat(EncoderIdentity.parse(id.toString())).isEqualTo(id);
            EncoderGrammar.StoredFused stored = (EncoderGrammar.StoredFused) EncoderGrammar.ofIdentity(id);
            assertThat(stored.parts()).containsExactly(
                    new EncoderGrammar.WeightedStored(new EncoderGrammar.StoredDescriptor(d), 0.3333),
                    new EncoderGrammar.WeightedStored(EncoderGrammar.ofIdentity(t.identity()), 0.6667));
            assertThat(EncoderGrammar.ofIdentity(t.identity())).isEqualTo(new EncoderGrammar.StoredTfjs(t.identity(), "tiny", "gap", 0));
            // rebuilt from its parts and their recorded weights, it is the same encoder
            try (FusedEncoder rebuilt = new FusedEncoder(List.of(Encoders.open("descriptor"), Encoders.open(TFJS)),
                    new double[] {0.3333, 0.6667}, true)) {
                assertThat(rebuilt.identity()).isEqualTo(id);
                assertThat(Vectors.cosine(rebuilt.encode(IMAGES.get(0)), fused.encode(IMAGES.get(0)))).isGreaterThanOrEqualTo(0.99999);
            }
        }
        assertThat(Encoders.models("descriptor+" + TFJS, n -> null)).containsExactly(TINY);
        try (ImageEncoder atSide = Encoders.open(TFJS + "@32")) {   // another input side: part of the name
            assertThat(atSide.identity().name()).isEqualTo("tfjs-tiny-gap-32");
        }
    }

    @Test
    void badFusedSpecsAreNamed() {
        assertThatThrownBy(() -> Encoders.open("descriptor+")).hasMessage("fused encoder 'descriptor+': part 2 '' is not "
                + "[<weight>*]<encoder> with a positive weight, e.g. 0.5*descriptor+0.5*tfjs:mobilenet_v2_mid");
        assertThatThrownBy(() -> Encoders.open("0*descriptor+" + TFJS)).hasMessageContaining("part 1 '0*descriptor' is not [<weight>*]<encoder>");
        assertThatThrownBy(() -> Encoders.open("descriptor+DESCRIPTOR")).hasMessage("fused encoder 'descriptor+DESCRIPTOR' names 'DESCRIPTOR' twice");
        assertThatThrownBy(() -> Encoders.open("descriptor+clip")).hasMessageStartingWith("unknown encoder 'descriptor+clip'; accepted:");
        assertThatThrownBy(() -> Encoders.open("descriptor+tfjs:nope/x")).hasMessage("encoder 'tfjs:nope/x': no TF.js model folder or known model named 'nope'");
        assertThatThrownBy(() -> Encoders.open("descriptor+" + TFJS + "@5"))
                .hasMessage("input side 5 is out of range; accepted: 32 to 1024 pixels, or none for the model's own");
        assertThatThrownBy(() -> EncoderGrammar.ofIdentity(new EncoderIdentity("fused:descriptor:512", 512, "1")))
                .hasMessageContaining("is not of the form fused:<name>:<dimension>:<weight>:…");
    }
}
