package dev.meshroute.reference.dataplane;

import com.google.re2j.Pattern;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Envoy's regex_rewrite substitution syntax (RE2: \1 group references) carried over to re2j. */
class RewriteSubstitutionTest {

    private static String rewrite(String pattern, String substitution, String input) {
        return Pattern.compile(pattern).matcher(input).replaceAll(RouteTable.re2jSubstitution(substitution));
    }

    @Test
    void re2jSubstitution_groupReferences_becomeDollarReferences() {
        assertEquals("/customprefix/v1/api/update",
                rewrite("^/service/([^/]+)(/.*)$", "/customprefix\\2/\\1", "/service/update/v1/api"));
    }

    @Test
    void re2jSubstitution_dollarAndBackslash_stayLiteral() {
        assertEquals("/a$b", rewrite("^/x$", "/a$b", "/x"));
        assertEquals("/a\\b", rewrite("^/x$", "/a\\\\b", "/x"));
    }

    @Test
    void re2jSubstitution_replacesEveryMatch() {
        assertEquals("/-/-/", rewrite("[a-z]+", "-", "/ab/cd/"));
    }
}
