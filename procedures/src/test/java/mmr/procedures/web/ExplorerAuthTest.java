package mmr.procedures.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.harness.Neo4j;

import mmr.procedures.testing.TestDatabases;

/** With authentication on, the explorer's page and endpoints need a Neo4j user, like the rest of the HTTP server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplorerAuthTest {
    private Neo4j neo4j;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    void start() {
        neo4j = TestDatabases.builder(false, true).withConfig(GraphDatabaseSettings.auth_enabled, true).build();
        neo4j.databaseManagementService().database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
                .executeTransactionally("CREATE USER analyst SET PASSWORD 'analyst-secret' CHANGE NOT REQUIRED");
    }

    @AfterAll
    void stop() {
        neo4j.close();
    }

    private HttpResponse<String> get(String path, String user, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(neo4j.httpURI().resolve(path));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyPathNeedsAUser() throws Exception {
        for (String path : List.of("/mmr/", "/mmr/assets/app.js", "/mmr/api/info", "/mmr/api/images", "/mmr/api/thumb/x", "/mmr/api/thumb?id=x")) {
            HttpResponse<String> anonymous = get(path, null, null);
            assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElse("")).as(path).contains("Basic realm=\"Neo4j\"");
        }
        // (one wrong password only: Neo4j locks a user out for a while after 3 failed attempts)
        assertThat(get("/mmr/api/images", "analyst", "wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> page = get("/mmr/", "analyst", "analyst-secret");
        assertThat(page.statusCode()).isEqualTo(200);
        HttpResponse<String> info = get("/mmr/api/info", "analyst", "analyst-secret");
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.body()).contains("\"images\":0");
    }
}
