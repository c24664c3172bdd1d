package dev.clbguard.policy.tke;

import java.util.regex.Pattern;

/** The value formats TKE accepts in its annotations and host names (docs/tke-rules.md §2.2, §3). */
public final class TkeFormats {

    public static final Pattern CLB_ID = Pattern.compile("lb-[a-z0-9]{8}");
    public static final Pattern SUBNET_ID = Pattern.compile("subnet-[a-z0-9]{8}");
    /** TKE's host rule (E4052): lowercase DNS labels, at least two, the first may be a lone wildcard. */
    public static final Pattern HOST = Pattern.compile(
            "(\\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+");
    /** Longest value quoted back in a message: keeps messages on one short line. */
    static final int QUOTE_MAX = 32;

    private TkeFormats() {
    }

    public static boolean clbId(String v) {
        return v != null && CLB_ID.matcher(v).matches();
    }

    public static boolean subnetId(String v) {
        return v != null && SUBNET_ID.matcher(v).matches();
    }

    /** Host names longer than DNS allows are refused before the regex runs on them. */
    public static boolean host(String v) {
        return v != null && v.length() <= 253 && HOST.matcher(v).matches();
    }

    /**
     * A user-supplied value made safe to quote in a one-line message: control characters escaped, cut to
     * {@value #QUOTE_MAX} characters with an ellipsis.
     */
    public static String quote(String v) {
        return quote(v, QUOTE_MAX);
    }

    /** As {@link #quote(String)}, cut to {@code max} characters (JSON values say little in their first few). */
    public static String quote(String v, int max) {
        if (v == null) {
            return "<unset>";
        }
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < v.length(); i++) {
            if (b.length() > max) {
                b.append("...");
                break;
            }
            char c = v.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('\'').toString();
    }
}
