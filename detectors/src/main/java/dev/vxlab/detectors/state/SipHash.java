package dev.vxlab.detectors.state;

/** SipHash-2-4 (Aumasson and Bernstein), as systemd's siphash24 computes it: how udev derives persistent MACs. */
final class SipHash {
    private SipHash() {}

    static long hash24(byte[] key, byte[] data) {
        long k0 = le64(key, 0);
        long k1 = le64(key, 8);
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        int end = data.length - data.length % 8;
        long[] v = {v0, v1, v2, v3};
        for (int i = 0; i < end; i += 8) {
            long m = le64(data, i);
            v[3] ^= m;
            round(v);
            round(v);
            v[0] ^= m;
        }
        long b = ((long) data.length & 0xff) << 56;
        for (int i = end; i < data.length; i++) {
            b |= (data[i] & 0xffL) << (8 * (i - end));
        }
        v[3] ^= b;
        round(v);
        round(v);
        v[0] ^= b;
        v[2] ^= 0xff;
        for (int i = 0; i < 4; i++) {
            round(v);
        }
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void round(long[] v) {
        v[0] += v[1];
        v[1] = Long.rotateLeft(v[1], 13);
        v[1] ^= v[0];
        v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3];
        v[3] = Long.rotateLeft(v[3], 16);
        v[3] ^= v[2];
        v[0] += v[3];
        v[3] = Long.rotateLeft(v[3], 21);
        v[3] ^= v[0];
        v[2] += v[1];
        v[1] = Long.rotateLeft(v[1], 17);
        v[1] ^= v[2];
        v[2] = Long.rotateLeft(v[2], 32);
    }

    private static long le64(byte[] b, int at) {
        long x = 0;
        for (int i = 7; i >= 0; i--) {
            x = (x << 8) | (b[at + i] & 0xffL);
        }
        return x;
    }
}
