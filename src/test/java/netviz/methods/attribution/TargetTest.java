package netviz.methods.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import netviz.OutOfRangeException;
import netviz.UnknownNameException;
import org.junit.jupiter.api.Test;

class TargetTest {
    static final List<String> LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    @Test
    void classesByIndexOrName() {
        assertEquals(Target.classes(3), Target.parseClass("3", LABELS));
        assertEquals(Target.classes(7), Target.parseClass("sneaker", LABELS));
        assertEquals(Target.classes(9), Target.parseClass("ankle boot", LABELS));
        assertEquals(Target.classes(9), Target.parseClass("Ankle_Boot", LABELS));
        assertEquals(Target.classes(0), Target.parseClass("t-shirt/top", LABELS));
        assertEquals(Target.classes(4), Target.parseClass("4", null));
    }

    @Test
    void unknownNamesSuggestCloseOnes() {
        UnknownNameException e = assertThrows(UnknownNameException.class, () -> Target.parseClass("snekaer", LABELS));
        assertEquals("Sneaker", e.suggestions().get(0));
        assertEquals("unknown class 'snekaer'; did you mean: ", e.getMessage().substring(0, 39));
    }

    @Test
    void outOfRange() {
        OutOfRangeException e = assertThrows(OutOfRangeException.class, () -> Target.parseClass("10", LABELS));
        assertEquals("target class 10 is out of range: the model has 10 classes (0 to 9)", e.getMessage());
        assertThrows(OutOfRangeException.class, () -> Target.parseClass("-1", LABELS));
        assertThrows(OutOfRangeException.class, () -> Target.neuron("conv1", -2));
    }
}
