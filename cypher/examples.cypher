// mmr tutorial queries on the emoji graph: the query collection for Neo4j Browser (`./mmr serve` prints
// Browser's address with the connection filled in; paste a statement into the editor). The explorer
// page at http://localhost:7474/mmr/ shows the same searches with a slider, and copies its Cypher.
// Every statement below is run by a test (import module, SearchProcTest.tutorialQueriesRun) against the
// committed fixture. Statements end with ';' at the end of a line; comments start with //.

// 0. The graph: its schema (Browser draws it), and a sample neighbourhood — the dolphin, its visual
//    neighbours (SIMILAR) and its tags (TAGGED). With mmr's Browser style, applied on connect by
//    `./mmr serve` (elsewhere: :style http://localhost:7474/mmr/assets/mmr.grass), Image nodes show
//    their id and Tag nodes their name.
CALL db.schema.visualization();
MATCH p = (:Image {id: 'google:1f42c'})-[:SIMILAR|TAGGED]-() RETURN p;

// 1. What is in the graph, and which model serves it.
CALL mmr.catalog.info();
CALL mmr.model.info() YIELD name, version, current, encoder, embeddingDimension WHERE current RETURN *;

// 2. An image query: more like the dolphin. connect 'both' (default): the transient query node attaches
//    to the dolphin's five nearest images by visual features and to its own tags.
CALL mmr.search({id: 'google:1f42c'}, {k: 10})
YIELD image, score, rank, visualScore, conceptScore
RETURN rank, image.id AS id, round(score, 3) AS score, round(visualScore, 3) AS visual, round(conceptScore, 3) AS concept;

// 3. The slider: visualWeight 1.0 ranks by the image side only, 0.0 by the tags only. With an image and
//    keywords the tags' side is read from the graph: 1 for an image carrying 'sea', else the share of its
//    visual neighbours that carry it (conceptScore); concept: 'embedding' uses the tags' embeddings instead.
CALL mmr.search({id: 'google:1f42c', tags: ['sea']}, {k: 5, visualWeight: 1.0}) YIELD image, rank RETURN rank, image.id AS id;
CALL mmr.search({id: 'google:1f42c', tags: ['sea']}, {k: 5, visualWeight: 0.0}) YIELD image, rank, conceptScore
RETURN rank, image.id AS id, round(conceptScore, 3) AS concept;
CALL mmr.search({id: 'google:1f42c', tags: ['sea']}, {k: 5, visualWeight: 0.5, concept: 'embedding'}) YIELD image, rank
RETURN rank, image.id AS id;

// 4. The three connect modes, explained by mmr.attach: what the query node attached to.
UNWIND ['both', 'images', 'tags'] AS mode
CALL mmr.attach({id: 'google:1f42c', tags: ['sea', 'animal']}, {connect: mode}) YIELD images, tags
RETURN mode, [l IN images | l.id + ' ' + toString(round(l.similarity, 3))] AS attachedImages, [t IN tags | t.name] AS attachedTags;

// 4b. The three connect modes, searched: how the attachments change the top five.
UNWIND ['both', 'images', 'tags'] AS mode
CALL mmr.search({id: 'google:1f42c', tags: ['sea', 'animal']}, {connect: mode, k: 5}) YIELD image
RETURN mode, collect(image.id) AS top5;

// 5. A keyword query: tags alone. Case and spacing do not matter; unknown tags are ignored (and logged).
CALL mmr.search({tags: ['Animal', '  SEA ', 'no-such-tag']}, {k: 5}) YIELD image, score RETURN image.id AS id, round(score, 3) AS score;

// 6. A query by features (for example computed by an app with the same encoder), from an existing image here.
MATCH (i:Image {id: 'twitter:1f42c'})
CALL mmr.search({features: i.features, tags: ['fish']}, {k: 5, neighbors: 3, similarityCutoff: 0.7})
YIELD image, rank RETURN rank, image.id AS id;

// 7. Tags for an image, predicted from its visual neighbourhood.
CALL mmr.predictTags({id: 'google:1f40e'}, {k: 8}) YIELD name, score, rank RETURN rank, name, round(score, 3) AS score;

// 8. Compare with the tags the image actually has.
MATCH (:Image {id: 'google:1f40e'})-[:TAGGED]->(t:Tag) RETURN collect(t.name) AS actualTags;

// 9. Graph re-ranking (paper 002): any ranked list — here a keyword search's top 20 — re-ranked by
//    propagating its scores over the candidates' visual graph (docs/rerank.md). The search's order is handed over
//    (1/rank): a keyword search is ranked along the graph, where `score` stays the cosine to E and need not fall with rank.
CALL mmr.search({tags: ['animal']}, {k: 20}) YIELD image, rank
WITH collect({image: image, score: 1.0 / rank}) AS candidates
CALL mmr.rerank(candidates) YIELD image, rank, initialRank
RETURN rank, initialRank, image.id AS id;

// 10. Steer without retraining: words, "but not", and why a result came.
CALL mmr.search({id: 'google:1f42c', text: 'sea animals', without: ['fish']}, {k: 5, explain: true}) YIELD image, why
RETURN image.id AS id, why.queryTags AS sharedTags, why.attachedNeighbours AS near;
CALL mmr.explain({id: 'google:1f42c', tags: ['sea']}, 'twitter:1f42c') YIELD rank, kind, node, contribution, path
RETURN rank, kind, node, round(contribution, 4) AS contribution, path LIMIT 10;

// 11. Along the manifold (paper 004): the geodesic path between two images, each small step with the tags it gains
//     and loses; and search by geodesic distance from the query node (docs/geodesic.md).
CALL mmr.path('google:1f42c', 'google:1f40e') YIELD found, steps, cost
UNWIND steps AS step
RETURN step.from AS from, step.to AS to, round(step.cosine, 3) AS cosine, step.tagsGained AS gained, step.tagsLost AS lost;
CALL mmr.search({id: 'google:1f42c'}, {distance: 'geodesic', k: 5}) YIELD image, rank, rankedBy, geodesic, hops
RETURN rank, image.id AS id, rankedBy, round(geodesic, 3) AS distance, hops;

// 12. A keyword query is ranked along the graph by default (distance 'auto'): the images nearest its tag, and
//     those near them that lack the tag.
CALL mmr.search({tags: ['sea']}, {k: 5}) YIELD image, rankedBy, hops
RETURN image.id AS id, rankedBy, hops, exists((image)-[:TAGGED]->(:Tag {name: 'sea'})) AS tagged;
