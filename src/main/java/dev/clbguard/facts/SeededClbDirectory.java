package dev.clbguard.facts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.clbguard.clbapi.ClbStateFile;
import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbListener;
import dev.clbguard.policy.clb.ClbLookup;

/**
 * A {@link ClbDirectory} answered from a fixed list of CLBs, e.g. a {@link ClbStateFile}: what the offline
 * validator's {@code --clb-state} uses, with no API server in between. An id not in the list is Missing, as the
 * cloud would say.
 */
public final class SeededClbDirectory implements ClbDirectory {

    private final Map<String, ClbInfo> byId = new LinkedHashMap<>();

    public SeededClbDirectory(List<ClbInfo> clbs) {
        clbs.forEach(c -> byId.put(c.id(), c));
    }

    /** Reads a CLB state file; throws IllegalArgumentException naming the file and the problem. */
    public static SeededClbDirectory read(Path file) {
        return new SeededClbDirectory(ClbStateFile.read(file).stream().map(SeededClbDirectory::info).toList());
    }

    static ClbInfo info(ClbStateFile.Lb lb) {
        return new ClbInfo(lb.id(), lb.name(), lb.type(), lb.forward(), lb.vpcId(), lb.subnetId(), lb.vips(), lb.tags(),
                lb.listeners().stream().map(l -> new ClbListener(l.id(), l.name(), l.protocol(), l.port())).toList());
    }

    public int size() {
        return byId.size();
    }

    @Override
    public ClbFacts lookup(Set<String> ids, Duration budget) {
        Map<String, ClbLookup> out = new LinkedHashMap<>();
        for (String id : ids) {
            ClbInfo info = byId.get(id);
            out.put(id, info != null ? new ClbLookup.Found(info) : new ClbLookup.Missing(id));
        }
        return new ClbFacts(out);
    }
}
