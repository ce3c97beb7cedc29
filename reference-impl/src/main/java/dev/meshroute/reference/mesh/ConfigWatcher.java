package dev.meshroute.reference.mesh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Watches a config directory (and its subdirectories) and calls a reload when a file in it changes. The
 * platform's file events (inotify on Linux) wake it at once; where the JDK only polls (its WatchService on macOS
 * polls every few seconds), the files' names, sizes and modification times are also compared every
 * {@code pollMillis}. A burst of events (an editor's truncate, write, rename) is waited out for a short quiet
 * period, so one edit is one reload.
 *
 * <p>A writer that truncates a file and then writes its new text (as {@code Files.writeString} and many editors
 * do) can be seen between the two: the file is empty for a moment, and a reload then would take its resources away
 * until the next event. So a file that was not empty at the last reload and is empty now is given
 * {@link #EMPTIED_GRACE_MILLIS} to get its text before the reload; one that stays empty is reloaded as empty (its
 * resources removed), as intended. A writer that pauses longer, or in the middle of its text, can still be read
 * mid-write: write to a temporary name and rename.
 */
public final class ConfigWatcher implements AutoCloseable {

    /** How long the directory must stay quiet after an event before the reload. */
    static final long QUIET_MILLIS = 5;
    /** Events of one edit are not waited for longer than this. */
    static final long MAX_SETTLE_MILLIS = 100;
    /** How long a file that has just become empty is given to get its new text before the reload. */
    static final long EMPTIED_GRACE_MILLIS = 250;

    private final Path dir;
    private final Runnable reload;
    private final long pollMillis;
    private final WatchService events;
    private final Thread thread;
    private volatile boolean closed;
    /** The files as they were at the last reload (or at the start). */
    private Map<Path, FileState> files;

    private ConfigWatcher(Path dir, Runnable reload, long pollMillis) throws IOException {
        this.dir = dir;
        this.reload = reload;
        this.pollMillis = pollMillis;
        this.events = FileSystems.getDefault().newWatchService();
        this.files = files(dir);
        registerDirectories();
        this.thread = new Thread(this::run, "meshroute-config-watcher");
        this.thread.setDaemon(true);
    }

    /**
     * Starts watching {@code dir}; {@code reload} runs on the watcher's thread after each change (not for the
     * files as they are now: the caller loads those first).
     */
    public static ConfigWatcher start(Path dir, Runnable reload, long pollMillis) {
        try {
            ConfigWatcher w = new ConfigWatcher(dir, reload, pollMillis);
            w.thread.start();
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + dir + ": " + e.getMessage(), e);
        }
    }

    private void run() {
        try {
            while (!closed) {
                WatchKey key = events.poll(pollMillis, TimeUnit.MILLISECONDS);
                if (key != null) {
                    drain(key);
                    settle();
                }
                Map<Path, FileState> now = files(dir);
                // an event counts even when the files look unchanged (two edits within a millisecond)
                if (key != null || !now.equals(files)) {
                    if (awaitEmptiedFiles(now)) {
                        now = files(dir);
                    }
                    files = now;
                    registerDirectories(); // a new subdirectory is watched from now on
                    reload.run();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    /** Waits until no event arrived for {@link #QUIET_MILLIS}, at most {@link #MAX_SETTLE_MILLIS}. */
    private void settle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_SETTLE_MILLIS);
        while (System.nanoTime() < deadline) {
            WatchKey more = events.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS);
            if (more == null) {
                return;
            }
            drain(more);
        }
    }

    /**
     * Waits, at most {@link #EMPTIED_GRACE_MILLIS}, while a file that was not empty at the last reload is empty: a
     * writer that truncated it is about to write it.
     */
    private boolean awaitEmptiedFiles(Map<Path, FileState> now) throws InterruptedException {
        if (!anyEmptied(now)) {
            return false;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EMPTIED_GRACE_MILLIS);
        while (System.nanoTime() < deadline && anyEmptied(files(dir))) {
            WatchKey more = events.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS);
            if (more != null) {
                drain(more);
                settle();
            }
        }
        settle(); // the events of the write that filled the file, so that they do not cause a second reload
        return true;
    }

    /** True when a file that was not empty at the last reload is empty in {@code now}. */
    private boolean anyEmptied(Map<Path, FileState> now) {
        for (Map.Entry<Path, FileState> before : files.entrySet()) {
            FileState state = now.get(before.getKey());
            if (before.getValue().size() > 0 && state != null && state.size() == 0) {
                return true;
            }
        }
        return false;
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    private void registerDirectories() {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.filter(Files::isDirectory).toList()) {
                p.register(events, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        } catch (IOException | UncheckedIOException | ClosedWatchServiceException e) {
            // the poll still sees changes
        }
    }

    /** A file's size and modification time: one of them changes on every edit (-1, -1: gone while read). */
    record FileState(long size, long modifiedMillis) {
    }

    /** The regular files under {@code dir} with their states; empty when the directory cannot be read. */
    static Map<Path, FileState> files(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            Map<Path, FileState> out = new HashMap<>();
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                try {
                    out.put(p, new FileState(Files.size(p), Files.getLastModifiedTime(p).toMillis()));
                } catch (IOException e) {
                    out.put(p, new FileState(-1, -1));
                }
            }
            return out;
        } catch (IOException | UncheckedIOException e) {
            return Map.of();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            events.close();
        } catch (IOException e) {
            // nothing to release
        }
        thread.interrupt();
    }
}
