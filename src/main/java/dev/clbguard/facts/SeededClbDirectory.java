package dev.clbguard.facts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.clbguard.policy.clb.ClbFacts;
import dev.clbguard.policy.clb.ClbInfo;
import dev.clbguard.policy.clb.ClbLookup;

/**
 * A {@link ClbDirectory} answered from a fixed list of CLBs, e.g. a CLB state file ({@link ClbSeed}): what the
 * offline validator's {@code --clb-state} uses. An id not in the list is Missing, as the cloud would say.
 */
public final class SeededClbDirectory implements ClbDirectory {

    private static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
    private final Map<String, ClbInfo> byId = new LinkedHashMap<>();

    public SeededClbDirectory(List<ClbInfo> clbs) {
        clbs.forEach(c -> byId.put(c.id(), c));
    }

    /** Reads a CLB state file; throws IllegalArgumentException naming the file and the problem. */
    public static SeededClbDirectory read(Path file) {
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(file + ": larger than 16 MiB");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
        }
        return new SeededClbDirectory(ClbSeed.parse(text, file.toString()));
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
