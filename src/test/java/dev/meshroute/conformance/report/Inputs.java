package dev.meshroute.conformance.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What a run's verdicts rest on: the suite's commit and a digest of the features and fixtures it read. */
final class Inputs {

    private Inputs() {
    }

    /** {@code git rev-parse HEAD} in {@code root}, or "unknown" (no git, not a checkout, or it took over 10 s). */
    static String gitCommit(Path root) {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(root.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown";
            }
            return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /**
     * SHA-256 over every regular file under the {@code dirs} of {@code root}, in path order: each file's path
     * relative to root (with '/'), a NUL byte, its bytes, a NUL byte. The same inputs give the same digest on any
     * machine.
     */
    static Map<String, Object> digest(Path root, List<String> dirs) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<String> files = new ArrayList<>();
            for (String d : dirs) {
                Path dir = root.resolve(d);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.filter(Files::isRegularFile)
                            .map(p -> root.relativize(p).toString().replace('\\', '/'))
                            .forEach(files::add);
                }
            }
            files.sort(String::compareTo);
            for (String f : files) {
                sha.update(f.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Files.readAllBytes(root.resolve(f)));
                sha.update((byte) 0);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("algorithm", "SHA-256");
            m.put("sha256", HexFormat.of().formatHex(sha.digest()));
            m.put("directories", dirs);
            m.put("files", files.size());
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the suite's inputs under " + root, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
