package dev.evloop.conformance;

import org.junit.jupiter.api.Test;

/**
 * The tests of {@link ReadsAfterClose} for a test class of one kind of stream connection, which
 * says how to run that specification over its connections; JUnit runs these default methods as
 * the class's own tests.
 */
interface ClosingTransportContract {

    /** The close specification over this class's kind of connection. */
    ReadsAfterClose afterClose();

    @Test
    default void aClosingTransportHearsNoDataThatArrivesWhileItsUnsentDataWaits() {
        afterClose().noDataReachesAClosingTransport();
    }

    @Test
    default void aClosingTransportHearsNoEofThatArrivesWhileItsUnsentDataWaits() {
        afterClose().noEofReachesAClosingTransport();
    }

    @Test
    default void aBufferedProtocolThatClosesInBufferUpdatedHearsNoMoreOfTheRead() {
        afterClose().aBufferedProtocolThatClosesInBufferUpdatedHearsNoMoreOfTheRead(false);
    }

    @Test
    default void aBufferedProtocolThatAbortsInBufferUpdatedHearsNoMoreOfTheRead() {
        afterClose().aBufferedProtocolThatClosesInBufferUpdatedHearsNoMoreOfTheRead(true);
    }
}
