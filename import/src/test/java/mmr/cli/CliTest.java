package mmr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.harness.Neo4j;

import mmr.procedures.testing.EmojiFixture;
import mmr.procedures.testing.HarnessTest;

/** The command line as a user runs it: exit codes, messages, Bolt and embedded targets. */
class CliTest extends HarnessTest {
    private Path fixture;

    @TempDir
    Path dir;

    @BeforeAll
    void start() throws Exception {
        fixture = EmojiFixture.manifest();
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void importsOverBoltIntoARunningServer() {
        Run r = run("import", "--uri", neo4j.boltURI().toString(), "--no-auth", "--manifest", fixture.toString(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Imported 120 image(s) into " + neo4j.boltURI())
                .contains("records 120, already present 0, rejected 0")
                .contains("kNN: ");
        long images = neo4j.defaultDatabaseService().executeTransactionally("MATCH (i:Image) RETURN count(i) AS n",
                Map.of(), res -> (Long) res.next().get("n"));
        assertThat(images).isEqualTo(120);

        Run again = run("import", "--uri", neo4j.boltURI().toString(), "--no-auth", "--manifest", fixture.toString(), "--quiet");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("Imported 0 image(s)").contains("already present 120");
    }

    @Test
    void exitCodesTellWhatHappened() throws Exception {
        Run missing = run("import", "--db-dir", dir.resolve("db").toString(), "--manifest", dir.resolve("nope.jsonl").toString());
        assertThat(missing.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(missing.err()).contains("mmr import: manifest not found: '" + dir.resolve("nope.jsonl") + "'");

        Run noTarget = run("import", "--manifest", fixture.toString());
        assertThat(noTarget.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(noTarget.err()).contains("Missing required argument (specify one of these): (--db-dir=DIR | --uri=URI)");

        Run badEncoder = run("import", "--uri", neo4j.boltURI().toString(), "--no-auth", "--manifest", fixture.toString(),
                "--encoder", "resnet");
        assertThat(badEncoder.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(badEncoder.err()).contains("unknown encoder 'resnet'; accepted: 'descriptor', 'torchscript:<path to .pt file>', 'tfjs:<model folder or name>[/<layer>][@<side>]' or several joined by '+', each with an optional '<weight>*' (fused)");

        Run unreachable = run("import", "--uri", "bolt://127.0.0.1:9", "--no-auth", "--manifest", fixture.toString());
        assertThat(unreachable.code()).isEqualTo(Main.EXIT_DATABASE);
        assertThat(unreachable.err()).contains("mmr: cannot reach Neo4j at bolt://127.0.0.1:9");

        if (System.getenv("NEO4J_PASSWORD") == null) {
            Run noPassword = run("train", "--uri", "bolt://127.0.0.1:9");
            assertThat(noPassword.code()).isEqualTo(Main.EXIT_USAGE);
            assertThat(noPassword.err()).contains("mmr: --uri bolt://127.0.0.1:9 needs the password of user 'neo4j': give "
                    + "--password or set NEO4J_PASSWORD, or --no-auth for a server without authentication");
        }

        Path none = Files.writeString(dir.resolve("none.jsonl"), "{\"id\": \"a\", \"path\": \"gone.png\"}\n");
        Run nothing = run("import", "--uri", neo4j.boltURI().toString(), "--no-auth", "--manifest", none.toString(), "--quiet");
        assertThat(nothing.code()).isEqualTo(Main.EXIT_NOTHING_IMPORTED);
        assertThat(nothing.out()).contains("missing-file 1");
        assertThat(nothing.err()).contains("nothing could be imported");
    }

    @Test
    void syntheticCatalogsImportWithTheirFeaturesEncoder() {
        Path manifest = dir.resolve("syn.jsonl");
        Run gen = run("synthetic", "--images", "300", "--dimension", "32", "--out", manifest.toString());
        assertThat(gen.code()).isZero();
        assertThat(gen.out()).contains("features encoder synthetic/32/seed7");
        Path db = dir.resolve("syn-db");
        Run imp = run("import", "--db-dir", db.toString(), "--manifest", manifest.toString(),
                "--features-encoder", "synthetic/32/seed7", "--quiet");
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("Imported 300 image(s) into embedded database at " + db.toAbsolutePath());
    }
}
