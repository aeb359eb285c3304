package health.portal.emr.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

class PageTest {

    private final List<Integer> items = IntStream.range(0, 45).boxed().toList();

    @Test
    void walksAllItemsOnceWithTheTokens() {
        Page<Integer> first = Page.slice(items, 20, "");
        assertThat(first.items()).hasSize(20).startsWith(0);
        Page<Integer> second = Page.slice(items, 20, first.nextPageToken());
        assertThat(second.items()).hasSize(20).startsWith(20);
        Page<Integer> third = Page.slice(items, 20, second.nextPageToken());
        assertThat(third.items()).containsExactly(40, 41, 42, 43, 44);
        assertThat(third.nextPageToken()).isEmpty();
    }

    @Test
    void defaultAndCap() {
        assertThat(Page.slice(items, 0, null).items()).hasSize(Page.DEFAULT_SIZE);
        assertThat(Page.effectiveSize(10_000)).isEqualTo(Page.MAX_SIZE);
    }

    @Test
    void rejectsForgedOrNegativeInput() {
        assertThatThrownBy(() -> Page.slice(items, 10, "not-a-token")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Page.slice(items, 10, Page.encodeToken(-5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Page.slice(items, -1, "")).isInstanceOf(IllegalArgumentException.class);
    }
}
