package dev.clbguard.policy.tke;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads back the TKE error code a policy message carries ("… [E4020]; …"), for metrics and reports. */
public final class MessageCodes {

    private static final Pattern CODE = Pattern.compile("\\[(E\\d{4})]");

    private MessageCodes() {
    }

    public static Optional<String> of(String message) {
        if (message == null) {
            return Optional.empty();
        }
        Matcher m = CODE.matcher(message);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
