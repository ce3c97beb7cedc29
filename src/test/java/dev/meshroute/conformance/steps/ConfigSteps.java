package dev.meshroute.conformance.steps;

import dev.meshroute.conformance.target.ConfigSource;
import io.cucumber.java.en.Given;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Steps that build a scenario's configuration from fixtures and from YAML written in the scenario. */
public final class ConfigSteps {

    private final World world;

    public ConfigSteps(World world) {
        this.world = world;
    }

    static Path root() {
        return Path.of(System.getProperty("meshroute.root", "."));
    }

    @Given("the fixture {string}")
    public void fixture(String name) throws IOException {
        Path path = root().resolve("fixtures").resolve(name);
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.list(path)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                    add(f);
                }
            }
        } else {
            add(path);
        }
    }

    private void add(Path file) throws IOException {
        String name = root().relativize(file).toString();
        world.sources.add(new ConfigSource(name, Files.readString(file)));
    }

    @Given("the configuration:")
    public void configuration(String yaml) {
        world.sources.add(new ConfigSource("scenario-" + (world.sources.size() + 1) + ".yaml", yaml));
    }
}
