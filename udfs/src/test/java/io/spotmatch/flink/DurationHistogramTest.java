package io.spotmatch.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.metrics.HistogramStatistics;
import org.junit.jupiter.api.Test;

class DurationHistogramTest {

    @Test
    void quantilesAreTheUpperBoundsOfTheirBucketsInMilliseconds() {
        DurationHistogram h = new DurationHistogram();
        for (int i = 0; i < 90; i++) {
            h.update(1_500); // 1.5 ms: the 2 ms bucket
        }
        for (int i = 0; i < 9; i++) {
            h.update(40_000); // the 50 ms bucket
        }
        h.update(-3_000); // clocks apart: the first bucket
        HistogramStatistics s = h.getStatistics();
        assertThat(h.getCount()).isEqualTo(100);
        assertThat(s.size()).isEqualTo(100);
        assertThat(s.getQuantile(0.01)).isEqualTo(0.1);
        assertThat(s.getQuantile(0.5)).isEqualTo(2.0);
        assertThat(s.getQuantile(0.91)).isEqualTo(2.0);
        assertThat(s.getQuantile(0.95)).isEqualTo(50.0);
        assertThat(s.getQuantile(1.0)).isEqualTo(50.0);
        assertThat(s.getMin()).isEqualTo(1);
        assertThat(s.getMax()).isEqualTo(50);
        assertThat(s.getValues()).hasSize(100).contains(2L, 50L);
    }

    @Test
    void onlyTheLastWindowOfSamplesCountsButTheCountIsEverySample() {
        DurationHistogram h = new DurationHistogram();
        for (int i = 0; i < DurationHistogram.WINDOW; i++) {
            h.update(600_000_000L); // ten minutes: beyond the last bound
        }
        assertThat(h.getStatistics().getQuantile(0.5)).isEqualTo(500_000.0);
        for (int i = 0; i < DurationHistogram.WINDOW; i++) {
            h.update(700); // 0.7 ms: the 1 ms bucket
        }
        HistogramStatistics s = h.getStatistics();
        assertThat(h.getCount()).isEqualTo(2L * DurationHistogram.WINDOW);
        assertThat(s.size()).isEqualTo(DurationHistogram.WINDOW);
        assertThat(s.getQuantile(0.999)).isEqualTo(1.0);
        assertThat(s.getMax()).isEqualTo(1);
    }

    @Test
    void anEmptyHistogramReportsZeros() {
        HistogramStatistics s = new DurationHistogram().getStatistics();
        assertThat(s.size()).isZero();
        assertThat(s.getQuantile(0.99)).isZero();
        assertThat(s.getMean()).isZero();
        assertThat(s.getMax()).isZero();
    }
}
