package dev.vxlab.detectors.advertised;

/**
 * What flannel advertised could not be read. The message is one sentence naming the node and field (or the file) and
 * what is wrong with it; the parser's own exception, if any, is the cause.
 */
public class AdvertisedViewException extends Exception {
    public AdvertisedViewException(String message) {
        super(message);
    }

    public AdvertisedViewException(String message, Throwable cause) {
        super(message, cause);
    }
}
