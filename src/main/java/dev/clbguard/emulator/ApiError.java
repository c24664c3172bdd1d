package dev.clbguard.emulator;

/** An error the emulator answers in the {"Response":{"Error":…}} envelope, with a documented Tencent Cloud code. */
final class ApiError extends RuntimeException {

    final String code;

    ApiError(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }
}
