package dev.vxlab.detectors.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.source.NmFactsSource;
import dev.vxlab.detectors.testkit.FlannelNamespace;
import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.detectors.testkit.StillSnapshots;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Dumps sent together on a node whose neighbor dump spans several datagrams: the kernel refuses the address dump
 * behind it as busy (EBUSY), and it runs again by itself; the snapshot equals one taken a dump per request.
 */
@Kernel
class NetlinkSourceTogetherKernelTest {
    /** The real socket, each request sent by itself. */
    private record OneAtATime(Datagrams real) implements Datagrams {
        @Override
        public void send(MemorySegment request, long length) throws SyscallFailure {
            for (long at = 0; at < length; at += Wire.align(Wire.u32(request, at))) {
                real.send(request.asSlice(at), Wire.u32(request, at));
            }
        }

        @Override
        public long receive(MemorySegment buffer, boolean wait) throws SyscallFailure {
            return real.receive(buffer, wait);
        }
    }

    @Test
    void aDumpRefusedAsBusyRunsAgainByItself() throws Exception {
        String name = "vxt" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()) + "-busy";
        FlannelNamespace node = FlannelNamespace.create(name, 600); // 600 neighbors: about 45 KB
        int[] addressRequests = new int[1];
        int[] busy = new int[1];
        try (NetlinkSource together = NetlinkSource.open(node.file(), NmFactsSource.NOT_INSPECTED, true,
                real -> new Datagrams() {
                    @Override
                    public void send(MemorySegment request, long length) throws SyscallFailure {
                        for (long at = 0; at < length; at += Wire.align(Wire.u32(request, at))) {
                            addressRequests[0] += Wire.u16(request, at + Nlmsg.TYPE) == Rtm.GETADDR ? 1 : 0;
                        }
                        real.send(request, length);
                    }

                    @Override
                    public long receive(MemorySegment buffer, boolean wait) {
                        throw new AssertionError("one at a time");
                    }

                    @Override
                    public int receive(MemorySegment[] buffers, int count, long[] lengths, boolean wait)
                            throws SyscallFailure {
                        int n = real.receive(buffers, count, lengths, wait);
                        for (int i = 0; i < n; i++) {
                            MemorySegment b = buffers[i];
                            if (lengths[i] >= Nlmsg.HDRLEN + 4 && Wire.u16(b, Nlmsg.TYPE) == Nlmsg.ERROR
                                    && Wire.i32(b, Nlmsg.ERROR_CODE) == -16) {
                                busy[0]++;
                            }
                        }
                        return n;
                    }
                });
             NetlinkSource oneByOne = NetlinkSource.open(node.file(), NmFactsSource.NOT_INSPECTED, true,
                     OneAtATime::new)) {
            StillSnapshots still = StillSnapshots.read(oneByOne, together);
            assertThat(still.inner().withoutCounters()).isEqualTo(still.before().withoutCounters());
            assertThat(still.inner().neighbors()).hasSizeGreaterThanOrEqualTo(600);
            assertThat(busy[0]).as("requests refused as busy").isPositive();
            assertThat(addressRequests[0]).as("address dumps asked, once more after each EBUSY")
                    .isGreaterThan(busy[0]);
        } finally {
            node.delete();
        }
    }
}
