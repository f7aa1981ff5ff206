package mmr.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.neo4j.io.pagecache.PageCache;
import org.neo4j.io.pagecache.tracing.PageCacheTracer;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

import mmr.server.EmbeddedNeo4j;

/** What {@code mmr bench scale} records of a store after each stage: its page cache and its size on disk. */
final class StoreMeasures {
    private StoreMeasures() {}

    /** The page cache's size, the part of it in use, evictions and hit ratio since the database started. */
    static void pageCache(EmbeddedNeo4j neo4j, Map<String, Object> r) {
        var deps = ((GraphDatabaseAPI) neo4j.db()).getDependencyResolver();
        PageCache cache = deps.resolveDependency(PageCache.class);
        PageCacheTracer tracer = deps.resolveDependency(PageCacheTracer.class);
        long sizeMB = cache.maxCachedPages() * cache.pageSize() >> 20;
        r.put("pageCacheMB", sizeMB);
        // pages brought in and not evicted since the database started: the share of the cache this stage filled
        long resident = Math.min(cache.maxCachedPages(), Math.max(0, tracer.faults() - tracer.evictions()));
        r.put("pageCacheUsedMB", resident * cache.pageSize() >> 20);
        r.put("pageCacheEvictions", tracer.evictions());
        r.put("pageCacheHitRatio", Math.round(tracer.hitRatio() * 100) / 100.0);
    }

    /** Store size by file and by index (named), in MB. */
    static Map<String, Long> storeSizes(Path home) throws IOException {
        Path db = home.resolve("data/databases/neo4j");
        Map<String, Long> bytes = new TreeMap<>();
        if (!Files.isDirectory(db)) {
            return Map.of();
        }
        try (Stream<Path> walk = Files.walk(db)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                Path rel = db.relativize(p);
                String key = rel.getNameCount() >= 4 && rel.getName(0).toString().equals("schema")
                        ? rel.subpath(0, 4).toString() : rel.toString();
                bytes.merge(key, Files.size(p), Long::sum);
            }
        }
        Map<String, Long> mb = new LinkedHashMap<>();
        long total = 0;
        for (var e : bytes.entrySet()) {
            total += e.getValue();
            if (e.getValue() >= 1 << 20) {
                mb.put(e.getKey(), e.getValue() >> 20);
            }
        }
        mb.put("total", total >> 20);
        return mb;
    }
}
