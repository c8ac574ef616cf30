/**
 * Testing code written on evloop with JUnit 5: {@link dev.evloop.test.LoopTest} gives a test
 * method a fresh loop and runs it as the loop's main task, with {@link dev.evloop.VirtualClock}
 * for tests of code that sleeps, times out and retries.
 */
package dev.evloop.test;
