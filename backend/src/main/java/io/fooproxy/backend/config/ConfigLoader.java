package io.fooproxy.backend.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Builds the {@link BackendConfig} from defaults, the {@code -config} file and the command-line
 * flags (in rising precedence). Loading again re-reads the file, which is what SIGHUP does.
 */
public final class ConfigLoader {
    private final BackendCommandLine.Args args;

    public ConfigLoader(BackendCommandLine.Args args) {
        this.args = requireNonNull(args, "args");
    }

    public Optional<Path> configFile() {
        return args.configFile();
    }

    /** The current configuration; a {@link ConfigException} names the bad key. */
    public BackendConfig load() {
        Map<String, String> settings = new HashMap<>();
        if (args.configFile().isPresent()) {
            settings.putAll(readFile(args.configFile().get()));
        }
        settings.putAll(args.flags());
        return BackendConfig.fromSettings(settings);
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("config", "cannot read " + file + ": " + describe(e));
        }
        Map<String, String> settings = new HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            settings.put(key.strip(), properties.getProperty(key));
        }
        return settings;
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.charset.MalformedInputException) {
            return "not UTF-8 text";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
