package dev.clbguard.reports;

import java.util.Locale;

/** A result as the report APIs spell it ({@code skip} is never written: a policy that does not apply says nothing). */
public enum Outcome {
    PASS, FAIL, WARN, ERROR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
