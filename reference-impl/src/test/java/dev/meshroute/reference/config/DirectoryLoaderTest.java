package dev.meshroute.reference.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class DirectoryLoaderTest {

    private static String vs(String name, String uri) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %s
                spec:
                  hosts: [%s]
                  http:
                  - match:
                    - uri: {exact: %s}
                    route:
                    - destination: {host: %s}
                """.formatted(name, name, uri, name);
    }

    @Test
    void load_afterEdits_sameAsLoadingTheDirectoryAfresh(@TempDir Path dir) throws Exception {
        DirectoryLoader loader = new DirectoryLoader(dir);
        Files.writeString(dir.resolve("a.yaml"), vs("a", "/one"));
        Files.writeString(dir.resolve("b.yaml"), vs("b", "/two"));
        assertEquals(ConfigLoader.loadDirectory(dir), loader.load());
        Files.writeString(dir.resolve("b.yaml"), vs("b", "/three"));
        assertEquals(ConfigLoader.loadDirectory(dir), loader.load());
        Files.writeString(dir.resolve("b.yaml"), "kind: [broken");
        assertEquals(ConfigLoader.loadDirectory(dir), loader.load());
        Files.delete(dir.resolve("a.yaml"));
        assertEquals(ConfigLoader.loadDirectory(dir), loader.load());
    }

    @Test
    void load_unchangedFile_notParsedAgain(@TempDir Path dir) throws Exception {
        DirectoryLoader loader = new DirectoryLoader(dir);
        Files.writeString(dir.resolve("a.yaml"), vs("a", "/one"));
        Files.writeString(dir.resolve("b.yaml"), vs("b", "/two"));
        ConfigLoader.LoadResult first = loader.load();
        Files.writeString(dir.resolve("b.yaml"), vs("b", "/three"));
        ConfigLoader.LoadResult second = loader.load();
        assertSame(first.resources().get(0), second.resources().get(0)); // a.yaml: the same parsed resource
        assertNotSame(first.resources().get(1), second.resources().get(1));
    }
}
