package dev.clbguard.reports;

import java.util.Objects;

/**
 * What one policy says about one Service or Ingress (the background audit's verdicts, passes included).
 * {@code code} is TKE's error code when the message names one, else null.
 */
public record ObjectResult(String apiVersion, String kind, String namespace, String name, String uid, String policy,
        Outcome result, String message, String code) {

    public ObjectResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(result, "result");
    }
}
