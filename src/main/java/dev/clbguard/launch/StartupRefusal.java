package dev.clbguard.launch;

/**
 * A start-up an operator's setting makes impossible (no credentials, no policy directory, …): its message is one
 * line that names the setting or file and the fix, and the server ends with that line and no stack trace.
 */
public class StartupRefusal extends RuntimeException {

    public StartupRefusal(String message) {
        super(message);
    }
}
