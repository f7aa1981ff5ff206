package mmr.procedures.config;

import java.nio.file.Path;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/** The server's folders a procedure reads query images and models from, or null when unset or unknown. */
public final class ServerPaths {
    private ServerPaths() {}

    /** Where 'file' query sources resolve (the import directory). */
    public static Path importDirectory(GraphDatabaseAPI api) {
        return get(api, GraphDatabaseSettings.load_csv_file_url_root);
    }

    /** server.mmr.models_root: where the catalog's model is found to encode query images. */
    public static Path modelsRoot(GraphDatabaseAPI api) {
        return get(api, MmrSettings.models_root);
    }

    private static Path get(GraphDatabaseAPI api, Setting<Path> setting) {
        try {
            return api.getDependencyResolver().resolveDependency(Config.class).get(setting);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
