package mmr.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mmr.eval.Holdout.HeldOutQuery;

/**
 * Geodesic ranking (paper 004) of image and image + keyword queries: through Tag nodes, through
 * images only, and at four hops; each search also counts towards {@code geodesic.retrievable}.
 */
final class GeodesicWalks {
    static final Map<String, Map<String, Object>> WALKS = new LinkedHashMap<>();

    static {
        WALKS.put("geodesic", Map.of("distance", "geodesic"));
        WALKS.put("geodesic(imagesOnly)", Map.of("distance", "geodesic", "imagesOnly", true));
        WALKS.put("geodesic(maxHops 4)", Map.of("distance", "geodesic", "maxHops", 4L));
    }

    private GeodesicWalks() {}

    static void run(Round round) {
        for (HeldOutQuery q : round.queries()) {
            for (var walk : WALKS.entrySet()) {
                String method = walk.getKey();
                round.add("image", method, round.geodesic("image", method, q.bytes(), List.of(), walk.getValue()));
                round.add("imageKeyword", method, q.keyword() == null ? null
                        : round.geodesic("imageKeyword", method, q.bytes(), List.of(q.keyword()), walk.getValue()));
            }
        }
        round.progress("%d geodesic walks", round.queries().size() * WALKS.size());
    }
}
