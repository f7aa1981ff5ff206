package mmr.procedures.encode;

import org.neo4j.annotations.service.ServiceProvider;
import org.neo4j.kernel.extension.ExtensionFactory;
import org.neo4j.kernel.extension.ExtensionType;
import org.neo4j.kernel.extension.context.ExtensionContext;
import org.neo4j.kernel.lifecycle.Lifecycle;
import org.neo4j.kernel.lifecycle.LifecycleAdapter;

/**
 * Closes the server's loaded image encoders ({@link ServerEncoders}: native models and their
 * predictors) when the DBMS shuts down.
 */
@ServiceProvider
public final class EncodersLifecycle extends ExtensionFactory<EncodersLifecycle.Dependencies> {
    /** Nothing is needed from the DBMS. */
    public interface Dependencies {}

    public EncodersLifecycle() {
        super(ExtensionType.GLOBAL, "mmr-encoders");
    }

    @Override
    public Lifecycle newInstance(ExtensionContext context, Dependencies dependencies) {
        return new LifecycleAdapter() {
            @Override
            public void shutdown() {
                ServerEncoders.closeAll();
            }
        };
    }
}
