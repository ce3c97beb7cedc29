package dev.meshroute.conformance.selection;

import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.FilePosition;
import org.junit.platform.engine.support.descriptor.FileSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Leaves out of a run the scenarios {@code -Dmeshroute.tags} and {@code -Dmeshroute.scenario} do not select (see
 * {@link Selection}): they are not run and not reported, unlike {@code cucumber.filter.tags}, which reports them as
 * skipped. Registered with the JUnit Platform through {@code META-INF/services}, so it applies to every Cucumber run
 * of the suite (the conformance run, the mutant catalogue, the deviation re-runs); other tests pass untouched. A test
 * that launches its own Cucumber run of its own features (RunReportTest) opts out with
 * {@code LauncherConfig.enablePostDiscoveryFilterAutoRegistration(false)}.
 */
public final class ScenarioSelectionFilter implements PostDiscoveryFilter {

    private static String validated;

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        if (!descriptor.isTest() || !fromCucumber(descriptor.getUniqueId())) {
            return FilterResult.included("not a scenario");
        }
        Selection selection = Selection.fromSystemProperties();
        if (selection.selectsAll()) {
            return FilterResult.included("no selection");
        }
        Path root = root();
        validate(selection, root);
        Optional<FileSource> source = fileSource(descriptor);
        if (source.isEmpty()) {
            return FilterResult.included("no feature file to select by");
        }
        File file = source.get().getFile();
        List<Integer> lines = new ArrayList<>();
        for (Optional<TestDescriptor> d = Optional.of(descriptor); d.isPresent(); d = d.get().getParent()) {
            fileSource(d.get()).filter(s -> s.getFile().equals(file))
                    .flatMap(FileSource::getPosition).map(FilePosition::getLine).ifPresent(lines::add);
        }
        List<String> tags = descriptor.getTags().stream().map(TestTag::getName)
                .map(t -> t.startsWith("@") ? t : "@" + t).toList();
        return selection.selects(relative(root, file), lines, tags)
                ? FilterResult.included("selected")
                : FilterResult.excluded("not selected by -D" + Selection.TAGS_PROPERTY + " / -D"
                        + Selection.SCENARIO_PROPERTY);
    }

    private static synchronized void validate(Selection selection, Path root) {
        String key = selection.toString() + root;
        if (!key.equals(validated)) {
            selection.validateIds(root);
            validated = key;
        }
    }

    static Path root() {
        return Path.of(System.getProperty("meshroute.root", ".")).toAbsolutePath().normalize();
    }

    /** {@code features/x/x.feature}: the file relative to the project, with {@code /}. */
    static String relative(Path root, File file) {
        Path f = file.toPath().toAbsolutePath().normalize();
        return (f.startsWith(root) ? root.relativize(f) : f).toString().replace(File.separatorChar, '/');
    }

    private static Optional<FileSource> fileSource(TestDescriptor d) {
        return d.getSource().filter(FileSource.class::isInstance).map(FileSource.class::cast);
    }

    /** True for a descriptor of the Cucumber engine, run directly or inside a suite. */
    static boolean fromCucumber(UniqueId id) {
        return id.getSegments().stream().anyMatch(s -> s.getType().equals("engine") && s.getValue().equals("cucumber"));
    }
}
