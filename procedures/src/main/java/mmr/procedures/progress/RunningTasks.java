package mmr.procedures.progress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import mmr.model.progress.Progress;

/**
 * The long mmr tasks running now (mmr.train, mmr.knn), by database: what {@code mmr.progress()}
 * reports, so a client in another session sees a training move (the CLI draws it as a bar).
 */
public final class RunningTasks {
    private static final Map<String, Progress> RUNNING = new ConcurrentHashMap<>();

    private RunningTasks() {}

    /** Registers a task of {@code database}; {@link #finish} removes it. */
    public static Progress start(String database, String task) {
        Progress p = new Progress(task);
        RUNNING.put(database + "\u0000" + task, p);
        return p;
    }

    public static void finish(String database, String task, Progress progress) {
        RUNNING.remove(database + "\u0000" + task, progress);
    }

    /** The tasks of {@code database} running now. */
    public static List<Progress> of(String database) {
        List<Progress> out = new ArrayList<>();
        RUNNING.forEach((key, p) -> {
            if (key.startsWith(database + "\u0000")) {
                out.add(p);
            }
        });
        return out;
    }
}
