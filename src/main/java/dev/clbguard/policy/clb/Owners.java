package dev.clbguard.policy.clb;

import java.util.Optional;
import java.util.function.Function;

/**
 * Who a CLB's owner uuid tag names, as far as this replica knows: the live-object index where there is an API
 * server, nothing otherwise (dev mode without a cluster, the offline CLI), where messages name the uid only.
 */
public interface Owners {

    /** No index: every owner is unknown. */
    Owners UNKNOWN = new Owners() {
        @Override
        public boolean known() {
            return false;
        }

        @Override
        public Optional<Name> live(String uid) {
            return Optional.empty();
        }
    };

    /** An index that answers: {@code live} names the object with a uid, or nothing when no live object has it. */
    static Owners indexed(Function<String, Optional<Name>> live) {
        return new Owners() {
            @Override
            public boolean known() {
                return true;
            }

            @Override
            public Optional<Name> live(String uid) {
                return live.apply(uid);
            }
        };
    }

    /** Whether an index answers: then a uid it does not hold names no live object of this cluster. */
    boolean known();

    /** The live Service or Ingress with this uid, if the index holds it. */
    Optional<Name> live(String uid);

    /** "Ingress shop/checkout". */
    record Name(String kind, String namespace, String name) {
        @Override
        public String toString() {
            return kind + " " + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
        }
    }
}
