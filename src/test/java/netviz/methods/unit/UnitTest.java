package netviz.methods.unit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.methods.attribution.Target;
import org.junit.jupiter.api.Test;

class UnitTest {

    @Test
    void parsesTheThreeSpellingsAndWritesThemBack() {
        assertEquals(Unit.channel("conv2", 5), Unit.parse("conv2:5"));
        assertEquals(Unit.neuron("conv2", 5, 3, 4), Unit.parse(" conv2:5@3,4 "));
        assertEquals(Unit.classScore(7), Unit.parse("class 7"));
        // a tensor name with colons: the layer is everything before the last colon
        assertEquals(Unit.channel("block:1/relu", 0), Unit.parse("block:1/relu:0"));
        for (String s : new String[] {"conv2:5", "conv2:5@3,4", "class 7", "block:1/relu:0@0,0"}) {
            assertEquals(s, Unit.parse(s).toString());
        }
        assertTrue(Unit.parse("class 2").isClassScore());
        assertNull(Unit.parse("fc2:1").position());
    }

    @Test
    void badSpellingsAreOneLineNamingTheForms() {
        for (String s : new String[] {"conv2", "conv2:x", ":3", "class x", "conv2:1@3"}) {
            NetvizException e = assertThrows(NetvizException.class, () -> Unit.parse(s), s);
            assertTrue(e.getMessage().contains("layer:channel") || e.getMessage().contains("y,x"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
        OutOfRangeException neg = assertThrows(OutOfRangeException.class, () -> Unit.parse("conv2:-1"));
        assertEquals("channel -1 is negative; channels are numbered from 0", neg.getMessage());
    }

    @Test
    void checksAgainstTheTensorShape() {
        long[] s = {1, 8, 4, 6};
        Unit.neuron("c", 7, 3, 5).check("c", s);
        OutOfRangeException c = assertThrows(OutOfRangeException.class, () -> Unit.channel("c", 8).check("c", s));
        assertEquals("channel 8 is out of range for layer 'c' with 8 channels (0..7)", c.getMessage());
        OutOfRangeException p = assertThrows(OutOfRangeException.class, () -> Unit.neuron("c", 1, 4, 0).check("c", s));
        assertEquals("position 4,0 is outside layer 'c' of size 4x6 (rows 0..3, columns 0..5)", p.getMessage());
        assertThrows(OutOfRangeException.class, () -> Unit.neuron("fc", 1, 0, 0).check("fc", new long[] {1, 10}));
    }

    @Test
    void aBatchOfUnitsIsOneUnitPerExample() {
        Units u = Units.of(List.of(Unit.neuron("c", 1, 2, 3), Unit.neuron("c", 4, 0, 1)));
        assertEquals("c", u.tensor());
        assertArrayEquals(new int[] {1, 4}, u.channels());
        assertArrayEquals(new int[] {2, 0}, u.ys());
        assertArrayEquals(new int[] {3, 1}, u.xs());
        assertEquals(Unit.neuron("c", 4, 0, 1), u.unit(1));
        assertEquals(new Units("c", new int[] {1, 1, 1}, null, null), Units.repeat(Unit.channel("c", 1), 3));
        assertEquals(Unit.classScore(3), Units.repeat(Unit.classScore(3), 2).unit(0));
        assertThrows(IllegalArgumentException.class, () -> Units.of(List.of(Unit.channel("a", 0), Unit.channel("b", 0))));
        assertThrows(IllegalArgumentException.class, () -> Units.of(List.of(Unit.channel("a", 0), Unit.neuron("a", 0, 0, 0))));
    }

    @Test
    void anAttributionTargetIsAUnit() {
        assertEquals(Target.classes(3), Target.of(Unit.classScore(3)));
        assertEquals(Target.neuron("conv2", 1), Target.of(Unit.parse("conv2:1")));
        assertEquals(Target.neuron("conv2", 1, 2, 3), Target.of(Unit.parse("conv2:1@2,3")));
        assertEquals("conv2 channel 1 at 2,3", Target.of(Unit.parse("conv2:1@2,3")).describe());
        assertEquals("conv2 channel 1 (at its maximum)", Target.neuron("conv2", 1).describe());
    }
}
