package mmr.server;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.JarURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.neo4j.internal.kernel.api.exceptions.ProcedureException;
import org.neo4j.kernel.api.procedure.GlobalProcedures;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.UserAggregationFunction;
import org.neo4j.procedure.UserFunction;

import mmr.procedures.MmrProcedures;

/**
 * Registers mmr's and GDS's procedures with an embedded database. A server finds them in its
 * plugins folder; embedded, they are on the classpath, so we register them as the harness does.
 */
final class ProcedureRegistry {
    private static final String GDS_PACKAGE = "org/neo4j/gds/";

    private ProcedureRegistry() {}

    /** Registers everything; returns how many classes were registered. */
    static int registerAll(GlobalProcedures procedures) throws ProcedureException, IOException {
        int n = 0;
        for (Class<?> c : gdsClasses()) {
            n += register(procedures, c) ? 1 : 0;
        }
        for (Class<?> c : MmrProcedures.CLASSES) {
            n += register(procedures, c) ? 1 : 0;
        }
        return n;
    }

    private static boolean register(GlobalProcedures procedures, Class<?> c) throws ProcedureException {
        boolean any = false;
        boolean proc = false;
        boolean func = false;
        boolean aggr = false;
        for (Method m : c.getDeclaredMethods()) {
            proc |= m.isAnnotationPresent(Procedure.class);
            func |= m.isAnnotationPresent(UserFunction.class);
            aggr |= m.isAnnotationPresent(UserAggregationFunction.class);
        }
        if (proc) {
            procedures.registerProcedure(c);
            any = true;
        }
        if (func) {
            procedures.registerFunction(c);
            any = true;
        }
        if (aggr) {
            procedures.registerAggregationFunction(c);
            any = true;
        }
        return any;
    }

    /** GDS's procedure ({@code *Proc}) and function ({@code *Func}) classes found on the classpath. */
    private static List<Class<?>> gdsClasses() throws IOException {
        ClassLoader loader = ProcedureRegistry.class.getClassLoader();
        List<String> names = new ArrayList<>();
        Enumeration<URL> roots = loader.getResources(GDS_PACKAGE);
        for (URL root : Collections.list(roots)) {
            if (!"jar".equals(root.getProtocol())) {
                continue;
            }
            JarURLConnection connection = (JarURLConnection) root.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                for (JarEntry e : Collections.list(jar.entries())) {
                    String n = e.getName();
                    if (n.startsWith(GDS_PACKAGE) && !n.contains("$")
                            && (n.endsWith("Proc.class") || n.endsWith("Func.class"))) {
                        names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.'));
                    }
                }
            }
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String name : names.stream().distinct().sorted().toList()) {
            try {
                classes.add(Class.forName(name, false, loader));
            } catch (ClassNotFoundException | LinkageError e) {
                // A class of an optional GDS feature whose dependencies are absent: not ours to load.
            }
        }
        return classes;
    }
}
