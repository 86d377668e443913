package netviz.engine.backend;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The few native calls netviz makes around libtorch, through JNA (no JNI of our own): setting an
 * environment variable of this process before libtorch reads it, muting libtorch's C++ warnings
 * (c10's {@code FLAGS_caffe2_log_level}), and switching oneDNN on or off for convolutions
 * ({@code at::globalContext().setUserEnabledMkldnn(bool)}). Linux only, like the libtorch netviz
 * ships; every call reports failure instead of throwing, so a missing symbol never stops netviz.
 */
final class NativeLibs {
    private NativeLibs() {
    }

    /** {@code setenv(name, value, 1)} in this process's C environment; false if it failed. */
    static boolean setenv(String name, String value) {
        try {
            Function f = NativeLibrary.getInstance("c").getFunction("setenv");
            return f.invokeInt(new Object[] {name, value, 1}) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    /** The C environment's value (which may differ from Java's snapshot after {@link #setenv}). */
    static String getenv(String name) {
        try {
            Function f = NativeLibrary.getInstance("c").getFunction("getenv");
            Pointer p = (Pointer) f.invoke(Pointer.class, new Object[] {name});
            return p == null ? null : p.getString(0);
        } catch (Throwable e) {
            return System.getenv(name);
        }
    }

    /** The path of a shared library loaded in this process whose file name is {@code name}, from /proc/self/maps. */
    static Optional<Path> loaded(String name) {
        try {
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
            for (String line : maps) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.endsWith("/" + name)) {
                    return Optional.of(Path.of(line.substring(slash)));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Sets c10's minimum log level (0 info, 1 warning, 2 error); false if libc10 or the flag is not found. */
    static boolean setTorchLogLevel(int level) {
        try {
            Optional<Path> c10 = loaded("libc10.so");
            if (c10.isEmpty()) {
                return false;
            }
            NativeLibrary lib = NativeLibrary.getInstance(c10.get().toString());
            lib.getGlobalVariableAddress("FLAGS_caffe2_log_level").setInt(0, level);
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    /** Switches libtorch's use of oneDNN (mkldnn) on or off; false if libtorch_cpu or the symbols are not found. */
    static boolean setOnednnEnabled(boolean on) {
        try {
            Optional<Path> torch = loaded("libtorch_cpu.so");
            if (torch.isEmpty()) {
                return false;
            }
            NativeLibrary lib = NativeLibrary.getInstance(torch.get().toString());
            Pointer context = (Pointer) lib.getFunction("_ZN2at13globalContextEv").invoke(Pointer.class, new Object[0]);
            lib.getFunction("_ZN2at7Context20setUserEnabledMkldnnEb").invoke(Void.class,
                    new Object[] {context, on});
            Byte now = (Byte) lib.getFunction("_ZNK2at7Context17userEnabledMkldnnEv").invoke(Byte.class,
                    new Object[] {context});
            return now != null && ((now & 1) != 0) == on;
        } catch (Throwable e) {
            return false;
        }
    }
}
