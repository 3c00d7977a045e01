package dev.vxlab.lab.capture;

/** TCP flag bits written the way tcpdump writes them: {@code S}, {@code S.}, {@code R.}, {@code P.}, {@code SEW}. */
final class TcpFlags {
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int URG = 0x20;
    static final int ECE = 0x40;
    static final int CWR = 0x80;

    // tcpdump's own order (print-tcp.c tcp_flag_values): F S R P . U E W; no flag at all prints "none".
    private static final int[] BITS = {FIN, SYN, RST, PSH, ACK, URG, ECE, CWR};
    private static final char[] LETTERS = {'F', 'S', 'R', 'P', '.', 'U', 'E', 'W'};

    private TcpFlags() {}

    static String render(int flags) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < BITS.length; i++) {
            if ((flags & BITS[i]) != 0) {
                out.append(LETTERS[i]);
            }
        }
        return out.isEmpty() ? "none" : out.toString();
    }
}
