// mmr graph schema. The importer applies this file (idempotently) before writing; tests run it.
// (:Image {id, source, features})-[:TAGGED]->(:Tag {name, features})
// (:Image)-[:SIMILAR {score}]->(:Image)        visual kNN edges, rebuilt by CALL mmr.knn()
// (:MmrCatalog {name, encoder, featureDimension, tagFeatureInit})   which encoder made the features
CREATE CONSTRAINT mmr_image_id IF NOT EXISTS FOR (i:Image) REQUIRE i.id IS UNIQUE;
CREATE CONSTRAINT mmr_tag_name IF NOT EXISTS FOR (t:Tag) REQUIRE t.name IS UNIQUE;
CREATE CONSTRAINT mmr_catalog_name IF NOT EXISTS FOR (c:MmrCatalog) REQUIRE c.name IS UNIQUE;
