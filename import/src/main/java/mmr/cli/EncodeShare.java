package mmr.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.neo4j.graphdb.GraphDatabaseService;

import mmr.model.encode.EncoderIdentity;
import mmr.model.encode.ImageEncoder;
import mmr.model.image.ImageDecoder;
import mmr.model.image.ImageRejectedException;
import mmr.procedures.encode.ServerEncoders;
import mmr.procedures.graph.Schema;

/**
 * {@code mmr bench search}'s bytes line: how much of a bytes query is decoding and encoding the image,
 * with the catalog's own encoder — the instance search itself uses.
 */
final class EncodeShare {
    private EncodeShare() {}

    static void measure(PrintWriter out, GraphDatabaseService db, List<BenchSearch.Sample> bytes, int queries, Path modelsRoot) {
        ImageDecoder decoder = new ImageDecoder();
        EncoderIdentity catalog = EncoderIdentity.parse(db.executeTransactionally("MATCH (c:" + Schema.CATALOG + ") RETURN c.encoder AS e",
                Map.of(), r -> (String) r.next().get("e")));
        ImageEncoder encoder = ServerEncoders.forCatalog("bench", catalog, modelsRoot);   // shared with search, not closed here
        long[] t = new long[Math.min(queries, bytes.size())];
        try {
            for (int i = -20; i < t.length; i++) {
                byte[] b = (byte[]) bytes.get(Math.floorMod(i, bytes.size())).query().get("bytes");
                long t0 = System.nanoTime();
                encoder.encode(decoder.decode(b, "bench"));
                if (i >= 0) {
                    t[i] = System.nanoTime() - t0;
                }
            }
        } catch (ImageRejectedException e) {
            throw new IllegalStateException(e);
        }
        out.printf(Locale.ROOT, "decode+encode of one catalog image file (the bytes kind's extra work, %s): p50 %.2f ms, p99 %.2f ms%n",
                catalog.name(), BenchSearch.pct(t, 50), BenchSearch.pct(t, 99));
    }
}
