package dev.meshroute.reference.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads a config directory again and again, as {@code serve} does on every change: a file whose text is what it
 * was last time is not parsed again (its earlier {@link ConfigLoader.LoadResult} is reused), so an edit of one file
 * among many costs the parse of that file. The result is always what {@link ConfigLoader#loadDirectory} returns.
 */
public final class DirectoryLoader {

    private record Parsed(String text, ConfigLoader.LoadResult result) {
    }

    private final Path dir;
    private Map<Path, Parsed> parsed = new HashMap<>();

    public DirectoryLoader(Path dir) {
        this.dir = dir;
    }

    /** The directory as it is now. */
    public synchronized ConfigLoader.LoadResult load() {
        Map<Path, Parsed> next = new HashMap<>();
        ConfigLoader.LoadResult result = ConfigLoader.loadDirectory(dir, file -> {
            String text;
            try {
                text = Files.size(file) > ConfigLoader.MAX_FILE_BYTES ? null
                        : Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = null;
            }
            if (text == null) {
                return ConfigLoader.loadFile(file); // too large, unreadable or not UTF-8: its own diagnostic
            }
            Parsed before = parsed.get(file);
            Parsed now = before != null && before.text().equals(text) ? before
                    : new Parsed(text, ConfigLoader.loadText(file.toString(), text));
            next.put(file, now);
            return now.result();
        });
        parsed = next;
        return result;
    }
}
