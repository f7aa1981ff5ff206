package mmr.procedures.progress;

import java.util.List;
import java.util.stream.Stream;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Procedure;

import mmr.model.progress.Progress;

/** {@code mmr.progress}: how far the running mmr.train and mmr.knn calls of this database have come. */
public class ProgressProc {
    @Context
    public GraphDatabaseService db;

    @Procedure(name = "mmr.progress", mode = Mode.READ)
    @Description("The long mmr tasks running in this database (mmr.train, mmr.knn): phase, steps done of the phase's total, "
            + "epoch, losses, the best epoch kept, elapsed time and the phase's estimated time left. No rows when none runs.")
    public Stream<TaskProgress> progress() {
        return RunningTasks.of(db.databaseName()).stream().map(p -> new TaskProgress(p.snapshot()));
    }

    public static final class TaskProgress {
        @Description("The procedure running: 'mmr.train' or 'mmr.knn'.")
        public final String task;
        @Description("What it is doing now, e.g. 'reading the graph', 'tag space', 'training', 'writing embeddings'.")
        public final String phase;
        @Description("Steps of the phase done (training: batches over all epochs).")
        public final long done;
        @Description("Steps of the phase in all; 0 when unknown.")
        public final long total;
        @Description("done / total × 100, null when the total is unknown.")
        public final Double percent;
        @Description("Training: the epoch under way (1-based), 0 before the first.")
        public final long epoch;
        @Description("Training: epochs asked for (early stopping may end sooner).")
        public final long epochs;
        @Description("Training: epochs finished.")
        public final long epochsDone;
        @Description("Training: the last finished epoch's mean loss.")
        public final Double loss;
        @Description("Training: the last finished epoch's validation loss (null without a validation split).")
        public final Double validationLoss;
        @Description("Training: every finished epoch's mean loss, first epoch first.")
        public final List<Double> epochLosses;
        @Description("Training: every finished epoch's validation loss (nulls without a validation split).")
        public final List<Double> validationLosses;
        @Description("Training: the epoch whose weights are kept so far.")
        public final Long bestEpoch;
        @Description("Seconds since the task started.")
        public final double elapsedSeconds;
        @Description("Seconds the phase still needs at its pace so far; null when unknown.")
        public final Double etaSeconds;

        TaskProgress(Progress.Snapshot s) {
            task = s.task();
            phase = s.phase();
            done = s.done();
            total = s.total();
            percent = s.percent();
            epoch = s.epoch();
            epochs = s.epochs();
            epochsDone = s.epochsDone();
            loss = s.loss();
            validationLoss = s.validationLoss();
            epochLosses = s.epochLosses();
            validationLosses = s.validationLosses();
            bestEpoch = s.bestEpoch() == null ? null : (long) s.bestEpoch();
            elapsedSeconds = s.elapsedSeconds();
            etaSeconds = s.etaSeconds();
        }
    }
}
