package dev.meshroute.reference.dataplane;

/** An xDS resource the proxy cannot accept; its message becomes the NACK's error detail. */
public final class XdsRejection extends RuntimeException {
    public XdsRejection(String message) {
        super(message);
    }
}
