package mmr.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class BoundedTest {

    @Test
    void longValuesAreCutAndSayHowLongTheyWere() {
        String mb = "x".repeat(1_000_000);
        assertThat(Bounded.quote(mb)).isEqualTo("'" + "x".repeat(200) + "… (1000000 characters)'");
        assertThat(Bounded.quote("cat")).isEqualTo("'cat'");
        assertThat(Bounded.quote("a\u0000b\nc")).isEqualTo("'a\\u0000b\\u000ac'");
        assertThat(Bounded.cut(null)).isEqualTo("null");
    }

    @Test
    void longListsShowTenItems() {
        List<String> many = IntStream.range(0, 100_000).mapToObj(i -> "t" + i).toList();
        assertThat(Bounded.list(many)).isEqualTo("['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9', … and 99990 more]");
        assertThat(Bounded.list(List.of("a", "b"))).isEqualTo("['a', 'b']");
        assertThat(Bounded.list(List.of())).isEqualTo("[]");
        assertThat(Bounded.list(many).length()).isLessThan(200);
    }
}
