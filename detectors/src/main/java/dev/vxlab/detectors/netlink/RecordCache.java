package dev.vxlab.detectors.netlink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The records a parser built from the last dump, found again by the {@link MessageKey key} they were built from, so a
 * snapshot of a namespace that did not change builds no new records. Per dump: {@link #begin()}, then per message
 * fill {@link #key()}, ask {@link #previous()} for the record an equal key built last time (the parser still checks
 * that the devices it names are the same {@link dev.vxlab.detectors.state.LinkRef}s), and {@link #keep} the record
 * used. When every record of a dump is the last dump's, {@link #unchangedList()} hands back the list the last
 * snapshot {@link #publish published}, so the snapshot needs no new list either.
 */
final class RecordCache<R> {
    private final MessageKey key = new MessageKey();
    private Generation<R> last = new Generation<>();
    private Generation<R> now = new Generation<>();

    /** Starts a dump: what the previous one kept becomes the last dump's. */
    void begin() {
        Generation<R> t = last;
        last = now;
        now = t;
        now.clear();
    }

    /** The key of the message at hand, cleared. */
    MessageKey key() {
        return key.clear();
    }

    /** The record the last dump built from a key equal to {@link #key()}'s, or null. */
    R previous() {
        int at = now.size(); // the kernel dumps in a stable order: try the same position first
        int i = at < last.size() && last.matches(at, key) ? at : last.find(key);
        return i < 0 ? null : last.records.get(i);
    }

    /** Keeps the record built (or reused) for the key at hand; returns its position in {@link #records()}. */
    int keep(R record) {
        return now.add(key, record);
    }

    /** Puts the finished record in place of what {@link #keep} held for it (links are named after the dump). */
    void set(int position, R record) {
        now.records.set(position, record);
    }

    /** This dump's records, in the kernel's order. */
    List<R> records() {
        return now.records;
    }

    /** Remembers the snapshot's list of this dump's records. */
    void publish(List<R> list) {
        now.published = list;
    }

    /** The list the last snapshot published, when this dump kept exactly the last dump's records; else null. */
    List<R> unchangedList() {
        if (last.published == null || last.size() != now.size()) {
            return null;
        }
        for (int i = 0; i < now.size(); i++) {
            if (last.records.get(i) != now.records.get(i)) {
                return null;
            }
        }
        return last.published;
    }

    /**
     * The keys and records of one dump, with a hash index built the first time a key is not where it was (a dump in
     * the last one's order never hashes).
     */
    private static final class Generation<R> {
        final ArrayList<R> records = new ArrayList<>();
        List<R> published;
        private long[] keys = new long[256];
        private int used;
        private int[] ends = new int[16];
        private long[] hashes = new long[16];
        private int[] slots = new int[0]; // open addressing: record position + 1, 0 when free
        private boolean indexed;

        void clear() {
            records.clear();
            published = null;
            used = 0;
            indexed = false;
        }

        int size() {
            return records.size();
        }

        int add(MessageKey key, R record) {
            int i = records.size();
            if (i == ends.length) {
                ends = Arrays.copyOf(ends, i * 2);
            }
            if (used + key.length() > keys.length) {
                keys = Arrays.copyOf(keys, Math.max(keys.length * 2, used + key.length()));
            }
            System.arraycopy(key.longs(), 0, keys, used, key.length());
            used += key.length();
            ends[i] = used;
            records.add(record);
            indexed = false;
            return i;
        }

        private int start(int i) {
            return i == 0 ? 0 : ends[i - 1];
        }

        boolean matches(int i, MessageKey key) {
            return Arrays.equals(keys, start(i), ends[i], key.longs(), 0, key.length());
        }

        int find(MessageKey key) {
            if (!indexed) {
                index();
            }
            long hash = key.hash();
            int mask = slots.length - 1;
            for (int s = (int) hash & mask; slots[s] != 0; s = (s + 1) & mask) {
                int i = slots[s] - 1;
                if (hashes[i] == hash && matches(i, key)) {
                    return i;
                }
            }
            return -1;
        }

        private void index() {
            int n = records.size();
            if (hashes.length < n) {
                hashes = new long[Math.max(n, hashes.length * 2)];
            }
            for (int i = 0; i < n; i++) {
                hashes[i] = MessageKey.hash(keys, start(i), ends[i]);
            }
            int size = Integer.highestOneBit(Math.max(8, n) * 2 - 1) << 1;
            if (slots.length < size) {
                slots = new int[size];
            } else {
                Arrays.fill(slots, 0);
            }
            int mask = slots.length - 1;
            for (int i = 0; i < n; i++) {
                int s = (int) hashes[i] & mask;
                while (slots[s] != 0) {
                    s = (s + 1) & mask;
                }
                slots[s] = i + 1;
            }
            indexed = true;
        }
    }
}
