package io.spotmatch.flink;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;

/**
 * A histogram of durations for metrics: the last {@value #WINDOW} samples in fixed 1-2-5 buckets
 * from 0.1 ms to 500 s, reported in milliseconds (a quantile is the upper bound of its bucket, so
 * "p99 = 20" means at most 20 ms; the last bucket, beyond 500 s, reports 500000).
 *
 * <p>Made for the task thread of an operator: {@link #update} allocates nothing and costs a bucket
 * search and three ordered stores, where Flink's DescriptiveStatisticsHistogram keeps doubles and
 * sorts a copy of them for every report. One thread updates; the reporter's thread reads the bucket
 * counts, which may be a sample apart from each other — harmless for a metric.
 */
public final class DurationHistogram implements Histogram {

    static final int WINDOW = 1024;

    /** Bucket upper bounds in microseconds; a sample above the last one goes to one more bucket. */
    static final long[] BOUNDS = {
        100, 200, 500,
        1_000, 2_000, 5_000,
        10_000, 20_000, 50_000,
        100_000, 200_000, 500_000,
        1_000_000, 2_000_000, 5_000_000,
        10_000_000, 20_000_000, 50_000_000,
        100_000_000, 200_000_000, 500_000_000
    };

    /** The bucket of each of the last {@value #WINDOW} samples, by sample number modulo the window. */
    private final byte[] window = new byte[WINDOW];

    private final AtomicLongArray counts = new AtomicLongArray(BOUNDS.length + 1);
    private final AtomicLong count = new AtomicLong();

    /** @param micros a duration in microseconds; a negative one (clocks apart) counts as 0 */
    @Override
    public void update(long micros) {
        int bucket = 0;
        while (bucket < BOUNDS.length && micros > BOUNDS[bucket]) {
            bucket++;
        }
        long n = count.get();
        int slot = (int) (n % WINDOW);
        if (n >= WINDOW) {
            int old = window[slot];
            counts.setRelease(old, counts.get(old) - 1);
        }
        window[slot] = (byte) bucket;
        counts.setRelease(bucket, counts.get(bucket) + 1);
        count.setRelease(n + 1);
    }

    /** Samples since the start, not only those in the window. */
    @Override
    public long getCount() {
        return count.getAcquire();
    }

    @Override
    public HistogramStatistics getStatistics() {
        long[] c = new long[counts.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = Math.max(0, counts.getAcquire(i));
        }
        return new Statistics(c);
    }

    /** The upper bound of a bucket in milliseconds (the last one: the bound below it). */
    static double millis(int bucket) {
        return BOUNDS[Math.min(bucket, BOUNDS.length - 1)] / 1000.0;
    }

    private static final class Statistics extends HistogramStatistics {
        private final long[] counts;
        private final long size;

        Statistics(long[] counts) {
            this.counts = counts;
            long s = 0;
            for (long c : counts) {
                s += c;
            }
            this.size = s;
        }

        @Override
        public double getQuantile(double quantile) {
            if (size == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(quantile * size));
            long seen = 0;
            for (int b = 0; b < counts.length; b++) {
                seen += counts[b];
                if (seen >= rank) {
                    return millis(b);
                }
            }
            return millis(counts.length - 1);
        }

        @Override
        public long[] getValues() {
            long[] values = new long[(int) size];
            int at = 0;
            for (int b = 0; b < counts.length; b++) {
                for (long i = 0; i < counts[b] && at < values.length; i++) {
                    values[at++] = Math.round(millis(b));
                }
            }
            return values;
        }

        @Override
        public int size() {
            return (int) size;
        }

        @Override
        public double getMean() {
            if (size == 0) {
                return 0;
            }
            double sum = 0;
            for (int b = 0; b < counts.length; b++) {
                sum += counts[b] * millis(b);
            }
            return sum / size;
        }

        @Override
        public double getStdDev() {
            if (size < 2) {
                return 0;
            }
            double mean = getMean();
            double squares = 0;
            for (int b = 0; b < counts.length; b++) {
                double d = millis(b) - mean;
                squares += counts[b] * d * d;
            }
            return Math.sqrt(squares / (size - 1));
        }

        @Override
        public long getMax() {
            for (int b = counts.length - 1; b >= 0; b--) {
                if (counts[b] > 0) {
                    return (long) Math.ceil(millis(b));
                }
            }
            return 0;
        }

        @Override
        public long getMin() {
            for (int b = 0; b < counts.length; b++) {
                if (counts[b] > 0) {
                    return (long) Math.ceil(millis(b));
                }
            }
            return 0;
        }
    }
}
