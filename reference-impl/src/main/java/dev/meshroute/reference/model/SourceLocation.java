package dev.meshroute.reference.model;

/** Where a piece of configuration was written: a file and a 1-based line. */
public record SourceLocation(String file, int line) {

    public static final SourceLocation UNKNOWN = new SourceLocation("<unknown>", 0);

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line : file;
    }
}
