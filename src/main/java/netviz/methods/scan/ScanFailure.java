package netviz.methods.scan;

import java.io.Serializable;

/** An input the scan could not use: its id and one line saying why. */
public record ScanFailure(String id, String reason) implements Serializable {
}
