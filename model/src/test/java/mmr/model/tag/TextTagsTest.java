package mmr.model.tag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TextTagsTest {
    private static final Set<String> TAGS = Set.of("white background", "office", "cat", "berry", "box", "blue-square",
            "ice_cream", "red", "heart", "dogs", "and");

    private static TextTags.Match match(String text) {
        return TextTags.match(text, TAGS::contains);
    }

    @Test
    void longestRunFirstWithEveryJoiner() {
        assertThat(match("White background, office").tags()).containsExactly("white background", "office");
        assertThat(match("a blue square and ice cream").tags()).containsExactly("blue-square", "and", "ice_cream");
    }

    @Test
    void pluralAndSingularFolding() {
        assertThat(match("cats berries boxes dog").tags()).containsExactly("cat", "berry", "box", "dogs");
    }

    @Test
    void unmatchedWordsAreReportedButStopwordsAreNot() {
        TextTags.Match m = match("the red heart with sparkles, like a balloon");
        assertThat(m.tags()).containsExactly("red", "heart");
        assertThat(m.unmatched()).containsExactly("sparkles", "balloon");
        assertThat(match("   ").tags()).isEmpty();
        assertThat(match("RED red Red").tags()).isEqualTo(List.of("red"));
    }
}
