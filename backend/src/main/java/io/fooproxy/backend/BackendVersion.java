package io.fooproxy.backend;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version the backend was built as (Maven fills version.properties in). */
public final class BackendVersion {
    private BackendVersion() {}

    public static String get() {
        try (InputStream in = BackendVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("version", "unknown");
            return version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
