package netviz;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of netviz that is running, for output headers, cache keys and report footers. */
public final class Version {
    private Version() {
    }

    /**
     * The project version: from the jar manifest, else the {@code netviz.version} system property
     * (set by the launcher from pom.xml), else the Maven metadata in the jar, else "dev".
     */
    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        if (v != null) {
            return v;
        }
        v = System.getProperty("netviz.version");
        if (v != null && !v.isBlank()) {
            return v;
        }
        try (InputStream in = Version.class.getResourceAsStream("/META-INF/maven/netviz/netviz/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "dev");
            }
        } catch (IOException e) {
            return "dev";
        }
        return "dev";
    }
}
