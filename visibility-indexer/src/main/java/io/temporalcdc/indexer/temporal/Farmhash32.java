package io.temporalcdc.indexer.temporal;

/**
 * FarmHash's 32-bit fingerprint ({@code farmhashmk::Hash32}, which {@code github.com/dgryski/go-farm}'s {@code
 * Fingerprint32} computes): what Temporal hashes {@code <namespace_id>_<workflow_id>} with to find a workflow's
 * history shard ({@code common/util.go}, {@code WorkflowIDToHistoryShard}). Unsigned 32-bit arithmetic in Java ints.
 */
public final class Farmhash32 {
    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;
    private static final int N = 0xe6546b64;

    private Farmhash32() {}

    /** @return the fingerprint of {@code s}, as an unsigned value in a long */
    public static long fingerprint(byte[] s) {
        return Integer.toUnsignedLong(hash(s));
    }

    /** @return Temporal's history shard (1-based) of a workflow */
    public static int historyShard(String namespaceId, String workflowId, int shards) {
        byte[] id = (namespaceId + "_" + workflowId).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return (int) (fingerprint(id) % shards) + 1;
    }

    private static int hash(byte[] s) {
        int len = s.length;
        if (len <= 4) {
            return len0to4(s);
        }
        if (len <= 12) {
            return len5to12(s);
        }
        if (len <= 24) {
            return len13to24(s);
        }
        int h = len;
        int g = C1 * len;
        int f = g;
        int a0 = Integer.rotateRight(word(s, len - 4) * C1, 17) * C2;
        int a1 = Integer.rotateRight(word(s, len - 8) * C1, 17) * C2;
        int a2 = Integer.rotateRight(word(s, len - 16) * C1, 17) * C2;
        int a3 = Integer.rotateRight(word(s, len - 12) * C1, 17) * C2;
        int a4 = Integer.rotateRight(word(s, len - 20) * C1, 17) * C2;
        h ^= a0;
        h = Integer.rotateRight(h, 19) * 5 + N;
        h ^= a2;
        h = Integer.rotateRight(h, 19) * 5 + N;
        g ^= a1;
        g = Integer.rotateRight(g, 19) * 5 + N;
        g ^= a3;
        g = Integer.rotateRight(g, 19) * 5 + N;
        f += a4;
        f = Integer.rotateRight(f, 19) + 113;
        int at = 0;
        while (len - at > 20) {
            int a = word(s, at);
            int b = word(s, at + 4);
            int c = word(s, at + 8);
            int d = word(s, at + 12);
            int e = word(s, at + 16);
            h += a;
            g += b;
            f += c;
            h = mur(d, h) + e;
            g = mur(c, g) + a;
            f = mur(b + e * C1, f) + d;
            f += g;
            g += f;
            at += 20;
        }
        g = Integer.rotateRight(g, 11) * C1;
        g = Integer.rotateRight(g, 17) * C1;
        f = Integer.rotateRight(f, 11) * C1;
        f = Integer.rotateRight(f, 17) * C1;
        h = Integer.rotateRight(h + g, 19);
        h = h * 5 + N;
        h = Integer.rotateRight(h, 17) * C1;
        h = Integer.rotateRight(h + f, 19);
        h = h * 5 + N;
        return Integer.rotateRight(h, 17) * C1;
    }

    private static int len0to4(byte[] s) {
        int b = 0;
        int c = 9;
        for (byte v : s) {
            b = b * C1 + v; // the byte is signed, as in the reference
            c ^= b;
        }
        return fmix(mur(b, mur(s.length, c)));
    }

    private static int len5to12(byte[] s) {
        int len = s.length;
        int a = len;
        int b = len * 5;
        int c = 9;
        int d = b;
        a += word(s, 0);
        b += word(s, len - 4);
        c += word(s, (len >>> 1) & 4);
        return fmix(mur(c, mur(b, mur(a, d))));
    }

    private static int len13to24(byte[] s) {
        int len = s.length;
        int a = word(s, (len >>> 1) - 4);
        int b = word(s, 4);
        int c = word(s, len - 8);
        int d = word(s, len >>> 1);
        int e = word(s, 0);
        int f = word(s, len - 4);
        int h = d * C1 + len;
        a = Integer.rotateRight(a, 12) + f;
        h = mur(c, h) + a;
        a = Integer.rotateRight(a, 3) + c;
        h = mur(e, h) + a;
        a = Integer.rotateRight(a + f, 12) + d;
        h = mur(b, h) + a;
        return fmix(h);
    }

    private static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private static int mur(int a, int h) {
        a *= C1;
        a = Integer.rotateRight(a, 17);
        a *= C2;
        h ^= a;
        h = Integer.rotateRight(h, 19);
        return h * 5 + N;
    }

    private static int word(byte[] s, int at) {
        return (s[at] & 0xff) | (s[at + 1] & 0xff) << 8 | (s[at + 2] & 0xff) << 16 | (s[at + 3] & 0xff) << 24;
    }
}
