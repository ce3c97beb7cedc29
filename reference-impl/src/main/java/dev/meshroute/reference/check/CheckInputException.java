package dev.meshroute.reference.check;

/** Bad input to the route check (a test file, a route config): one line, with the file and line when known. */
public final class CheckInputException extends RuntimeException {

    public CheckInputException(String message) {
        super(message, null, false, false);
    }
}
