package mmr.procedures.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.internal.kernel.api.connectioninfo.ClientConnectionInfo;
import org.neo4j.internal.kernel.api.security.AccessMode;
import org.neo4j.internal.kernel.api.security.LoginContext;
import org.neo4j.internal.kernel.api.security.SecurityContext;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.impl.api.security.RestrictedAccessMode;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.Log;
import org.neo4j.server.rest.dbms.AuthorizedRequestWrapper;

import mmr.model.image.ImageRejectedException;
import mmr.model.text.Bounded;
import mmr.procedures.config.MmrSettings;
import mmr.procedures.graph.Schema;

/**
 * The explorer page and its JSON endpoints, an unmanaged extension mounted at {@code /mmr}
 * ({@code server.unmanaged_extension_classes=mmr.procedures.web=/mmr}). Every endpoint reads the
 * default database in a transaction of the request's own user (Neo4j's HTTP authentication applies
 * when it is on) whose access is restricted to READ by the kernel, and rolled back: nothing is ever
 * written. Every response carries a restrictive Content-Security-Policy; all assets come from here.
 */
@Path("/")
public class ExplorerResource {
    /** Largest image file the page may upload. */
    public static final int MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
    /** Largest request body: an upload as base64 plus the query's other fields. */
    static final int MAX_BODY_BYTES = MAX_UPLOAD_BYTES / 3 * 4 + 256 * 1024;
    static final long TRANSACTION_SECONDS = 30;
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> ASSETS = Map.of(
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml",
            "mmr.grass", "text/plain; charset=utf-8");
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16)
                    .maxStringLength(MAX_BODY_BYTES).build()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final DatabaseManagementService dbms;
    private final Config config;
    private final Log log;

    public ExplorerResource(@Context DatabaseManagementService dbms, @Context Config config, @Context Log log) {
        this.dbms = dbms;
        this.config = config;
        this.log = log;
    }

    @GET
    public Response index(@Context UriInfo uri) {
        if (!uri.getRequestUri().getPath().endsWith("/")) {
            return Response.seeOther(URI.create(uri.getRequestUri().getPath() + "/")).build();
        }
        return asset("index.html", "text/html; charset=utf-8");
    }

    @GET
    @Path("assets/{name}")
    public Response asset(@PathParam("name") String name) {
        String type = ASSETS.get(name);
        if (type == null) {
            return error(404, "no asset " + Bounded.quote(name) + "; the page's assets are " + String.join(", ", ASSETS.keySet()));
        }
        return asset(name, type);
    }

    @GET
    @Path("api/info")
    public Response info(@Context HttpServletRequest request) {
        return json(request, tx -> new Explorer(tx, log).info());
    }

    @GET
    @Path("api/images")
    public Response images(@Context HttpServletRequest request, @QueryParam("q") String filter,
                           @QueryParam("page") String page, @QueryParam("size") String size) {
        return json(request, tx -> new Explorer(tx, log).images(filter, page, size));
    }

    @GET
    @Path("api/tags")
    public Response tags(@Context HttpServletRequest request, @QueryParam("prefix") String prefix,
                         @QueryParam("limit") String limit) {
        return json(request, tx -> new Explorer(tx, log).tags(prefix, limit));
    }

    @POST
    @Path("api/search")
    public Response search(@Context HttpServletRequest request, InputStream body) {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return error(415, "send the search request as application/json, got content type " + Bounded.quote(String.valueOf(type)));
        }
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            return tooLarge(request.getContentLengthLong());
        }
        Map<String, Object> parsed;
        try {
            byte[] bytes = readCapped(body);
            if (bytes == null) {
                return tooLarge(-1);
            }
            parsed = parse(bytes);
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        } catch (IOException e) {
            return error(400, "the request body could not be read: " + Bounded.cut(String.valueOf(e.getMessage())));
        }
        return json(request, tx -> new Explorer(tx, log).withModelsRoot(config.get(MmrSettings.models_root)).search(parsed));
    }

    /**
     * The page asks for thumbnails here, the id as a query parameter: an id may hold a slash, which the
     * server refuses to decode inside a path ("Ambiguous URI path separator").
     */
    @GET
    @Path("api/thumb")
    public Response thumbById(@Context HttpServletRequest request, @QueryParam("id") String id) {
        if (id == null || id.isEmpty()) {
            return error(400, "name the image: /mmr/api/thumb?id=<the image's id>");
        }
        return thumb(request, id);
    }

    @GET
    @Path("api/thumb/{id}")
    public Response thumb(@Context HttpServletRequest request, @PathParam("id") String id) {
        String source;
        try {
            source = read(request, tx -> {
                Node n = tx.findNode(Schema.IMAGE_LABEL, "id", id);
                return n == null ? null : String.valueOf(n.getProperty("source", ""));
            });
        } catch (RuntimeException e) {
            return failure(e);
        }
        if (source == null) {
            return error(404, "no image with id " + Bounded.quote(id));
        }
        java.nio.file.Path root = config.get(MmrSettings.images_root);
        try {
            Thumbnails.Thumbnail t = new Thumbnails(root).read(id, source);
            return secured(Response.ok(t.bytes(), t.contentType()))
                    .header("Cache-Control", "private, max-age=3600").build();
        } catch (Thumbnails.Missing e) {
            return error(404, e.getMessage());
        } catch (ImageRejectedException e) {
            return error(e.reason() == ImageRejectedException.Reason.BUSY ? 503 : 404, e.getMessage());
        } catch (IOException e) {
            return error(404, "image " + Bounded.quote(id) + "'s file cannot be read: " + Bounded.cut(String.valueOf(e.getMessage())));
        }
    }

    // ---- plumbing

    private Response json(HttpServletRequest request, Function<InternalTransaction, Object> work) {
        Object out;
        try {
            out = read(request, work);
        } catch (RuntimeException e) {
            return failure(e);
        }
        try {
            return secured(Response.ok(JSON.writeValueAsBytes(out), "application/json; charset=utf-8"))
                    .header("Cache-Control", "no-store").build();
        } catch (JsonProcessingException e) {
            return failure(new IllegalStateException(e));
        }
    }

    /**
     * Runs {@code work} in a transaction of the request's user on the default database, restricted
     * to READ access by the kernel (a write anywhere below fails) and rolled back at the end.
     */
    private <T> T read(HttpServletRequest request, Function<InternalTransaction, T> work) {
        GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database(config.get(GraphDatabaseSettings.initial_default_database));
        LoginContext login = AuthorizedRequestWrapper.getLoginContextFromHttpServletRequest(request);
        try (InternalTransaction tx = db.beginTransaction(KernelTransaction.Type.EXPLICIT, login, ClientConnectionInfo.EMBEDDED_CONNECTION,
                TRANSACTION_SECONDS, TimeUnit.SECONDS)) {
            KernelTransaction ktx = tx.kernelTransaction();
            SecurityContext security = ktx.securityContext();
            ktx.overrideWith(security.withMode(new RestrictedAccessMode(security.mode(), AccessMode.Static.READ)));
            return work.apply(tx);   // never committed: closing rolls back
        }
    }

    private Response failure(RuntimeException e) {
        Throwable cause = e instanceof QueryExecutionException && e.getCause() != null ? rootCause(e) : e;
        if (cause instanceof IllegalArgumentException) {
            return error(400, cause.getMessage());
        }
        if (cause instanceof IllegalStateException && cause.getMessage() != null && cause.getMessage().startsWith("mmr")) {
            return error(409, cause.getMessage());
        }
        String message = String.valueOf(cause.getMessage());
        if (message.contains("busy")) {
            return error(503, message);
        }
        log.error("mmr explorer: request failed", e);
        return error(500, "the request failed: " + Bounded.cut(message) + " (details in the Neo4j log)");
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    private static Map<String, Object> parse(byte[] bytes) {
        Object v;
        try {
            v = JSON.readValue(bytes, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the request body is not valid JSON: "
                    + Bounded.cut(e.getOriginalMessage() == null ? String.valueOf(e.getMessage()) : e.getOriginalMessage()));
        } catch (IOException e) {
            throw new IllegalArgumentException("the request body could not be read: " + Bounded.cut(String.valueOf(e.getMessage())));
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("the request body must be a JSON object {query, config}, got "
                    + (v == null ? "null" : v.getClass().getSimpleName()));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) m;
        return map;
    }

    /** The body, or null when it exceeds {@link #MAX_BODY_BYTES}. */
    private static byte[] readCapped(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (out.size() + n > MAX_BODY_BYTES) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static Response tooLarge(long length) {
        return error(413, "the request is larger than " + MAX_BODY_BYTES / (1024 * 1024) + " MB"
                + (length > 0 ? " (" + length + " bytes)" : "") + "; an uploaded image may be at most "
                + MAX_UPLOAD_BYTES / (1024 * 1024) + " MB");
    }

    private static Response asset(String name, String type) {
        try (InputStream in = ExplorerResource.class.getResourceAsStream("/mmr/web/" + name)) {
            if (in == null) {
                return error(404, "asset " + Bounded.quote(name) + " is missing from the plugin");
            }
            return secured(Response.ok(in.readAllBytes(), type)).header("Cache-Control", "no-cache").build();
        } catch (IOException e) {
            return error(500, "asset " + Bounded.quote(name) + " cannot be read");
        }
    }

    static Response error(int status, String message) {
        try {
            return secured(Response.status(status).type("application/json; charset=utf-8")
                    .entity(JSON.writeValueAsBytes(Map.of("error", String.valueOf(message), "status", status))))
                    .header("Cache-Control", "no-store").build();
        } catch (JsonProcessingException e) {
            return Response.status(500).build();
        }
    }

    private static Response.ResponseBuilder secured(Response.ResponseBuilder b) {
        return b.header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY")
                .header("Cross-Origin-Resource-Policy", "same-origin");
    }

    public static List<String> assetNames() {
        return List.copyOf(ASSETS.keySet());
    }
}
