package dev.meshroute.reference.config;

import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.Resource;
import dev.meshroute.reference.model.SourceLocation;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.representer.Representer;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads multi-document YAML files into resources. Nothing here throws on bad input: a broken file or
 * document becomes a {@link Diagnostic} naming file and line, and every other document still loads.
 */
public final class ConfigLoader {

    /** What one load produced: the resources that parsed, and every problem found on the way. */
    /**
     * What one load produced.
     *
     * @param resources   the resources that parsed
     * @param diagnostics every problem found on the way
     * @param rejected    keys ({@code Kind namespace/name}) of resources that were found but had shape errors
     * @param brokenFiles files that could not be read to the end (malformed YAML, unreadable)
     */
    public record LoadResult(List<Resource> resources, List<Diagnostic> diagnostics, List<String> rejected,
                             List<String> brokenFiles) {
        public LoadResult {
            resources = List.copyOf(resources);
            diagnostics = List.copyOf(diagnostics);
            rejected = List.copyOf(rejected);
            brokenFiles = List.copyOf(brokenFiles);
        }

        static LoadResult broken(String file, Diagnostic diagnostic) {
            return new LoadResult(List.of(), List.of(diagnostic), List.of(), List.of(file));
        }
    }

    static final int MAX_FILE_BYTES = 8 * 1024 * 1024;
    /**
     * The longest line read. SnakeYAML scans a token with a look-ahead that copies its buffer every 1,024
     * characters, so one line costs time quadratic in its length (a 1 MiB line took 10 to 18 s, measured on
     * 2 cores); 64 KiB lines take milliseconds. A long value fits a block scalar ({@code |}) over several lines.
     */
    static final int MAX_LINE_CHARS = 64 * 1024;
    /** SnakeYAML's default limits, named so the messages can say them. */
    private static final int MAX_ALIASES = 50;
    private static final int MAX_NESTING = 50;
    private static final int MAX_DOCUMENT_CODE_POINTS = 3 * 1024 * 1024;

    private ConfigLoader() {
    }

    /** Every {@code .yaml} / {@code .yml} file under {@code dir}, recursively, in path order. */
    public static LoadResult loadDirectory(Path dir) {
        return loadDirectory(dir, ConfigLoader::loadFile);
    }

    /** As {@link #loadDirectory(Path)}, each file read by {@code loadFile} (which may reuse an earlier result). */
    static LoadResult loadDirectory(Path dir, java.util.function.Function<Path, LoadResult> loadFile) {
        if (!Files.isDirectory(dir)) {
            return LoadResult.broken(dir.toString(), Diagnostic.error(null, new SourceLocation(dir.toString(), 0),
                    "not a directory; pass the directory that holds the YAML files"));
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return LoadResult.broken(dir.toString(), Diagnostic.error(null, new SourceLocation(dir.toString(), 0),
                    "cannot list the directory: " + e.getMessage()));
        }
        return merge(files.stream().map(loadFile).toList());
    }

    /** The results of several loads as one, in order. */
    public static LoadResult merge(List<LoadResult> parts) {
        List<Resource> resources = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        for (LoadResult part : parts) {
            resources.addAll(part.resources());
            diagnostics.addAll(part.diagnostics());
            rejected.addAll(part.rejected());
            broken.addAll(part.brokenFiles());
        }
        return new LoadResult(resources, diagnostics, rejected, broken);
    }

    public static LoadResult loadFile(Path file) {
        String name = file.toString();
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                return LoadResult.broken(name, Diagnostic.error(null, new SourceLocation(name, 0),
                        "file is larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB; split it into smaller files"));
            }
            return loadText(name, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return LoadResult.broken(name, Diagnostic.error(null, new SourceLocation(name, 0),
                    "cannot read the file: " + e.getMessage()));
        }
    }

    /** Parses YAML text; {@code name} is what diagnostics call the file. */
    public static LoadResult loadText(String name, String text) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<Resource> resources = new ArrayList<>();
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // duplicates are reported by the parser with their line
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_DOCUMENT_CODE_POINTS);
        int longLine = longLine(text);
        if (longLine > 0) {
            return LoadResult.broken(name, Diagnostic.error(null, new SourceLocation(name, longLine),
                    "line is longer than " + MAX_LINE_CHARS + " characters; break the value over several lines"
                            + " (a block scalar, |) or move it out of the file; the file was not read"));
        }
        DumperOptions unused = new DumperOptions(); // SnakeYAML takes a resolver only with the dumper's settings
        org.yaml.snakeyaml.Yaml snake = new org.yaml.snakeyaml.Yaml(new SafeConstructor(options),
                new Representer(unused), unused, options, new PlainScalarResolver());
        ResourceParser parser = new ResourceParser(name, diagnostics);
        boolean broken = false;
        int nextDocumentLine = 1;
        try (Reader reader = new StringReader(text)) {
            for (Node document : snake.composeAll(reader)) {
                if (document != null) {
                    nextDocumentLine = document.getEndMark().getLine() + 1;
                }
                if (document == null || Yaml.isNull(document)) {
                    continue;
                }
                Resource resource = parser.parse(document);
                if (resource != null) {
                    resources.add(resource);
                }
            }
        } catch (MarkedYAMLException e) {
            broken = true;
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = mark == null ? nextDocumentLine : mark.getLine() + 1;
            diagnostics.add(Diagnostic.error(null, new SourceLocation(name, line),
                    "malformed YAML: " + oneLine(e) + "; documents after this point in the file were not read"));
        } catch (org.yaml.snakeyaml.reader.ReaderException e) {
            broken = true;
            int at = Math.min(Math.max(e.getPosition(), 0), text.length());
            int line = 1 + (int) text.substring(0, at).chars().filter(c -> c == '\n').count();
            diagnostics.add(Diagnostic.error(null, new SourceLocation(name, line), "malformed YAML: character U+"
                    + String.format("%04X", e.getCodePoint()) + " is not allowed in YAML, not even in quotes;"
                    + " remove it or write it as an escape (\\u" + String.format("%04X", e.getCodePoint())
                    + ") in a double-quoted string; documents after this point in the file were not read"));
        } catch (YAMLException | IOException e) {
            // SnakeYAML's limits carry no position: name the first line of the document being read
            broken = true;
            diagnostics.add(Diagnostic.error(null, new SourceLocation(name, nextDocumentLine),
                    "malformed YAML: " + limitMessage(e) + "; documents after this point in the file were not read"));
        }
        return new LoadResult(resources, diagnostics, parser.rejected(), broken ? List.of(name) : List.of());
    }

    /** The 1-based number of the first line longer than {@link #MAX_LINE_CHARS}, or 0. */
    private static int longLine(String text) {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                if (i - start > MAX_LINE_CHARS) {
                    return line;
                }
                line++;
                start = i + 1;
            }
        }
        return 0;
    }

    /** SnakeYAML's own words for its limits are terse; say what was hit and what to do. */
    private static String limitMessage(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getMessage().lines().findFirst().orElse("").trim();
        if (message.startsWith("Nesting Depth exceeded")) {
            return "a document nests lists and mappings deeper than " + MAX_NESTING + " levels; flatten it";
        }
        if (message.startsWith("Number of aliases")) {
            return "more than " + MAX_ALIASES + " aliases (*name) to lists or mappings in one document, refused as"
                    + " a possible alias bomb; write the values out";
        }
        if (message.contains("exceeds the limit") && message.contains("code points")) {
            return "a document is longer than " + MAX_DOCUMENT_CODE_POINTS + " characters; split it into smaller"
                    + " documents";
        }
        return message;
    }

    private static String oneLine(MarkedYAMLException e) {
        String problem = e.getProblem() == null ? "" : e.getProblem();
        String context = e.getContext() == null ? "" : e.getContext() + ", ";
        return (context + problem).replaceAll("\\s+", " ").trim();
    }
}
