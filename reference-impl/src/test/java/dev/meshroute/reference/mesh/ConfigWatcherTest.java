package dev.meshroute.reference.mesh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    /**
     * A writer that truncates a file and writes its text 50 ms later (a slow {@code Files.writeString}, an editor):
     * the reload sees the new text, never the empty file in between (which would take the file's resources away).
     */
    @Test
    void truncatedThenWritten_reloadSeesTheNewText(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a.yaml");
        Files.writeString(file, "a: 1\n");
        LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (ConfigWatcher watcher = ConfigWatcher.start(dir, () -> seen.add(read(file)), 50)) {
            long emptied = System.nanoTime();
            Files.write(file, new byte[0]);
            Thread.sleep(50);
            Files.writeString(file, "a: 2\n");
            long pause = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - emptied);
            String first = seen.poll(10, TimeUnit.SECONDS);
            // the watcher promises the new text only to a writer that pauses less than the grace period; on a
            // machine so loaded that this one paused longer (the likely cause of the one failure seen, while
            // several builds shared the machine), the test cannot tell a bug from the promised behaviour, so it is
            // skipped, not passed
            assumeTrue(pause < ConfigWatcher.EMPTIED_GRACE_MILLIS, "the writer paused " + pause
                    + " ms, longer than the watcher's grace period of " + ConfigWatcher.EMPTIED_GRACE_MILLIS + " ms");
            assertEquals("a: 2\n", first, "the first reload after the edit");
            // a late event of the same write may cause one more reload: of the same text, never of the empty file
            for (String later = seen.poll(300, TimeUnit.MILLISECONDS); later != null;
                 later = seen.poll(300, TimeUnit.MILLISECONDS)) {
                assertEquals("a: 2\n", later, "a later reload");
            }
        }
    }

    /** A file emptied on purpose is reloaded empty, after the grace period. */
    @Test
    void emptiedAndLeftEmpty_isReloadedEmpty(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a.yaml");
        Files.writeString(file, "a: 1\n");
        LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (ConfigWatcher watcher = ConfigWatcher.start(dir, () -> seen.add(read(file)), 50)) {
            Files.write(file, new byte[0]);
            assertEquals("", seen.poll(10, TimeUnit.SECONDS), "no reload of the emptied file");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "unreadable: " + e;
        }
    }
}
