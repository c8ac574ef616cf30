/**
 * evloop's test support: the JUnit 5 {@link dev.evloop.test.LoopTest} annotation, which runs a
 * test method as a task on a fresh loop (optionally on a virtual clock), on one backend or on each.
 */
module dev.evloop.test {
    requires transitive dev.evloop;
    requires transitive org.junit.jupiter.api;

    exports dev.evloop.test;
}
