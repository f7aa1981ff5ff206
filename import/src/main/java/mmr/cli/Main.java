package mmr.cli;

import java.io.PrintWriter;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code mmr} command line: build, import and serve multi-modal image graphs in Neo4j. */
@Command(name = "mmr", mixinStandardHelpOptions = true, version = "mmr 0.1.0",
        description = "Multi-modal image retrieval in Neo4j: catalogs of images and tags as one graph.",
        subcommands = {ServeCommand.class, ImportCommand.class, KnnCommand.class, EmojiCommand.class, IconsCommand.class,
                SyntheticCommand.class, TrainCommand.class, EvalCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** Nothing could be imported. */
    public static final int EXIT_NOTHING_IMPORTED = 1;
    /** Bad arguments (picocli's own code for usage errors). */
    public static final int EXIT_USAGE = 2;
    /** The database could not be reached or refused the work. */
    public static final int EXIT_DATABASE = 3;

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs a command line writing to {@code out} and {@code err} (tests capture them). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main()).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("mmr: " + message(e));
            if (Boolean.getBoolean("mmr.debug")) {
                e.printStackTrace(cmd.getErr());
            }
            return e instanceof IllegalArgumentException ? EXIT_USAGE : EXIT_DATABASE;
        });
        return cli.execute(args.length == 0 ? new String[] {"serve"} : args);
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
