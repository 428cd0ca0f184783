package io.spotmatch.wire;

/** A record that is not a command. Carries no stack trace: it is an outcome, not a bug. */
public final class PoisonException extends Exception {

    private final PoisonCode code;

    public PoisonException(PoisonCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public PoisonCode code() {
        return code;
    }
}
