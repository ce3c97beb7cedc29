package dev.meshroute.reference.validation;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The character-by-character DNS-1123 label check accepts exactly what the pattern
 * {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?} (Kubernetes' {@code IsDNS1123Label}, without the length) accepts.
 */
class Dns1123LabelTest {

    private static final com.google.re2j.Pattern PATTERN =
            com.google.re2j.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    @Test
    void isDns1123Label_randomStrings_sameAsThePattern() {
        Random random = new Random(1123L);
        String alphabet = "az09-Z._*é ";
        int accepted = 0;
        for (int i = 0; i < 100_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = random.nextInt(6); n > 0; n--) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = b.toString();
            boolean expected = PATTERN.matcher(s).matches();
            assertEquals(expected, Validator.isDns1123Label(s), () -> "'" + s + "'");
            accepted += expected ? 1 : 0;
        }
        assertEquals(true, accepted > 1000 && accepted < 90_000, "accepted " + accepted);
    }
}
