// Removes what mmr added to a database, leaving the catalog: Image and Tag nodes with their ids,
// names, sources, features, eval_* metadata and TAGGED edges stay (they are your data; the last
// block, commented out, removes them too). Run it with the plugin still installed or not, in
// auto-commit mode (cypher-shell -f cypher/uninstall.cypher, or Neo4j Browser with :auto),
// then remove the jar from plugins/ and mmr's lines from neo4j.conf. docs/install.md, "Uninstall".
// The test ServerProcessIT runs this file against a real server.

// Vector indexes (search) and the constraints the importer created
DROP INDEX mmr_image_embedding IF EXISTS;
DROP INDEX mmr_tag_embedding IF EXISTS;
DROP INDEX mmr_image_features IF EXISTS;
DROP CONSTRAINT mmr_image_id IF EXISTS;
DROP CONSTRAINT mmr_tag_name IF EXISTS;
DROP CONSTRAINT mmr_catalog_name IF EXISTS;

// Visual kNN edges (mmr.knn) and feedback edges (mmr.feedback)
MATCH ()-[r:SIMILAR|LIKED_WITH|LIKED_FOR]->()
CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS;

// Stored models (weights) and the catalog record (which encoder made the features)
MATCH (n) WHERE n:MmrModel OR n:MmrCatalog
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 100 ROWS;

// Embeddings and the trainer's stored states
MATCH (n) WHERE (n:Image OR n:Tag) AND (n.embedding IS NOT NULL OR n.sageState IS NOT NULL OR n.sageInput IS NOT NULL OR n.sageStateModel IS NOT NULL
    OR n.nearestCarriers IS NOT NULL OR n.nearestCarrierCosines IS NOT NULL OR n.nearestCarriersModel IS NOT NULL)
CALL (n) { REMOVE n.embedding, n.sageState, n.sageInput, n.sageStateModel, n.nearestCarriers, n.nearestCarrierCosines,
    n.nearestCarriersModel } IN TRANSACTIONS OF 10000 ROWS;

// Everything, the catalog too (uncomment to run):
// MATCH (n) WHERE n:Image OR n:Tag CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS;
