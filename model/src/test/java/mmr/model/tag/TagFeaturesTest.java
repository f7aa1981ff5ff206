package mmr.model.tag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import mmr.model.vector.Vectors;

class TagFeaturesTest {
    @Test
    void randomIsSeededByNameAndUnitLength() {
        float[] a = TagFeatures.random("cat", 512);
        assertThat(a).containsExactly(TagFeatures.random("cat", 512));
        assertThat(Vectors.norm(a)).isCloseTo(1.0, within(1e-5));
        assertThat(Math.abs(Vectors.cosine(a, TagFeatures.random("dog", 512)))).isLessThan(0.25);
    }

    @Test
    void centroidIsTheNormalisedMean() {
        float[] c = TagFeatures.centroid(List.of(new float[] {1, 0}, new float[] {0, 1}));
        assertThat(c).containsExactly(new float[] {(float) Math.sqrt(0.5), (float) Math.sqrt(0.5)}, within(1e-6f));
    }

    @Test
    void initParsesAndNamesTheAccepted() {
        assertThat(TagFeatures.Init.parse(" Centroid ")).isEqualTo(TagFeatures.Init.CENTROID);
        assertThatThrownBy(() -> TagFeatures.Init.parse("zeros"))
                .hasMessage("unknown tag feature init 'zeros'; accepted: random, centroid");
    }
}
