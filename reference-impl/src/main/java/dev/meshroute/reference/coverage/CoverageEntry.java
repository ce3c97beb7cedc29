package dev.meshroute.reference.coverage;

/**
 * One thing a run of requests can exercise: an {@code http} rule of a VirtualService, one of its {@code match}
 * entries, or one of its {@code route} destinations, and how many requests exercised it.
 *
 * @param source         where the VirtualService was written (a file, or a scenario and its YAML)
 * @param virtualService {@code namespace/name}
 * @param rule           the index of the rule in {@code http}
 * @param match          the index of the entry in the rule's {@code match}, or null for the rule or a destination
 * @param destination    the index of the destination in the rule's {@code route}, or null
 * @param description    the rule's name, the match's conditions or the destination, for people
 * @param location       {@code file:line} of the rule, match or destination
 * @param hits           requests that matched the rule or match entry, or were sent to the destination
 */
public record CoverageEntry(String source, String virtualService, int rule, Integer match, Integer destination,
                            String description, String location, long hits) {

    /** {@code rule}, {@code match} or {@code destination}. */
    public String kind() {
        return destination != null ? "destination" : match != null ? "match" : "rule";
    }

    /** What identifies the entry across a run: the same rule of the same VirtualService from the same source. */
    public String key() {
        return source + "|" + virtualService + "|" + rule + "|" + (match == null ? "" : "m" + match) + "|"
                + (destination == null ? "" : "d" + destination);
    }

    public CoverageEntry withHits(long hits) {
        return new CoverageEntry(source, virtualService, rule, match, destination, description, location, hits);
    }

    public CoverageEntry withSource(String source) {
        return new CoverageEntry(source, virtualService, rule, match, destination, description, location, hits);
    }

    /** One line for people: {@code kind VirtualService rule N [match M | destination D]: description (file:line)}. */
    @Override
    public String toString() {
        String what = "VirtualService " + virtualService + " rule " + rule
                + (match != null ? " match " + match : "") + (destination != null ? " destination " + destination : "");
        return what + (description.isEmpty() ? "" : ": " + description) + " (" + where() + ")";
    }

    /** The location, within its source when the source says more (a scenario and its YAML). */
    private String where() {
        int colon = location.lastIndexOf(':');
        String file = colon > 0 ? location.substring(0, colon) : location;
        if (location.startsWith(source) || source.isEmpty()) {
            return location;
        }
        return source.endsWith(file) ? source + location.substring(file.length()) : location + " in " + source;
    }
}
