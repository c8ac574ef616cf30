package dev.evloop.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A child's environment is checked where it is given, each fault named, not where the child starts. */
class SubprocessOptionsTest {
    private static final SubprocessOptions PIPES = SubprocessOptions.pipes();

    private static Map<String, String> one(String name, String value) {
        Map<String, String> variables = new HashMap<>();
        variables.put(name, value);
        return variables;
    }

    @Test
    void aVariableWithANullValueIsRefusedNamingIt() {
        Map<String, String> bad = one("HOME", null);
        NullPointerException replaced = assertThrows(NullPointerException.class, () -> PIPES.withEnvironment(bad));
        assertEquals("environment: the variable HOME has a null value", replaced.getMessage());
        NullPointerException added = assertThrows(NullPointerException.class, () -> PIPES.withAddedEnvironment(bad));
        assertEquals("environment: the variable HOME has a null value", added.getMessage());
    }

    @Test
    void aVariableWithANullNameIsRefusedNamingTheArgument() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> PIPES.withEnvironment(one(null, "x")));
        assertEquals("environment: a variable's name is null", e.getMessage());
    }

    @Test
    void aNameOrValueNoProcessCanHaveIsRefusedNamingIt() {
        for (Map<String, String> bad : java.util.List.of(one("A=B", "x"), one("", "x"), one("A\0B", "x"), one("A", "x\0y"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PIPES.withEnvironment(bad));
            assertTrue(e.getMessage().startsWith("environment: "), e.getMessage());
        }
    }
}
