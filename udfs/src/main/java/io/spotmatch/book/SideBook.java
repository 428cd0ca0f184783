package io.spotmatch.book;

import java.util.Arrays;

/**
 * One side of the heap book: a binary heap of price levels, best price at the root, plus a map
 * from price to level. Best price is O(1); adding or removing a level is O(log P); finding the
 * level of a price is O(1). Bids use the negated price as heap key so both sides are min-heaps.
 */
final class SideBook {

    final boolean bids;
    PriceLevel[] heap = new PriceLevel[256];
    /** heap[i]'s key, kept beside it so sifting compares without touching the level objects. */
    long[] keys = new long[256];

    int size;
    final LongObjectMap<PriceLevel> byPrice = new LongObjectMap<>(1024);

    /**
     * Prices of the levels the current command changed, in the order first touched; a price may
     * appear twice when its level emptied and came back within the command.
     */
    long[] touched = new long[16];

    int touchedCount;

    SideBook(boolean bids) {
        this.bids = bids;
    }

    long key(long price) {
        return bids ? -price : price;
    }

    PriceLevel best() {
        return size == 0 ? null : heap[0];
    }

    void add(PriceLevel level) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
            keys = Arrays.copyOf(keys, size * 2);
        }
        byPrice.put(level.price, level);
        siftUp(size++, level, key(level.price));
    }

    void removeLevel(PriceLevel level) {
        byPrice.remove(level.price);
        int i = level.heapIndex;
        int last = --size;
        PriceLevel moved = heap[last];
        long movedKey = keys[last];
        heap[last] = null;
        if (i == last) {
            return;
        }
        if (i > 0 && movedKey < keys[(i - 1) >>> 1]) {
            siftUp(i, moved, movedKey);
        } else {
            siftDown(i, moved, movedKey);
        }
    }

    private void siftUp(int i, PriceLevel level, long key) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long parentKey = keys[parent];
            if (key >= parentKey) {
                break;
            }
            place(i, heap[parent], parentKey);
            i = parent;
        }
        place(i, level, key);
    }

    private void siftDown(int i, PriceLevel level, long key) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            long childKey = keys[child];
            int right = child + 1;
            if (right < size && keys[right] < childKey) {
                child = right;
                childKey = keys[right];
            }
            if (key <= childKey) {
                break;
            }
            place(i, heap[child], childKey);
            i = child;
        }
        place(i, level, key);
    }

    private void place(int i, PriceLevel level, long key) {
        heap[i] = level;
        keys[i] = key;
        level.heapIndex = i;
    }

    /** Notes that the current command changes this level; O(1) and allocation-free once warm. */
    void touch(PriceLevel level) {
        if (level.touched) {
            return;
        }
        level.touched = true;
        if (touchedCount == touched.length) {
            touched = Arrays.copyOf(touched, touchedCount * 2);
        }
        touched[touchedCount++] = level.price;
    }

    /** Forgets the previous command's touched levels: costs what that command touched, not the book. */
    void untouchAll() {
        for (int i = 0; i < touchedCount; i++) {
            PriceLevel level = byPrice.get(touched[i]);
            if (level != null) {
                level.touched = false;
            }
        }
        touchedCount = 0;
    }

    void clear() {
        untouchAll();
        Arrays.fill(heap, 0, size, null);
        size = 0;
        byPrice.clear();
    }

    /**
     * Walks the levels best first without changing the heap: a second, small heap holds the
     * frontier of heap positions, so visiting k levels costs O(k log k) whatever the depth.
     */
    final class Cursor {
        private int[] frontier = new int[32];
        private int n;

        Cursor reset() {
            n = 0;
            if (size > 0) {
                push(0);
            }
            return this;
        }

        PriceLevel next() {
            if (n == 0) {
                return null;
            }
            int top = frontier[0];
            int last = frontier[--n];
            // sift the last frontier entry down from the root
            int i = 0;
            long lastKey = keys[last];
            int half = n >>> 1;
            while (i < half) {
                int c = 2 * i + 1;
                if (c + 1 < n && keys[frontier[c + 1]] < keys[frontier[c]]) {
                    c++;
                }
                if (lastKey <= keys[frontier[c]]) {
                    break;
                }
                frontier[i] = frontier[c];
                i = c;
            }
            if (n > 0) {
                frontier[i] = last;
            }
            int left = 2 * top + 1;
            if (left < size) {
                push(left);
                if (left + 1 < size) {
                    push(left + 1);
                }
            }
            return heap[top];
        }

        private void push(int heapPos) {
            if (n == frontier.length) {
                frontier = Arrays.copyOf(frontier, n * 2);
            }
            long k = keys[heapPos];
            int i = n++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (keys[frontier[p]] <= k) {
                    break;
                }
                frontier[i] = frontier[p];
                i = p;
            }
            frontier[i] = heapPos;
        }
    }
}
