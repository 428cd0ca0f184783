package io.spotmatch.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongObjectMapTest {

    @Test
    void behavesLikeAHashMapUnderRandomOperations() {
        SplittableRandom rnd = new SplittableRandom(7);
        LongObjectMap<Long> map = new LongObjectMap<>(4);
        Map<Long, Long> model = new HashMap<>();
        for (int i = 0; i < 300_000; i++) {
            // keys from a small range so that puts, overwrites and removes collide constantly
            long key = rnd.nextInt(3) == 0 ? rnd.nextLong() : rnd.nextLong(-500, 2_000);
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    map.put(key, (long) i);
                    model.put(key, (long) i);
                }
                case 1 -> assertThat(map.remove(key)).isEqualTo(model.remove(key));
                default -> assertThat(map.get(key)).isEqualTo(model.get(key));
            }
            assertThat(map.size()).isEqualTo(model.size());
        }
        for (Map.Entry<Long, Long> e : model.entrySet()) {
            assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
        }
        long[] sum = {0};
        map.forEachValue(v -> sum[0] += v);
        assertThat(sum[0])
                .isEqualTo(model.values().stream().mapToLong(Long::longValue).sum());
    }
}
