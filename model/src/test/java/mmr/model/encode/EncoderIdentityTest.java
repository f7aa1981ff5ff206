package mmr.model.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EncoderIdentityTest {
    @Test
    void roundTrips() {
        EncoderIdentity id = EncoderIdentity.parse("clip-vit-b32/512/2024.1");
        assertThat(id).isEqualTo(new EncoderIdentity("clip-vit-b32", 512, "2024.1"));
        assertThat(EncoderIdentity.parse(id.toString())).isEqualTo(id);
    }

    @Test
    void badFormsAreNamed() {
        assertThatThrownBy(() -> EncoderIdentity.parse("clip"))
                .hasMessage("encoder identity 'clip' is not of the form name/dimension/version, e.g. clip-vit-b32/512/1");
        assertThatThrownBy(() -> EncoderIdentity.parse("clip/0/1"))
                .hasMessage("encoder dimension must be positive, got 0");
    }
}
