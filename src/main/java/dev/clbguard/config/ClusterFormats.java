package dev.clbguard.config;

import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Converters that refuse a malformed cluster setting. SmallRye Config reports every refused or missing setting of
 * a mapping together, and {@code launch.StartupFailure} turns them into one ERROR line with the fix: a pod started on
 * the shipped placeholders of cluster.env names each one it still needs.
 */
public final class ClusterFormats {

    static final Pattern CLUSTER_ID = Pattern.compile("cls-[a-z0-9]{8}");
    static final Pattern REGION = Pattern.compile("[a-z]{2,3}(-[a-z]+)+(-[0-9]+)?");
    static final Pattern VPC_ID = Pattern.compile("vpc-[a-z0-9]{8}");
    static final Pattern UIN = Pattern.compile("[0-9]{5,20}");

    private ClusterFormats() {
    }

    static String check(String value, Pattern format, String what, String example) {
        String v = value == null ? "" : value.trim();
        if (!format.matcher(v).matches()) {
            throw new IllegalArgumentException("is not " + what + " (like " + example + ")");
        }
        return v;
    }

    public static final class ClusterId implements Converter<String> {
        @Override
        public String convert(String value) {
            return check(value, CLUSTER_ID, "a TKE cluster id", "cls-7k2m9q4p");
        }
    }

    public static final class Region implements Converter<String> {
        @Override
        public String convert(String value) {
            return check(value, REGION, "a Tencent Cloud region", "ap-guangzhou");
        }
    }

    public static final class VpcId implements Converter<String> {
        @Override
        public String convert(String value) {
            return check(value, VPC_ID, "a VPC id", "vpc-4f8q2w1e");
        }
    }

    /** true or false, nothing else: SmallRye's own converter reads any other word as false, with a mere warning. */
    public static final class Flag implements Converter<Boolean> {
        @Override
        public Boolean convert(String value) {
            String v = value == null ? "" : value.trim();
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException("is not true or false");
            }
            return Boolean.parseBoolean(v);
        }
    }

    public static final class Uin implements Converter<String> {
        @Override
        public String convert(String value) {
            return check(value, UIN, "a numeric account UIN", "100012345678");
        }
    }
}
