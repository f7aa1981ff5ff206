package mmr.model.tag;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TagNamesTest {
    @Test
    void spacingAndCaseVariantsAreOneTag() {
        assertThat(TagNames.normalise("  White \t Background ")).isEqualTo("white background");
        assertThat(TagNames.normalise("white background")).isEqualTo("white background");
        assertThat(TagNames.normalise("CAFÉ")).isEqualTo(TagNames.normalise("cafe\u0301"));
    }

    @Test
    void problemsAreNamed() {
        assertThat(TagNames.problem("   ")).contains("tag is empty after trimming");
        assertThat(TagNames.problem("x".repeat(201))).contains("tag has 201 characters; at most 200 are accepted");
        assertThat(TagNames.problem("a\u0007b")).contains("tag contains control characters");
        assertThat(TagNames.problem(null)).contains("tag is null");
        assertThat(TagNames.problem("x".repeat(200))).isEmpty();
    }
}
