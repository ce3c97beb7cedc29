package dev.meshroute.reference.mesh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigWatcherTest {

    @Test
    void edits_eachReloads_noReloadWithoutEdit(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), "a: 1\n");
        Semaphore reloads = new Semaphore(0);
        try (ConfigWatcher watcher = ConfigWatcher.start(dir, reloads::release, 50)) {
            assertFalse(reloads.tryAcquire(300, TimeUnit.MILLISECONDS), "reloaded without an edit");
            Files.writeString(dir.resolve("a.yaml"), "a: 22\n");
            assertTrue(reloads.tryAcquire(10, TimeUnit.SECONDS), "no reload after an edit");
            Files.createDirectories(dir.resolve("sub"));
            assertTrue(reloads.tryAcquire(10, TimeUnit.SECONDS), "no reload after a new directory");
            reloads.drainPermits();
            Files.writeString(dir.resolve("sub").resolve("b.yaml"), "b: 1\n");
            assertTrue(reloads.tryAcquire(10, TimeUnit.SECONDS), "no reload after a new file in a subdirectory");
        }
    }
}
