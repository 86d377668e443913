package netviz.methods.neurons;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import netviz.NetvizException;
import netviz.OutOfRangeException;
import netviz.engine.Interpreter;
import org.junit.jupiter.api.Test;

class ReceptiveFieldTest {

    @Test
    void stackMatchesHandComputation() {
        try (Interpreter ip = Interpreter.of(NeuronModels.stack(1))) {
            ReceptiveField rf = ReceptiveField.analyze(ip);
            // input r1 j1 s0; convA k3 p1: r3 j1 s-1; pool k2 s2: r4 j2 s-1;
            // convB k3 d2 (k'5) s2 p1: r12 j4 s-3; avg k3 SAME_UPPER (pad 1): r20 j4 s-7; convC k3: r28 j4 s-7
            check(rf.field("convA"), 3, 1, -1);
            check(rf.field("reluA"), 3, 1, -1);
            check(rf.field("pool"), 4, 2, -1);
            check(rf.field("convB"), 12, 4, -3);
            check(rf.field("avg"), 20, 4, -7);
            check(rf.field("convC"), 28, 4, -7);
            assertArrayEquals(new long[] {1, 2, 5, 5}, rf.field("convC").shape());
            ReceptiveField.Box b = rf.box("convC", 2, 1);
            assertEquals(new ReceptiveField.Box(1, 0, 28, 24, true), b);
            assertTrue(rf.field("fc").whole());
            assertEquals(new ReceptiveField.Box(0, 0, 31, 31, true), rf.box("fc", 0, 0));
        }
    }

    @Test
    void gradientSupportLiesInsideTheAnalyticField() {
        try (Interpreter ip = Interpreter.of(NeuronModels.stack(2))) {
            ReceptiveField rf = ReceptiveField.analyze(ip);
            for (int[] u : new int[][] {{0, 0, 0}, {1, 2, 1}, {0, 4, 4}, {1, 3, 0}}) {
                ReceptiveField.Box a = rf.box("convC", u[1], u[2]);
                ReceptiveField.Box e = ReceptiveField.effective(ip, "convC", u[0], u[1], u[2], 4, 3);
                assertFalse(e.analytic());
                assertTrue(a.contains(e.y0(), e.x0()) && a.contains(e.y1(), e.x1()), a + " should contain " + e);
                // the support is not much smaller than the field (random inputs reach most of it)
                assertTrue(e.height() * e.width() >= 0.3 * a.height() * a.width(), e + " vs " + a);
            }
        }
    }

    @Test
    void branchesUniteAndUnknownOperatorsFallBackToTheEffectiveField() {
        try (Interpreter ip = Interpreter.of(NeuronModels.branches(3))) {
            ReceptiveField rf = ReceptiveField.analyze(ip);
            check(rf.field("c3"), 3, 1, -1);
            check(rf.field("c5"), 5, 1, -1);
            check(rf.field("add"), 5, 1, -1);
            ReceptiveField.Field t = rf.field("swap");
            assertFalse(t.known());
            assertTrue(t.unknown().contains("Transpose"), t.unknown());
            NetvizException ex = assertThrows(NetvizException.class, () -> rf.box("swap", 0, 0));
            assertTrue(ex.getMessage().contains("cannot be computed analytically"), ex.getMessage());
            ReceptiveField.Box e = rf.boxOrEffective(ip, "out", 0, 2, 7);
            assertFalse(e.analytic());
            // transposed: unit (2, 7) of the output is unit (7, 2) of add, rows 6..10, columns 1..5
            assertTrue(e.y0() >= 6 && e.y1() <= 10 && e.x0() >= 1 && e.x1() <= 5, e.toString());
        }
    }

    @Test
    void positionsOutOfRangeAreOneClearError() {
        try (Interpreter ip = Interpreter.of(NeuronModels.stack(1))) {
            ReceptiveField rf = ReceptiveField.analyze(ip);
            OutOfRangeException e = assertThrows(OutOfRangeException.class, () -> rf.box("convC", 5, 0));
            assertTrue(e.getMessage().contains("outside layer"), e.getMessage());
            OutOfRangeException c = assertThrows(OutOfRangeException.class,
                    () -> ReceptiveField.effective(ip, "convC", 7, 0, 0, 1, 1));
            assertTrue(c.getMessage().contains("channel 7"), c.getMessage());
        }
    }

    private static void check(ReceptiveField.Field f, int size, int jump, int start) {
        assertTrue(f.known(), f.tensor() + ": " + f.unknown());
        assertArrayEquals(new int[] {size, size}, f.size(), f.tensor() + " size");
        assertArrayEquals(new int[] {jump, jump}, f.jump(), f.tensor() + " jump");
        assertArrayEquals(new int[] {start, start}, f.start(), f.tensor() + " start");
    }
}
