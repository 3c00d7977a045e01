package dev.vxlab.agent.kube;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.AdvertisedViewException;
import dev.vxlab.detectors.advertised.ClusterView;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster's Node objects through one shared informer (a list, then a watch; fabric8 re-lists and re-watches on
 * its own). Each add or update reads only that Node; the view is assembled again only when an advertisement really
 * changed (a kubelet's status update changes none), and only when a pass asks for it, so the API server is never
 * asked anything by a pass and a heartbeat costs one Node's read. A real change also tells {@link #onChange}'s listener,
 * so the watcher examines it at once rather than at its next timer tick.
 */
public final class NodeWatch implements AutoCloseable {
    /** fabric8 also re-lists on this period (a safety net for a lost watch event): 10 min. */
    static final long RESYNC_MS = 600_000;

    private final SharedIndexInformer<Node> informer;
    private final NodeViews views;
    private final Map<String, AdvertisedNode> advertised = new ConcurrentHashMap<>();
    private final Map<String, String> skipped = new ConcurrentHashMap<>();
    private volatile boolean dirty = true;
    private volatile ClusterView view = new ClusterView(List.of());
    private volatile Runnable onChange = () -> {};

    private NodeWatch(KubernetesClient client) {
        this.views = new NodeViews(client.getKubernetesSerialization());
        this.informer = client.nodes().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                put(node);
            }

            @Override
            public void onUpdate(Node before, Node after) {
                put(after);
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                String name = node.getMetadata().getName();
                skipped.remove(name);
                if (advertised.remove(name) != null) {
                    changed();
                }
            }
        }, RESYNC_MS);
    }

    /** Starts the informer (its first list arrives in the background: see {@link #synced()}). */
    public static NodeWatch start(KubernetesClient client) {
        return new NodeWatch(client);
    }

    private void put(Node node) {
        String name = node.getMetadata().getName();
        try {
            AdvertisedNode now = views.read(node);
            skipped.remove(name);
            if (!Objects.equals(advertised.put(name, now), now)) {
                changed();
            }
        } catch (AdvertisedViewException e) {
            skipped.put(name, e.getMessage());
            if (advertised.remove(name) != null) {
                changed();
            }
        }
    }

    /** Marks the view stale, then tells the listener (whose pass must see the new view). */
    private void changed() {
        dirty = true;
        onChange.run();
    }

    /**
     * Runs on the informer's thread whenever an advertisement changes (not on a status-only update); it must not
     * block. The agent wakes its watcher with it.
     */
    public void onChange(Runnable listener) {
        this.onChange = Objects.requireNonNull(listener, "listener");
    }

    /** The latest view (empty until the first list arrived). */
    public ClusterView view() {
        if (dirty) {
            synchronized (this) {
                if (dirty) {
                    dirty = false; // before the copy: a change during it marks the view dirty again
                    view = new ClusterView(List.copyOf(advertised.values()));
                }
            }
        }
        return view;
    }

    /** Nodes left out of the view, by name, with the reason (flannel has not registered them, or malformed). */
    public Map<String, String> skipped() {
        return Map.copyOf(skipped);
    }

    /** Whether the first list has arrived and the informer still runs (fabric8 stops it on a fatal list error). */
    public boolean synced() {
        return informer.hasSynced() && informer.isRunning();
    }

    /** The Node object of this name as the informer last saw it, or null. */
    public Node node(String name) {
        return informer.getStore().getByKey(name);
    }

    @Override
    public void close() {
        informer.close();
    }
}
