package mmr.procedures.graph;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.Transaction;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;

/**
 * Per database and name, the node a lookup found last — for lookups every search makes (the current
 * model, the catalog record). The remembered node is used again only while it still passes the
 * lookup's own check; a node deleted or no longer the one sends the call back to the lookup.
 */
final class LastFound {
    private final Map<String, Long> nodes = new ConcurrentHashMap<>();

    Node get(Transaction tx, String name, Predicate<Node> stillTheOne, Supplier<Node> lookup) {
        String key = ((InternalTransaction) tx).kernelTransaction().getDatabaseId() + "|" + name;
        Long remembered = nodes.get(key);
        if (remembered != null) {
            try {
                Node n = tx.getNodeById(remembered);
                if (stillTheOne.test(n)) {
                    return n;
                }
            } catch (NotFoundException deleted) {
                // looked up below
            }
        }
        Node found = lookup.get();
        if (found != null) {
            nodes.put(key, found.getId());
        }
        return found;
    }
}
