package dev.evloop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Echo workload shapes as the bench command line writes them. */
class ShapeTest {
    @Test
    void aShapeIsConnectionsTimesBytes() {
        assertEquals(new Shape(50, 1024), Shape.parse("--shapes", "50x1024"));
    }

    @Test
    void aKibSuffixCountsKibibytes() {
        assertEquals(new Shape(500, 16 * 1024), Shape.parse("--shapes", "500x16KiB"));
    }

    @Test
    void aShapeWritesItselfAsItIsRead() {
        for (Shape s : List.of(new Shape(1, 64), new Shape(50, 102400), new Shape(7, 1000))) {
            assertEquals(s, Shape.parse("--shapes", s.toString()));
        }
    }

    @Test
    void aListKeepsItsOrderAndDropsRepeats() {
        assertEquals(List.of(new Shape(500, 64), new Shape(1, 1024)), Shape.parseList("--shapes", "500x64,1x1KiB,500x64"));
    }

    @Test
    void textThatIsNoShapeFailsNamingTheFlagAndTheText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.parse("--latency", "50y1024"));
        assertTrue(e.getMessage().startsWith("--latency: '50y1024' is not CONNECTIONSxSIZE"), e.getMessage());
    }

    @Test
    void anEmptyEntryInAListFailsNamingTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.parseList("--shapes", "50x64,"));
        assertTrue(e.getMessage().startsWith("--shapes: '' is not CONNECTIONSxSIZE"), e.getMessage());
    }

    @Test
    void zeroConnectionsFailNamingTheFlagAndTheBound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.parse("--shapes", "0x64"));
        assertEquals("--shapes: '0x64': connections: 0 is not between 1 and 2000", e.getMessage());
    }

    @Test
    void aSizeBeyondTheBoundFailsNamingTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shape.parse("--shapes", "1x999999999KiB"));
        assertTrue(e.getMessage().startsWith("--shapes: '1x999999999KiB': size: "), e.getMessage());
    }
}
