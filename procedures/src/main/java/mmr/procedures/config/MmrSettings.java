package mmr.procedures.config;

import java.nio.file.Path;

import org.neo4j.annotations.service.ServiceProvider;
import org.neo4j.configuration.Description;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingImpl;
import org.neo4j.configuration.SettingValueParsers;
import org.neo4j.configuration.SettingsDeclaration;
import org.neo4j.graphdb.config.Setting;

/**
 * The plugin's server settings (neo4j.conf). Declared so that Neo4j's strict configuration
 * validation accepts them.
 */
@ServiceProvider
public final class MmrSettings implements SettingsDeclaration {
    @Description("Folder that the catalog's image paths (Image.source, as written by the importer) are relative to. "
            + "The explorer page at /mmr serves thumbnails of catalog images from here, by image id only; unset, it "
            + "shows none. A relative path resolves against the Neo4j home.")
    public static final Setting<Path> images_root = SettingImpl.newBuilder("server.mmr.images_root", SettingValueParsers.PATH, (Path) null)
            .setDependency(GraphDatabaseSettings.neo4j_home)
            .build();

    @Description("Whether a database with an mmr catalog loads and runs its image encoder, and decodes its current model, in "
            + "the background when it starts, so that the first image query does not pay for the load. Startup does not wait "
            + "for it; the log says what was warmed and how long it took.")
    public static final Setting<Boolean> warm_up = SettingImpl.newBuilder("server.mmr.warm_up", SettingValueParsers.BOOL, true)
            .build();

    @Description("Folder holding the image models (TorchScript .pt files, TF.js model folders) catalogs were encoded with, so "
            + "that the server can encode query images (bytes, base64, file) as the importer did: a catalog imported with encoder "
            + "'torchscript:<path>/resnet18.pt' is searched with 'resnet18.pt' from here, one imported with 'tfjs:<path>/mobilenet_v2_mid' "
            + "with the folder 'mobilenet_v2_mid' (a fused encoder's parts likewise), each checked against the checksum recorded "
            + "at import. Unset, such catalogs take 'features' only. A relative path resolves against the Neo4j home.")
    public static final Setting<Path> models_root = SettingImpl.newBuilder("server.mmr.models_root", SettingValueParsers.PATH, (Path) null)
            .setDependency(GraphDatabaseSettings.neo4j_home)
            .build();
}
