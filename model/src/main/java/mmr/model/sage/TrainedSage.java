package mmr.model.sage;

import java.util.List;
import java.util.Map;

/**
 * What one GraphSAGE training produced, whichever trainer ran it (mmr's own or GDS's): every node's
 * embedding by node id, the weights the forward pass runs, and what the training reports. A trainer
 * that ran the native forward pass over every node also returns what search reads back for each
 * ({@code states}: first-layer states, {@code inputs}: projected inputs); null when it did not, or
 * when the model has none. {@code ridgeLambda}: the tag space's penalty as fitted (chosen, when
 * asked to), NaN without a tag space. {@code heldOutImages}: node ids of the images the trainer held out of
 * its targets (its validation split), which are as new to the model as a user's image; empty when it
 * held none out.
 */
public record TrainedSage(Map<Long, float[]> embeddings, SageWeights weights, long nodes, long relationships, long ranEpochs,
                          boolean didConverge, List<Double> epochLosses, long trainMillis, Map<Long, float[]> states,
                          Map<Long, float[]> inputs, double ridgeLambda, long[] heldOutImages) {}
