/**
 * Tests of which backend a loop gets, with every backend on the class path: {@code -Dloop.backend},
 * the static ranks, the on-host calibration and the report that says why
 * ({@code dev.evloop.bench.Info}). They run once, not once per backend.
 */
package dev.evloop.choice;
