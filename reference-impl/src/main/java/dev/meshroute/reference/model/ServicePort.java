package dev.meshroute.reference.model;

/** A port of a Kubernetes Service. */
public record ServicePort(String name, int port, String protocol) {
}
