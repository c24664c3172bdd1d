package dev.clbguard.cli;

/** A problem with how the command was called or configured: reported in one line, exit code 2. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
