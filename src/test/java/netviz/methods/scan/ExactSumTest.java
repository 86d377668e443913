package netviz.methods.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSumTest {

    /** The exact total (BigDecimal) is closer to the result than to either neighbouring double. */
    static void assertCorrectlyRounded(List<Double> values, double result) {
        BigDecimal exact = BigDecimal.ZERO;
        for (double v : values) {
            exact = exact.add(new BigDecimal(v));
        }
        BigDecimal err = exact.subtract(new BigDecimal(result)).abs();
        assertTrue(err.compareTo(exact.subtract(new BigDecimal(Math.nextUp(result))).abs()) <= 0, "above: " + result);
        assertTrue(err.compareTo(exact.subtract(new BigDecimal(Math.nextDown(result))).abs()) <= 0, "below: " + result);
    }

    @Test
    void cancellationThatNaiveSummationLoses() {
        ExactSum s = new ExactSum();
        for (double v : new double[] {1e100, 1.0, -1e100, 1e-100}) {
            s.add(v);
        }
        assertEquals(1.0 + 1e-100, s.value());
        ExactSum t = new ExactSum();
        for (int i = 0; i < 10; i++) {
            t.add(0.1);
        }
        assertEquals(1.0, t.value(), 0.0);
    }

    @Test
    void halfWayCasesRoundToEven() {
        // 1 + 2^-53 is half-way between 1 and nextUp(1); the extra 2^-108 decides upwards
        ExactSum s = new ExactSum();
        s.add(1.0);
        s.add(Math.scalb(1.0, -53));
        s.add(Math.scalb(1.0, -108));
        assertEquals(Math.nextUp(1.0), s.value());
        ExactSum t = new ExactSum();
        t.add(1.0);
        t.add(Math.scalb(1.0, -53));
        assertEquals(1.0, t.value());
    }

    @Test
    void anyOrderAndGroupingGivesTheCorrectlyRoundedTotal() {
        Random r = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            List<Double> values = new ArrayList<>();
            int n = 1 + r.nextInt(60);
            for (int i = 0; i < n; i++) {
                double v = r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
                values.add(r.nextBoolean() ? v : -v);
                if (r.nextInt(5) == 0) {
                    values.add(-v);
                }
            }
            ExactSum whole = new ExactSum();
            values.forEach(whole::add);
            assertCorrectlyRounded(values, whole.value());
            List<Double> shuffled = new ArrayList<>(values);
            Collections.shuffle(shuffled, r);
            int cut = r.nextInt(shuffled.size() + 1);
            ExactSum a = new ExactSum();
            ExactSum b = new ExactSum();
            shuffled.subList(0, cut).forEach(a::add);
            shuffled.subList(cut, shuffled.size()).forEach(b::add);
            b.add(a);
            assertEquals(Double.doubleToRawLongBits(whole.value()), Double.doubleToRawLongBits(b.value()));
        }
    }
}
