package netviz.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import netviz.InputFormatException;
import netviz.NetvizException;
import netviz.ShapeMismatchException;
import netviz.UnknownNameException;
import netviz.image.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsTest {
    @TempDir
    Path tmp;

    @Test
    void imagenetList() {
        Labels l = Labels.imagenet();
        assertEquals(1000, l.size());
        // well-known indices of the ILSVRC-2012 order used by torchvision / the ONNX model zoo
        assertEquals("tench", l.name(0));
        assertEquals("great white shark", l.name(2));
        assertEquals("golden retriever", l.name(207));
        assertEquals("tabby", l.name(281));
        assertEquals("tiger cat", l.name(282));
        assertEquals("analog clock", l.name(409));
        assertEquals("pizza", l.name(963));
        assertEquals("toilet tissue", l.name(999));
        assertEquals(998, new HashSet<>(l.names()).size()); // crane and maillot appear twice
        assertEquals(207, l.indexOf("Golden_Retriever"));
        assertEquals(281, l.indexOf("281"));
        NetvizException crane = assertThrows(NetvizException.class, () -> l.indexOf("crane"));
        assertTrue(crane.getMessage().contains("134, 517"), crane.getMessage());
        UnknownNameException e = assertThrows(UnknownNameException.class, () -> l.indexOf("golden retreiver"));
        assertTrue(e.suggestions().contains("golden retriever"), e.getMessage());
        assertThrows(NetvizException.class, () -> l.name(1000));
    }

    @Test
    void fashionMnistAndFiles() throws IOException {
        Labels f = Labels.fashionMnist();
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                "Ankle boot"), f.names());
        assertEquals(9, f.indexOf("ankle-boot"));
        assertEquals(2, f.find("pullover").orElseThrow());
        UnknownNameException e = assertThrows(UnknownNameException.class, () -> f.indexOf("sneakers"));
        assertEquals("Sneaker", e.suggestions().get(0));
        assertEquals(List.of(7, 0), List.of(f.mapNames(List.of("Sneaker", "0"))[0], f.mapNames(List.of("Sneaker", "0"))[1]));

        Path file = Files.writeString(tmp.resolve("labels.txt"), "\uFEFFcat\n dog \nbird\n\n\n");
        Labels l = Labels.load(file);
        assertEquals(List.of("cat", "dog", "bird"), l.names());
        assertEquals(l, l.checkSize(3));
        ShapeMismatchException m = assertThrows(ShapeMismatchException.class, () -> l.checkSize(10));
        assertTrue(m.getMessage().contains("3 class names") && m.getMessage().contains("10 outputs")
                && m.getMessage().contains("labels.txt"), m.getMessage());
        assertThrows(InputFormatException.class, () -> Labels.load(Files.writeString(tmp.resolve("gap.txt"), "a\n\nb\n")));
        assertThrows(InputFormatException.class, () -> Labels.load(Files.writeString(tmp.resolve("empty.txt"), "\n")));
        assertThrows(InputFormatException.class, () -> Labels.load(tmp.resolve("missing.txt")));
        assertThrows(InputFormatException.class, () -> Labels.load(Files.write(tmp.resolve("bin.txt"), new byte[] {(byte) 0xff, (byte) 0xfe, 0})));
    }

    @Test
    void labelsForAModel() {
        ModelConfig withNames = ModelConfig.fromMetadata(Map.of("netviz.labels", "[\"a\",\"b\"]"));
        assertEquals(List.of("a", "b"), Labels.forModel(null, withNames, 2).names());
        assertThrows(ShapeMismatchException.class, () -> Labels.forModel(null, withNames, 3));
        assertEquals(1000, Labels.forModel(null, ModelConfig.empty(), 1000).size());
        assertEquals(List.of("0", "1", "2"), Labels.forModel(null, ModelConfig.empty(), 3).names());
    }

    @Test
    void aNegativeClassIsOutOfRangeNotAnUnknownName() {
        Labels l = Labels.fashionMnist();
        netviz.OutOfRangeException e = org.junit.jupiter.api.Assertions.assertThrows(netviz.OutOfRangeException.class,
                () -> l.indexOf("-1"));
        org.junit.jupiter.api.Assertions.assertEquals(
                "class -1 is negative; classes are numbered 0 to 9 (or give a class name)", e.getMessage());
        org.junit.jupiter.api.Assertions.assertEquals(8, l.indexOf("8"));
        org.junit.jupiter.api.Assertions.assertEquals(8, l.indexOf("bag"));
    }
}
