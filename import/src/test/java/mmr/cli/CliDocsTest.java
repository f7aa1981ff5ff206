package mmr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line as README and docs/ state it, against picocli's model of it: README's command
 * table names only options the command has, and the defaults it shows ({@code [--top-k 5]}) are the
 * command's; anywhere in the docs, "{@code `--opt value`} (default" and "{@code `--opt`}, default value"
 * state the option's real default.
 */
class CliDocsTest {
    private static final Path README = Path.of("..", "README.md");
    private static final CommandLine CLI = new CommandLine(new Main());

    private static CommandSpec command(String path) {
        CommandLine c = CLI;
        for (String name : path.split(" ")) {
            c = c.getSubcommands().get(name);
            if (c == null) {
                return null;
            }
        }
        return c.getCommandSpec();
    }

    @Test
    void readmesCommandTableNamesRealOptionsAndTheirDefaults() throws IOException {
        List<String> problems = new ArrayList<>();
        Pattern row = Pattern.compile("^\\| `\\./mmr ([a-z]+)([^`]*)` \\|");
        Pattern option = Pattern.compile("(\\[)?(--[a-z][a-z-]*)(?: ([^\\]\\s|)]+))?");
        int rows = 0;
        for (String line : Files.readAllLines(README)) {
            Matcher m = row.matcher(line);
            if (!m.find()) {
                continue;
            }
            rows++;
            CommandSpec spec = command(m.group(1));
            if (spec == null) {
                problems.add("no command '" + m.group(1) + "'");
                continue;
            }
            Matcher o = option.matcher(m.group(2));
            while (o.find()) {
                OptionSpec opt = spec.findOption(o.group(2));
                if (opt == null) {
                    problems.add(m.group(1) + ": no option " + o.group(2));
                } else if (o.group(1) != null && o.group(3) != null && o.group(3).matches("[0-9.]+")
                        && !o.group(3).equals(opt.defaultValue())) {
                    problems.add(m.group(1) + " " + o.group(2) + ": README shows " + o.group(3) + ", the default is " + opt.defaultValue());
                }
            }
        }
        assertThat(rows).as("command rows in README").isGreaterThanOrEqualTo(6);
        assertThat(problems).isEmpty();
    }

    /** "`./mmr import` … `--tag-init random` (default" or "`--batch-size`, default 64", in the docs of one command. */
    @Test
    void defaultsStatedInTheDocsAreTheOptionsDefaults() throws IOException {
        List<String> problems = new ArrayList<>();
        Pattern valueThenDefault = Pattern.compile("`(--[a-z][a-z-]*) ([^`]+)` \\(default");
        Pattern optionThenDefault = Pattern.compile("`(--[a-z][a-z-]*)`, default ([^);,]+)");
        int checked = 0;
        List<Path> docs = new ArrayList<>(List.of(README));
        try (Stream<Path> files = Files.list(Path.of("..", "docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        for (Path doc : docs) {
            String command = doc.getFileName().toString().equals("import.md") ? "import" : null;
            if (command == null) {
                continue;   // prose defaults are checked where a page documents one command
            }
            String text = Files.readString(doc).replaceAll("\\s+", " ");
            for (Pattern p : List.of(valueThenDefault, optionThenDefault)) {
                Matcher m = p.matcher(text);
                while (m.find()) {
                    OptionSpec opt = command(command).findOption(m.group(1));
                    checked++;
                    if (opt == null) {
                        problems.add(doc.getFileName() + ": no option " + m.group(1) + " on " + command);
                    } else if (!m.group(2).strip().equals(opt.defaultValue())) {
                        problems.add(doc.getFileName() + ": " + m.group(1) + " documented default '" + m.group(2).strip()
                                + "', the option's is '" + opt.defaultValue() + "'");
                    }
                }
            }
        }
        assertThat(checked).as("defaults stated in docs/import.md").isGreaterThanOrEqualTo(2);
        assertThat(problems).isEmpty();
    }
}
