package dev.meshroute.reference.dataplane;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The value a query parameter matcher sees (SEMANTICS.md 1.8; Envoy {@code QueryParamsMulti::parseParameters}):
 * the first value of the key, as sent; a key without {@code =} has the empty value; an absent key has none.
 */
class QueryConditionTest {

    @ParameterizedTest(name = "?{0} [{1}] -> {2}")
    @CsvSource(nullValues = "NONE", value = {
            "'',          a,  NONE",
            "a,           a,  ''",
            "a=,          a,  ''",
            "a=1,         a,  1",
            "a=1&a=2,     a,  1",
            "ab=1&a=2,    a,  2",
            "a=1,         ab, NONE",
            "b=1&a,       a,  ''",
            "b=1,         a,  NONE",
            "A=1,         a,  NONE",
            "a=1=2,       a,  1=2",
            "a=%20x,      a,  %20x",
            "x=a&y=1,     a,  NONE",
            "'=1',        '', 1"})
    void firstValue_query_valueOfTheFirstOccurrence(String query, String key, String expected) {
        assertEquals(expected, QueryCondition.firstValue(query, key));
    }
}
