package dev.clbguard.admission;

/** The body is not an AdmissionReview we can answer: HTTP 400 with this plain message. */
public class BadAdmissionRequest extends RuntimeException {

    public BadAdmissionRequest(String message) {
        super(message, null, false, false);
    }
}
