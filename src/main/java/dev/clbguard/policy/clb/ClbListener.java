package dev.clbguard.policy.clb;

/** A listener on a CLB: what occupies a port. */
public record ClbListener(String id, String name, String protocol, int port) {
}
