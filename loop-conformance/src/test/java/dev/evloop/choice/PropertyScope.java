package dev.evloop.choice;

import dev.evloop.EventLoops;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Tests that set {@code -Dloop.backend} or the policy: both are restored after each test. */
abstract class PropertyScope {
    static final String PROPERTY = "loop.backend";
    private String saved;

    @BeforeEach
    final void saveProperty() {
        saved = System.getProperty(PROPERTY);
        System.clearProperty(PROPERTY);
    }

    @AfterEach
    final void restoreProperty() {
        if (saved == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, saved);
        }
        EventLoops.setPolicy(null);
    }

    static boolean available(String name) {
        return EventLoops.backends().stream().anyMatch(b -> b.name().equals(name) && b.available());
    }
}
