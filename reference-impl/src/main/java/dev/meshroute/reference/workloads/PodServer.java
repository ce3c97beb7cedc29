package dev.meshroute.reference.workloads;

import java.net.InetSocketAddress;

/** A running pod's server, whatever protocol it speaks: where it listens, and how to stop it. */
public interface PodServer extends AutoCloseable {

    InetSocketAddress address();

    @Override
    void close();
}
