package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The peers that show one fault, with the evidence line for each. One finding per fault and device, however many
 * peers: a routes flush on a node with a thousand peers is one fault, not a thousand.
 */
final class PeerProblems {
    private final FaultKind kind;
    private final List<String> peers = new ArrayList<>();
    private final List<String> expected = new ArrayList<>();
    private final List<String> actual = new ArrayList<>();

    PeerProblems(FaultKind kind) {
        this.kind = kind;
    }

    /** Adds evidence for a peer; evidence for the peer added last joins its lines (a peer is counted once). */
    void add(AdvertisedNode peer, String expectedLine, String actualLine) {
        String label = peer.name() + " (" + peer.podCidr().canonical() + ")";
        int last = peers.size() - 1;
        if (last >= 0 && peers.get(last).equals(label)) {
            expected.set(last, expected.get(last) + "; " + expectedLine);
            actual.set(last, actual.get(last) + "; " + actualLine);
            return;
        }
        peers.add(label);
        expected.add(expectedLine);
        actual.add(actualLine);
    }

    int size() {
        return peers.size();
    }

    /** The peers, capped, for a summary. */
    String peerList() {
        return Text.inline(peers);
    }

    Optional<Finding> finding(DetectionInput in, String device, String summary) {
        if (peers.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(kind.finding(in, device, Text.list(expected), Text.list(actual), summary));
    }
}
